package com.miniatura.ingest.replay;

import com.miniatura.common.event.EventCodec;
import com.miniatura.common.event.EventContract;
import com.miniatura.common.event.ImageEvent;
import com.miniatura.common.event.InvalidEventException;
import com.miniatura.common.storage.Manifest;
import com.miniatura.common.storage.ManifestCodec;
import com.miniatura.common.storage.ManifestStore;
import com.miniatura.common.storage.ObjectHead;
import com.miniatura.common.storage.ObjectStore;
import com.miniatura.common.storage.ObjectTooLargeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.springframework.kafka.support.KafkaHeaders;
import tools.jackson.core.JacksonException;

/**
 * Tells a dead-lettered {@code image.deleted} that is older than the image's current upload: replayed, the worker
 * would erase an image its seller uploaded again after the deletion was requested, because a deletion erases
 * whatever the image is when it is handled.
 *
 * <p>The deletion's time is its {@code ce_time}; without one, when it was published (Kafka's timestamp of the
 * original record, which the dead letter carries; else when it was dead-lettered), as the worker would have handled
 * it about then. The upload's time comes from storage, never from the dead letter, and only for an image whose
 * status is {@code pending}, {@code rendered} or {@code failed} from an original (with a {@code source}); an image
 * without a status, with an unreadable one, {@code deleting} (this deletion, never carried out) or {@code deleted}
 * (erased already: replaying erases nothing more) is replayed. The deletion is older than the upload when any of
 * these says so:
 * <ul>
 *   <li>a {@code pending} status written by the ingest API: its {@code updatedAt} is the upload's {@code ce_time};</li>
 *   <li>the original the status names, in a source bucket: its {@code Last-Modified} (a HEAD request) is when the
 *       upload stored it. A {@code rendered} or {@code failed} status has no upload time: its {@code updatedAt} is
 *       when the worker wrote it, and a re-render of an old upload moves it on;</li>
 *   <li>a {@code rendered} or {@code failed} status carrying a {@code deletedAt} not before the deletion: the worker
 *       wrote it for an upload it found newer than a deletion at that time (it ignores every other).</li>
 * </ul>
 * A tie is not "older": the worker lets a deletion win over an upload of the same time.
 */
final class StaleDeletions {
    /** The status of an image rendered, or to be, from an original. */
    private static final Set<String> UPLOADED = Set.of(Manifest.PENDING, Manifest.RENDERED, Manifest.FAILED);

    private final ObjectStore store;
    private final ManifestStore manifests;

    StaleDeletions(ObjectStore store) {
        this.store = store;
        this.manifests = new ManifestStore(store, store.settings());
    }

    /**
     * The line saying why {@code record} is not replayed, e.g. {@code skipped image.deleted img-1 (ce_time
     * 2026-11-30T10:00:00Z): the image was uploaded again at 2026-12-01T09:00:00Z}; empty to replay it (anything but a
     * deletion, a deletion the worker refuses anyway, one not older than the image's upload).
     *
     * <p>Storage errors are thrown: a deletion is never replayed, nor skipped, unchecked.
     */
    Optional<String> skip(ConsumerRecord<byte[], byte[]> record) {
        Map<String, byte[]> headers = new HashMap<>();
        for (Header header : record.headers()) {
            headers.put(header.key(), header.value()); // the last of a name wins, as on the record
        }
        byte[] type = headers.get(EventContract.HEADER_TYPE);
        if (type == null || !EventContract.TYPE_DELETED.equals(new String(type, StandardCharsets.UTF_8))) {
            return Optional.empty();
        }
        ImageEvent event;
        try {
            event = EventCodec.decode(headers, record.value());
        } catch (InvalidEventException e) {
            return Optional.empty(); // the worker refuses it again, erasing nothing
        }
        Instant requested = event.time() != null ? event.time() : published(record);
        if (requested == null) {
            return Optional.empty();
        }
        String imageId = event.data().imageId();
        return uploadedAfter(imageId, requested).map(why -> "skipped image.deleted " + imageId + " ("
                + (event.time() != null ? "ce_time " + requested : "no ce_time, published " + requested) + "): " + why);
    }

    /** Why the image's current upload is after {@code requested}, from storage; empty when it is not. */
    private Optional<String> uploadedAfter(String imageId, Instant requested) {
        Manifest manifest = manifest(imageId).orElse(null);
        if (manifest == null || !UPLOADED.contains(manifest.status()) || manifest.source() == null) {
            return Optional.empty();
        }
        boolean pending = Manifest.PENDING.equals(manifest.status());
        if (pending && manifest.updatedAt() != null && manifest.updatedAt().isAfter(requested)) {
            return Optional.of("the image was uploaded again at " + manifest.updatedAt());
        }
        Instant stored = originalStoredAt(manifest.source());
        if (stored != null && stored.isAfter(requested)) {
            return Optional.of("the image was uploaded again at " + stored);
        }
        // Not for pending: the ingest API carries a deletion accepted while it took the upload into the status it writes.
        if (!pending && manifest.deletedAt() != null && !manifest.deletedAt().isBefore(requested)) {
            return Optional.of("the image was uploaded again after its deletion at " + manifest.deletedAt()
                    + " (status " + manifest.status() + ")");
        }
        return Optional.empty();
    }

    /**
     * When the original was last written, by a HEAD request: for an original the API or a presigned upload stored,
     * just before its upload event's {@code ce_time}. S3 gives it to the second, rounded down, so an upload in the
     * same second as the deletion does not count as after it. {@code null} when unknown or not in a source bucket.
     */
    private Instant originalStoredAt(Manifest.Source source) {
        if (!store.settings().isSourceBucket(source.bucket()) || source.key() == null) {
            return null;
        }
        return store.head(source.bucket(), source.key()).map(ObjectHead::lastModified).orElse(null);
    }

    /**
     * The image's manifest ({@link ManifestStore}: in the metadata bucket, else one written before manifests moved
     * there); empty when there is none or it is unreadable.
     */
    private Optional<Manifest> manifest(String imageId) {
        try {
            return manifests.manifest(imageId).map(ManifestCodec::read);
        } catch (ObjectTooLargeException | JacksonException e) {
            return Optional.empty();
        }
    }

    /** When the original record was published, by Kafka's timestamp, else the dead letter's; {@code null}: neither. */
    private static Instant published(ConsumerRecord<?, ?> record) {
        // Spring Kafka's copy of the original record's timestamp: eight bytes, milliseconds since the epoch
        Header original = record.headers().lastHeader(KafkaHeaders.DLT_ORIGINAL_TIMESTAMP);
        if (original != null && original.value() != null && original.value().length == Long.BYTES) {
            return Instant.ofEpochMilli(ByteBuffer.wrap(original.value()).getLong());
        }
        return record.timestamp() >= 0 ? Instant.ofEpochMilli(record.timestamp()) : null;
    }
}
