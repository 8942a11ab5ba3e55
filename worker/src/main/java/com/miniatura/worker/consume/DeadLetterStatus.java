package com.miniatura.worker.consume;

import com.miniatura.common.event.EventCodec;
import com.miniatura.common.event.ImageEvent;
import com.miniatura.common.event.ImageUploaded;
import com.miniatura.common.event.InvalidEventException;
import com.miniatura.common.storage.Manifest;
import com.miniatura.common.storage.ManifestCodec;
import com.miniatura.common.storage.ManifestStore;
import com.miniatura.common.storage.ObjectStore;
import com.miniatura.common.storage.PendingMarkers;
import com.miniatura.common.storage.StorageRejectedException;
import com.miniatura.common.storage.StorageSettings;
import com.miniatura.common.storage.StorageUnavailableException;
import com.miniatura.worker.render.RenderBusyException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends the wait of an image whose upload event was dead-lettered after its retries (storage away longer than them, a
 * worker bug): its status becomes {@code failed}, with a reason that says so and how an operator replays it, e.g.
 * {@code dead-lettered after 10 attempts: storage unavailable; replay with replay-dlq
 * --error-class=StorageUnavailableException --miniatura.kafka.topic=miniatura.images}. Without it the status said
 * {@code pending} until someone replayed the event.
 *
 * <p>Permanent errors need nothing here: an image that cannot be rendered ({@link ImageRejectedException}) and a
 * well-formed invalid event already have their {@code failed} status with the reason, and an event nobody can read
 * ({@link PermanentEventException}) names no image whose status may be touched.
 *
 * <p>The status is never written over a newer one: not over {@code rendered}, {@code deleting} or {@code deleted}, nor
 * over a state another event wrote after this one was published, nor for an upload published before the image's
 * deletion (the rules {@link ImageJob} stales uploads by). Storage being away is often why the event was
 * dead-lettered, so the write runs on a thread of its own, at once and then with backoff for at most
 * {@code give-up-after}; the consumer never waits for it, and at most {@code max-pending} writes wait at once. A
 * status that cannot be written stays {@code pending}, which the ingest API reports as stuck once it is old enough.
 */
final class DeadLetterStatus implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DeadLetterStatus.class);
    /** Manifests are a few KB; anything far larger is not one of ours. */

    /**
     * What became of a dead letter's status: {@code written} failed; {@code superseded} left alone, a newer state
     * stands; {@code dropped} not attempted, {@code max-pending} writes waited already; {@code abandoned} storage did
     * not take it within {@code give-up-after} (or the worker stopped first).
     */
    enum Outcome {
        WRITTEN,
        SUPERSEDED,
        DROPPED,
        ABANDONED
    }

    private final ObjectStore store;
    private final StorageSettings storage;
    private final PendingMarkers markers;
    private final ManifestStore manifests;
    private final String topic;
    private final DeadLetterStatusSettings settings;
    private final Clock clock;
    private final AtomicInteger waiting = new AtomicInteger();
    private final Map<Outcome, Counter> outcomes = new EnumMap<>(Outcome.class);
    private final ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "miniatura-dead-letter-status");
        thread.setDaemon(true);
        return thread;
    });

    /** {@code topic}: the image topic this worker consumes, which a replay names. */
    DeadLetterStatus(
            ObjectStore store,
            StorageSettings storage,
            String topic,
            DeadLetterStatusSettings settings,
            Clock clock,
            MeterRegistry meters) {
        this.store = store;
        this.storage = storage;
        this.manifests = new ManifestStore(store, storage);
        this.markers = new PendingMarkers(store, storage.metadataBucket());
        this.topic = topic;
        this.settings = settings;
        this.clock = clock;
        for (Outcome outcome : Outcome.values()) {
            outcomes.put(
                    outcome,
                    Counter.builder("miniatura.dead.letter.statuses")
                            .description(
                                    "Statuses of dead-lettered images, by outcome: written failed, superseded by a newer"
                                            + " state, dropped (max-pending writes waited already) or abandoned (storage did not take it)")
                            .tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
                            .register(meters));
        }
        Gauge.builder("miniatura.dead.letter.statuses.waiting", waiting, AtomicInteger::get)
                .description("Statuses of dead-lettered images waiting for storage to take them")
                .register(meters);
    }

    /**
     * Called once {@code record} is on the dead-letter topic, on the consumer's thread: hands its status to the
     * writer thread and returns at once.
     *
     * @param error    the worker's error, below Spring's wrappers
     * @param attempts how many times the record was delivered
     */
    void deadLettered(ConsumerRecord<?, ?> record, Throwable error, int attempts) {
        if (error instanceof ImageRejectedException || error instanceof PermanentEventException) {
            return;
        }
        ImageEvent event = event(record);
        if (event == null || !(event.data() instanceof ImageUploaded)) {
            return; // a deletion's status says deleting, which no failure may overwrite
        }
        if (waiting.incrementAndGet() > settings.maxPending()) {
            waiting.decrementAndGet();
            outcomes.get(Outcome.DROPPED).increment();
            log.warn(
                    "Not marking {} failed after its dead letter: {} statuses wait for storage already; it stays pending",
                    event.data().imageId(),
                    settings.maxPending());
            return;
        }
        Write write = new Write(event, reason(error, attempts, topic), clock.instant());
        try {
            writer.execute(() -> attempt(write, 0));
        } catch (RejectedExecutionException stopped) {
            finish(Outcome.ABANDONED);
        }
    }

    private record Write(ImageEvent event, String reason, Instant since) {}

    private void attempt(Write write, int failures) {
        String imageId = write.event().data().imageId();
        Outcome outcome;
        try {
            outcome = write(write.event(), write.reason());
        } catch (RuntimeException e) {
            Duration wait = backoff(failures);
            if (clock.instant().plus(wait).isAfter(write.since().plus(settings.giveUpAfter()))) {
                log.warn(
                        "Gave up marking {} failed after its dead letter: storage did not take it for {} ({}); it stays"
                                + " pending",
                        imageId,
                        settings.giveUpAfter(),
                        e.getMessage());
                finish(Outcome.ABANDONED);
                return;
            }
            if (failures == 0) {
                log.warn(
                        "Could not mark {} failed after its dead letter yet ({}); trying again for up to {}",
                        imageId,
                        e.getMessage(),
                        settings.giveUpAfter());
            }
            try {
                writer.schedule(() -> attempt(write, failures + 1), wait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopped) {
                finish(Outcome.ABANDONED);
            }
            return;
        }
        finish(outcome);
    }

    private void finish(Outcome outcome) {
        waiting.decrementAndGet();
        outcomes.get(outcome).increment();
    }

    /** {@code initial-interval} doubled per failure, at most {@code max-interval}. */
    private Duration backoff(int failures) {
        Duration wait = settings.initialInterval();
        for (int i = 0; i < failures && wait.compareTo(settings.maxInterval()) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(settings.maxInterval()) > 0 ? settings.maxInterval() : wait;
    }

    /** Reads the status, writes {@code failed} unless a newer state stands, and removes the pending marker. */
    private Outcome write(ImageEvent event, String reason) {
        String imageId = event.data().imageId();
        Manifest current = readManifest(imageId).orElse(null);
        Optional<Manifest> failed = failedState(current, event, reason, clock.instant());
        if (failed.isEmpty()) {
            log.info(
                    "Left the status of {} as {}: it is newer than dead-lettered event {}",
                    imageId,
                    current.status(),
                    event.id());
            return Outcome.SUPERSEDED;
        }
        writeManifest(failed.get());
        log.info("Marked {} failed: {}", imageId, reason);
        try {
            markers.clear(imageId);
        } catch (RuntimeException e) {
            log.warn(
                    "Could not remove the pending marker of {} ({}); the ingest API's sweep does",
                    imageId,
                    e.getMessage());
        }
        return Outcome.WRITTEN;
    }

    /**
     * The {@code failed} state for dead-lettered {@code event} over {@code current}, or empty when {@code current}
     * must stand: {@code rendered}, {@code deleting}, {@code deleted} (or a state this worker does not know); an upload
     * published before the image's deletion; or a {@code pending} or {@code failed} state of another event that was
     * not written before this one was published.
     */
    static Optional<Manifest> failedState(Manifest current, ImageEvent event, String reason, Instant now) {
        ImageUploaded data = (ImageUploaded) event.data();
        if (current != null) {
            boolean waitingOrFailed =
                    Manifest.PENDING.equals(current.status()) || Manifest.FAILED.equals(current.status());
            if (!waitingOrFailed || current.deletedSince(event.time()) || !stateOf(current, event)) {
                return Optional.empty();
            }
        }
        Manifest.Source source =
                Manifest.Source.of(data.bucket(), data.key(), data.etag(), data.size(), data.contentType());
        return Optional.of(
                Manifest.failed(data.imageId(), source, reason, event.id(), now).carryingDeletion(current));
    }

    /**
     * Whether {@code current} is {@code event}'s state or older: written for it (by the ingest API, or the worker's
     * attempt), or written before it was published.
     */
    private static boolean stateOf(Manifest current, ImageEvent event) {
        if (event.id().equals(current.eventId())
                || (current.attempt() != null
                        && event.id().equals(current.attempt().eventId()))) {
            return true;
        }
        return event.time() != null
                && current.updatedAt() != null
                && current.updatedAt().isBefore(event.time());
    }

    /**
     * The status's reason: public (the status API answers anyone), so it names the kind of error in plain words,
     * never its message (bucket and key names, storage's error codes), then the command that replays the event.
     */
    static String reason(Throwable error, int attempts, String topic) {
        return "dead-lettered after " + attempts + (attempts == 1 ? " attempt: " : " attempts: ") + publicReason(error)
                + "; replay with replay-dlq --error-class=" + error.getClass().getSimpleName()
                + " --miniatura.kafka.topic=" + topic;
    }

    private static String publicReason(Throwable error) {
        if (error instanceof StorageUnavailableException) {
            return "storage unavailable";
        }
        if (error instanceof StorageRejectedException) {
            return "storage refused a request";
        }
        if (error instanceof RenderBusyException) {
            return "no memory free to render it";
        }
        return "unexpected error in the worker";
    }

    /** The event a dead letter carries, or {@code null} when it is not a valid one. */
    static ImageEvent event(ConsumerRecord<?, ?> record) {
        if (!(record.value() instanceof byte[] value)) {
            return null;
        }
        Map<String, byte[]> headers = new LinkedHashMap<>();
        for (Header header : record.headers()) {
            headers.put(header.key(), header.value());
        }
        try {
            return EventCodec.decode(headers, value);
        } catch (InvalidEventException e) {
            return null;
        }
    }

    /** The image's status (at dead-letter time it nearly always exists). An unreadable one counts as none. */
    private Optional<Manifest> readManifest(String imageId) {
        Optional<byte[]> json = manifests.manifest(imageId);
        try {
            return json.map(ManifestCodec::read);
        } catch (RuntimeException e) {
            log.warn("Manifest of {} is unreadable ({}); replacing it", imageId, e.getMessage());
            return Optional.empty();
        }
    }

    private void writeManifest(Manifest manifest) {
        manifests.putManifest(manifest.imageId(), ManifestCodec.write(manifest));
    }

    /** Statuses still waiting for storage are not written (they stay pending); the sweep reports them. */
    @Override
    public void close() {
        int left = writer.shutdownNow().size();
        if (left > 0) {
            log.warn("Stopping with {} statuses of dead-lettered images unwritten; they stay pending", left);
        }
    }
}
