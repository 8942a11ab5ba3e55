package com.miniatura.worker.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.miniatura.common.catalog.Fit;
import com.miniatura.common.catalog.OutputFormat;
import com.miniatura.common.catalog.VariantCatalog;
import com.miniatura.common.catalog.VariantSpec;
import com.miniatura.common.config.KafkaSettings;
import com.miniatura.common.config.MiniaturaSettings;
import com.miniatura.common.event.ImageDeleted;
import com.miniatura.common.event.ImageEvent;
import com.miniatura.common.event.ImageUploaded;
import com.miniatura.common.storage.Manifest;
import com.miniatura.common.storage.ManifestCodec;
import com.miniatura.common.storage.StorageSettings;
import com.miniatura.common.storage.StorageUnavailableException;
import com.miniatura.worker.WorkerSettings;
import com.miniatura.worker.render.RenderLimits;
import com.miniatura.worker.render.Renderer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mockito.Mockito;

/**
 * A record whose render kills the worker is not delivered forever: the start of each render is recorded in the
 * image's manifest before the original is decoded, a start that another worker never finished is counted, and at
 * the third such stop (max-render-attempts 3) the delivery fails the image and rejects the event for the
 * dead-letter topic instead of rendering.
 */
class PoisonRecordTest {
    private static final List<VariantSpec> VARIANTS = List.of(
            new VariantSpec("a", 40, 40, Fit.COVER, OutputFormat.JPEG, 80, false, 0xFFFFFF, List.of()),
            new VariantSpec("b", 20, null, Fit.INSIDE, OutputFormat.PNG, 80, false, 0xFFFFFF, List.of()));
    private static final StorageSettings STORAGE = new StorageSettings(
            "http://localhost:9000", "us-east-1", "k", "s", "originals", "thumbnails", "public, max-age=60", false);
    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    private static final Manifest.Source SOURCE = Manifest.Source.of("originals", "img-1.jpg", null, null, null);
    private static final String DEAD = "0b7e4f6a-dead-4000-8000-000000000001";

    private final InMemoryStore storage = new InMemoryStore();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    /** The manifest as each render call found it. */
    private final List<Manifest> atRender = new ArrayList<>();

    PoisonRecordTest() {
        storage.objects.put("originals/img-1.jpg", InMemoryStore.jpeg(120, 60));
        storage.objects.put("originals/img-2.jpg", InMemoryStore.jpeg(60, 120));
    }

    /** A new worker JVM: its own worker id, a renderer that notes the manifest it is called with. */
    private ImageJob worker() throws Exception {
        return worker(false);
    }

    /** A new worker JVM whose renders are killed ({@link Killed}) when {@code dies}. */
    private ImageJob worker(boolean dies) throws Exception {
        Renderer real = new Renderer(RenderLimits.defaults());
        Renderer renderer = mock(Renderer.class);
        when(renderer.render(any(), any())).thenAnswer(call -> {
            atRender.add(storage.manifest("img-1"));
            if (dies) {
                throw new Killed();
            }
            return real.render(call.getArgument(0), call.getArgument(1));
        });
        return new ImageJob(
                storage.store,
                renderer,
                new MiniaturaSettings(STORAGE, new KafkaSettings("t", 1, false), VariantCatalog.of(VARIANTS)),
                new WorkerSettings(RenderLimits.defaults()),
                meters);
    }

    private static ImageEvent upload(String imageId, String eventId) {
        return new ImageEvent(
                eventId,
                "/test",
                "image.uploaded",
                T0,
                new ImageUploaded(imageId, null, "originals", imageId + ".jpg", null, null, null));
    }

    private static Manifest inProgress(String eventId, int unfinished, String worker) {
        return Manifest.pending("img-1", SOURCE, eventId, T0)
                .withAttempt(new Manifest.Attempt(eventId, unfinished, worker, T0));
    }

    /**
     * The manifest the delivery of event {@code ev-1} finds (given this worker's id), and what it does: renders with
     * this many unfinished starts recorded, or fails the image with this reason.
     */
    record Case(String description, Function<String, Manifest> found, int unfinished, String reason) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<Case> deliveries() {
        return Stream.of(
                new Case("no manifest", me -> null, 0, null),
                new Case("pending, as ingest wrote it", me -> Manifest.pending("img-1", SOURCE, "ev-1", T0), 0, null),
                new Case("another event's attempt", me -> inProgress("ev-0", 2, DEAD), 0, null),
                new Case("started once by a worker that stopped", me -> inProgress("ev-1", 0, DEAD), 1, null),
                new Case("a second worker stopped", me -> inProgress("ev-1", 1, DEAD), 2, null),
                new Case(
                        "a third worker stopped",
                        me -> inProgress("ev-1", 2, DEAD),
                        3,
                        "the worker stopped 3 times while rendering this image"),
                new Case(
                        "stopped more often than a since lowered limit",
                        me -> inProgress("ev-1", 5, DEAD),
                        6,
                        "the worker stopped 6 times while rendering this image"),
                new Case(
                        "started by this worker, whose delivery failed: a retry, not a stop",
                        me -> inProgress("ev-1", 1, me),
                        1,
                        null),
                new Case("a retry in this worker after two stops", me -> inProgress("ev-1", 2, me), 2, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("deliveries")
    void eachDeliveryCountsTheStartsAWorkerNeverFinished(Case c) throws Exception {
        ImageJob job = worker();
        Manifest found = c.found().apply(job.workerId());
        if (found != null) {
            storage.objects.put("metadata/img-1/manifest.json", ManifestCodec.write(found));
        }

        if (c.reason() != null) {
            assertThatThrownBy(() -> job.process(upload("img-1", "ev-1")))
                    .isInstanceOf(ImageRejectedException.class)
                    .hasMessage(c.reason());
            assertThat(atRender).as("never rendered").isEmpty();
            Manifest failed = storage.manifest("img-1");
            assertThat(failed.status()).isEqualTo("failed");
            assertThat(failed.reason()).isEqualTo(c.reason());
            assertThat(failed.eventId()).isEqualTo("ev-1");
            assertThat(failed.attempt()).isNull();
            assertThat(meters.get("miniatura.images.poisoned").counter().count())
                    .isEqualTo(1);
            assertThat(meters.get("miniatura.images")
                            .tag("outcome", "failed")
                            .counter()
                            .count())
                    .isEqualTo(1);
            return;
        }
        assertThat(job.process(upload("img-1", "ev-1"))).isEqualTo(ImageJob.Outcome.RENDERED);
        Manifest recorded = atRender.get(0);
        assertThat(recorded.attempt().eventId()).isEqualTo("ev-1");
        assertThat(recorded.attempt().unfinished()).isEqualTo(c.unfinished());
        assertThat(recorded.attempt().worker()).isEqualTo(job.workerId());
        Manifest state = found != null ? found : Manifest.pending("img-1", SOURCE, "ev-1", null);
        assertThat(recorded.withAttempt(null))
                .as("the state is otherwise as it was")
                .isEqualTo(state.withAttempt(null));
        assertThat(storage.manifest("img-1").status()).isEqualTo("rendered");
        assertThat(storage.manifest("img-1").attempt())
                .as("rendered ends the attempt")
                .isNull();
        assertThat(meters.get("miniatura.images.poisoned").counter().count()).isZero();
    }

    /** Stands for the JVM dying mid-render (out of memory, a native crash, SIGKILL): nothing after it runs. */
    private static final class Killed extends Error {
        Killed() {
            super("killed");
        }
    }

    @Test
    void aRecordThatKillsTheWorkerThreeTimesFailsAtItsFourthDeliveryAndTheImageBehindItRenders() throws Exception {
        for (int kill = 1; kill <= 3; kill++) {
            ImageJob doomed = worker(true);
            assertThatThrownBy(() -> doomed.process(upload("img-1", "ev-1"))).isInstanceOf(Killed.class);
        }
        ImageJob next = worker();
        assertThatThrownBy(() -> next.process(upload("img-1", "ev-1")))
                .isInstanceOf(ImageRejectedException.class)
                .hasMessage("the worker stopped 3 times while rendering this image");
        assertThat(next.process(upload("img-2", "ev-2"))).isEqualTo(ImageJob.Outcome.RENDERED);

        assertThat(atRender).as("three renders of img-1, then img-2's").hasSize(4);
        assertThat(atRender.subList(0, 3))
                .extracting(m -> m.attempt().unfinished())
                .as("unfinished starts at each render of img-1")
                .containsExactly(0, 1, 2);
        assertThat(storage.manifest("img-1").status()).isEqualTo("failed");
        assertThat(storage.manifest("img-2").status()).isEqualTo("rendered");
    }

    @Test
    void aDeliveryRetriedAfterAnErrorInTheSameWorkerIsNoStopAndRecordsNothingNew() throws Exception {
        ImageJob job = worker();
        doAnswer(call -> {
                    throw new StorageUnavailableException("put thumbnails/img-1/b.png failed: 503", null);
                })
                .doAnswer(call -> {
                    storage.objects.put("thumbnails/img-1/b.png", call.getArgument(2));
                    return "etag";
                })
                .when(storage.store)
                .put(eq("thumbnails"), eq("img-1/b.png"), any(), any());

        assertThatThrownBy(() -> job.process(upload("img-1", "ev-1"))).isInstanceOf(StorageUnavailableException.class);
        assertThat(job.process(upload("img-1", "ev-1"))).isEqualTo(ImageJob.Outcome.RENDERED);

        assertThat(atRender).extracting(m -> m.attempt().unfinished()).containsExactly(0, 0);
        assertThat(manifestWrites()).as("the attempt once, then rendered").isEqualTo(2);
    }

    @Test
    void aRenderThatFailsEndsTheAttempt() throws Exception {
        storage.objects.put("originals/img-1.jpg", "<html>".getBytes());
        assertThatThrownBy(() -> worker().process(upload("img-1", "ev-1")))
                .isInstanceOf(ImageRejectedException.class)
                .hasMessage("unsupported format: HTML page, not an image");
        assertThat(storage.manifest("img-1").status()).isEqualTo("failed");
        assertThat(storage.manifest("img-1").attempt()).isNull();
    }

    /** An event that renders nothing records no attempt: a skip, an ignored upload, a deletion. */
    record Unrendered(
            String description, Manifest found, ImageEvent event, ImageJob.Outcome outcome, int manifestWrites) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<Unrendered> unrendered() {
        Manifest tombstone = Manifest.deleted("img-1", "d-1", T0.plusSeconds(60), T0.plusSeconds(61));
        return Stream.of(
                new Unrendered(
                        "an upload published before the deletion: ignored",
                        tombstone,
                        upload("img-1", "ev-1"),
                        ImageJob.Outcome.IGNORED,
                        0),
                new Unrendered(
                        "a deletion while a render is recorded",
                        inProgress("ev-1", 1, DEAD),
                        new ImageEvent("d-2", "/test", T0.plusSeconds(120), new ImageDeleted("img-1")),
                        ImageJob.Outcome.DELETED,
                        1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unrendered")
    void eventsThatRenderNothingRecordNoAttempt(Unrendered c) throws Exception {
        storage.objects.put("metadata/img-1/manifest.json", ManifestCodec.write(c.found()));
        assertThat(worker().process(c.event())).isEqualTo(c.outcome());
        assertThat(atRender).isEmpty();
        assertThat(manifestWrites()).isEqualTo(c.manifestWrites());
        assertThat(storage.manifest("img-1").attempt()).isNull();
    }

    @Test
    void aDuplicateOfARenderedEventIsSkippedWithoutWritingAnAttempt() throws Exception {
        worker().process(upload("img-1", "ev-1"));
        byte[] rendered = storage.objects.get("metadata/img-1/manifest.json");
        int writes = manifestWrites();

        assertThat(worker().process(upload("img-1", "ev-1"))).isEqualTo(ImageJob.Outcome.SKIPPED);
        assertThat(manifestWrites()).isEqualTo(writes);
        assertThat(storage.objects.get("metadata/img-1/manifest.json")).isEqualTo(rendered);
    }

    /**
     * Regression: the attempt is written while the original is read; a read that fails at once (the original is
     * missing) must not write the failure before the slower attempt write lands, or the attempt would overwrite it.
     */
    @Test
    void aSlowAttemptWriteNeverLandsAfterTheFailureThatFollowsIt() throws Exception {
        storage.objects.remove("originals/img-1.jpg");
        CountDownLatch attemptWritten = new CountDownLatch(1);
        doAnswer(call -> {
                    boolean attempt = ManifestCodec.read(call.getArgument(2)).attempt() != null;
                    if (attempt) {
                        Thread.sleep(300);
                    }
                    storage.objects.put("metadata/img-1/manifest.json", call.getArgument(2));
                    if (attempt) {
                        attemptWritten.countDown();
                    }
                    return "etag";
                })
                .when(storage.store)
                .put(eq("metadata"), eq("img-1/manifest.json"), any(), any());

        assertThatThrownBy(() -> worker().process(upload("img-1", "ev-1")))
                .isInstanceOf(ImageRejectedException.class)
                .hasMessage("original not found");
        assertThat(attemptWritten.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(storage.manifest("img-1").status()).isEqualTo("failed");
    }

    @Test
    void anAttemptThatCannotBeWrittenIsRetriedWithoutRendering() throws Exception {
        doAnswer(call -> {
                    throw new StorageUnavailableException("put metadata/img-1/manifest.json failed: 503", null);
                })
                .when(storage.store)
                .put(eq("metadata"), eq("img-1/manifest.json"), any(), any());

        assertThatThrownBy(() -> worker().process(upload("img-1", "ev-1")))
                .isInstanceOf(StorageUnavailableException.class)
                .hasMessage("put metadata/img-1/manifest.json failed: 503");
        assertThat(atRender).isEmpty();
        assertThat(storage.variantWrites).hasValue(0);
    }

    private int manifestWrites() {
        return (int) Mockito.mockingDetails(storage.store).getInvocations().stream()
                .filter(i -> i.getMethod().getName().equals("put") && "img-1/manifest.json".equals(i.getArgument(1)))
                .count();
    }
}
