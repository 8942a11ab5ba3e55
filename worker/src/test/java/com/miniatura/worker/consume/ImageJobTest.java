package com.miniatura.worker.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.miniatura.common.catalog.Fit;
import com.miniatura.common.catalog.OutputFormat;
import com.miniatura.common.catalog.VariantCatalog;
import com.miniatura.common.catalog.VariantSpec;
import com.miniatura.common.config.KafkaSettings;
import com.miniatura.common.config.MiniaturaSettings;
import com.miniatura.common.event.ImageEvent;
import com.miniatura.common.event.ImageUploaded;
import com.miniatura.common.storage.Manifest;
import com.miniatura.common.storage.ManifestCodec;
import com.miniatura.common.storage.ObjectStore;
import com.miniatura.common.storage.ObjectTooLargeException;
import com.miniatura.common.storage.PutOptions;
import com.miniatura.common.storage.StorageRejectedException;
import com.miniatura.common.storage.StorageSettings;
import com.miniatura.common.storage.StorageUnavailableException;
import com.miniatura.common.storage.StoredObject;
import com.miniatura.worker.WorkerSettings;
import com.miniatura.worker.render.RenderLimits;
import com.miniatura.worker.render.Renderer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mockito.ArgumentCaptor;
import org.mockito.ArgumentMatchers;
import org.mockito.Mockito;

/** How one job turns each kind of failure into a status or a retry. */
class ImageJobTest {
    private static final List<VariantSpec> VARIANTS = List.of(
            new VariantSpec("a", 40, 40, Fit.COVER, OutputFormat.JPEG, 80, false, 0xFFFFFF, List.of()),
            new VariantSpec("b", 20, null, Fit.INSIDE, OutputFormat.PNG, 80, false, 0xFFFFFF, List.of()));
    private static final StorageSettings STORAGE = new StorageSettings(
            "http://localhost:9000", "us-east-1", "k", "s", "originals", "thumbnails", "public, max-age=60", false);
    private static final ImageEvent EVENT = new ImageEvent(
            "ev-1",
            "/test",
            "image.uploaded",
            Instant.EPOCH,
            new ImageUploaded("img-1", null, "originals", "img-1.jpg", null, null, null));

    private final ObjectStore store = mock(ObjectStore.class);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final ImageJob job = new ImageJob(
            store,
            new Renderer(new RenderLimits(1 << 20, 1 << 24)),
            new MiniaturaSettings(STORAGE, new KafkaSettings("t", 1, false), VariantCatalog.of(VARIANTS)),
            new WorkerSettings(new RenderLimits(1 << 20, 1 << 24)),
            meters);

    record PermanentCase(String description, Consumer<ObjectStore> setup, String reason) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<PermanentCase> permanentFailures() {
        return Stream.of(
                new PermanentCase(
                        "original missing",
                        s -> when(s.get(eq("originals"), eq("img-1.jpg"), anyLong()))
                                .thenReturn(Optional.empty()),
                        "original not found"),
                new PermanentCase(
                        "original too large",
                        s -> when(s.get(eq("originals"), anyString(), anyLong()))
                                .thenThrow(new ObjectTooLargeException("originals", "img-1.jpg", 5_000_000, 1_048_576)),
                        "source too large: the original has 5000000 bytes, over the limit of 1048576"),
                new PermanentCase(
                        "original too large, without a declared length",
                        s -> when(s.get(eq("originals"), anyString(), anyLong()))
                                .thenThrow(new ObjectTooLargeException("originals", "img-1.jpg", -1, 1_048_576)),
                        "source too large: the original has more than 1048576 bytes, over the limit of 1048576"),
                new PermanentCase(
                        "original forbidden",
                        s -> when(s.get(eq("originals"), anyString(), anyLong()))
                                .thenThrow(new StorageRejectedException(
                                        "get originals/img-1.jpg refused: AccessDenied", null)),
                        "original cannot be read: storage refused to serve it"),
                new PermanentCase(
                        "original is text",
                        s -> when(s.get(eq("originals"), anyString(), anyLong()))
                                .thenReturn(Optional.of(
                                        new StoredObject("<html>".getBytes(), "e", "image/jpeg", Map.of()))),
                        "unsupported format: HTML page, not an image"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("permanentFailures")
    void permanentFailureIsRecordedAsFailedWithItsReasonThenRejectedForTheDeadLetterTopic(PermanentCase c) {
        c.setup().accept(store);
        assertThatThrownBy(() -> job.process(EVENT))
                .isInstanceOf(ImageRejectedException.class)
                .hasMessage(c.reason());
        Manifest manifest = writtenManifest();
        assertThat(manifest.status()).isEqualTo("failed");
        assertThat(manifest.reason()).isEqualTo(c.reason());
        assertThat(manifest.eventId()).isEqualTo("ev-1");
        assertThat(manifest.attempt()).isNull();
        // the render's attempt (written while the original is read), then the failure
        verify(store, times(2)).put(anyString(), anyString(), any(), any());
    }

    /**
     * Regression: failure reasons are public (the status API answers anyone), and they named the original's bucket and
     * key and storage's error, telling which objects exist. They say the problem in plain words.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("permanentFailures")
    void aPublicFailureReasonNamesNoStorageInternals(PermanentCase c) {
        c.setup().accept(store);
        assertThatThrownBy(() -> job.process(EVENT)).isInstanceOf(ImageRejectedException.class);
        assertThat(writtenManifest().reason()).doesNotContain("originals", "img-1.jpg", "AccessDenied");
    }

    /**
     * Regression: an event could name any bucket the worker's credentials read, and the object was rendered into the
     * public thumbnails bucket. A record that reaches Kafka past the API's check is refused without reading anything.
     */
    @Test
    void anEventNamingABucketThatIsNotASourceFailsWithoutReadingIt() {
        ImageEvent foreign = new ImageEvent(
                "ev-2",
                "/test",
                "image.uploaded",
                Instant.EPOCH,
                new ImageUploaded("img-1", null, "billing-exports", "2026/11.csv", null, null, null));
        assertThatThrownBy(() -> job.process(foreign))
                .isInstanceOf(ImageRejectedException.class)
                .hasMessage("original refused: the event names a bucket that is not a source of originals");
        verify(store, Mockito.never()).get(eq("billing-exports"), anyString(), anyLong());
        verify(store, Mockito.never()).etag(eq("billing-exports"), anyString());
        verify(store, Mockito.never()).head(eq("billing-exports"), anyString());
        Manifest manifest = writtenManifest();
        assertThat(manifest.status()).isEqualTo("failed");
        assertThat(manifest.source()).isNull();
        verify(store, Mockito.never())
                .put(
                        eq("thumbnails"),
                        ArgumentMatchers.startsWith("img-1/"),
                        any(),
                        argThat((PutOptions o) -> o.contentType().equals("image/jpeg")));
    }

    @Test
    void storageOutageIsThrownForRetryAndNothingButTheAttemptIsWritten() {
        when(store.get(eq("originals"), anyString(), anyLong()))
                .thenThrow(new StorageUnavailableException("get originals/img-1.jpg failed: connection refused", null));
        assertThatThrownBy(() -> job.process(EVENT)).isInstanceOf(StorageUnavailableException.class);
        verify(store, times(1)).put(anyString(), anyString(), any(), any());
        assertThat(writtenManifest().status()).isEqualTo("pending");
    }

    @Test
    void everyVariantIsStoredBeforeTheManifest() throws Exception {
        when(store.get(eq("originals"), anyString(), anyLong()))
                .thenReturn(
                        Optional.of(new StoredObject(InMemoryStore.jpeg(120, 60), "etag-9", "image/jpeg", Map.of())));
        assertThat(job.process(EVENT)).isEqualTo(ImageJob.Outcome.RENDERED);

        // the render's attempt first, then the variants side by side, so in either order; the manifest only after both
        verify(store)
                .put(
                        eq("thumbnails"),
                        eq("img-1/a.jpg"),
                        any(),
                        eq(new PutOptions(
                                "image/jpeg",
                                "public, max-age=60",
                                Map.of(
                                        "image-id",
                                        "img-1",
                                        "spec-hash",
                                        VARIANTS.get(0).specHash()))));
        verify(store)
                .put(
                        eq("thumbnails"),
                        eq("img-1/b.png"),
                        any(),
                        argThat((PutOptions o) ->
                                o.contentType().equals("image/png") && "public, max-age=60".equals(o.cacheControl())));
        List<String> puts = Mockito.mockingDetails(store).getInvocations().stream()
                .filter(i -> i.getMethod().getName().equals("put"))
                .map(i -> (String) i.getArgument(1))
                .toList();
        assertThat(puts).hasSize(4).startsWith("img-1/manifest.json").endsWith("img-1/manifest.json");
        assertThat(puts.subList(1, 3)).containsExactlyInAnyOrder("img-1/a.jpg", "img-1/b.png");

        Manifest manifest = writtenManifest();
        assertThat(manifest.status()).isEqualTo("rendered");
        assertThat(manifest.source().etag()).isEqualTo("etag-9");
        assertThat(manifest.source().width()).isEqualTo(120);
        assertThat(manifest.variants())
                .extracting(
                        Manifest.Variant::name,
                        Manifest.Variant::width,
                        Manifest.Variant::height,
                        Manifest.Variant::specHash)
                .containsExactly(
                        Tuple.tuple("a", 40, 40, VARIANTS.get(0).specHash()),
                        Tuple.tuple("b", 20, 10, VARIANTS.get(1).specHash()));
    }

    @Test
    void storageOutageWhileStoringVariantsLeavesNoRenderedManifest() throws Exception {
        when(store.get(eq("originals"), anyString(), anyLong()))
                .thenReturn(
                        Optional.of(new StoredObject(InMemoryStore.jpeg(120, 60), "etag-9", "image/jpeg", Map.of())));
        when(store.put(eq("thumbnails"), eq("img-1/b.png"), any(), any()))
                .thenThrow(new StorageUnavailableException("put failed: 503", null));
        assertThatThrownBy(() -> job.process(EVENT)).isInstanceOf(StorageUnavailableException.class);
        assertThat(writtenManifest().status()).as("only the render's attempt").isEqualTo("pending");
    }

    /** The last manifest written. */
    private Manifest writtenManifest() {
        ArgumentCaptor<byte[]> json = ArgumentCaptor.forClass(byte[].class);
        verify(store, Mockito.atLeastOnce())
                .put(
                        eq("metadata"),
                        eq("img-1/manifest.json"),
                        json.capture(),
                        argThat((PutOptions o) ->
                                o.contentType().equals("application/json") && "no-cache".equals(o.cacheControl())));
        return ManifestCodec.read(json.getValue());
    }
}
