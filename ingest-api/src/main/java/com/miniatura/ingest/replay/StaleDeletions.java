package com.miniatura.ingest.replay;

import com.miniatura.common.event.EventCodec;
import com.miniatura.common.event.EventContract;
import com.miniatura.common.event.ImageEvent;
import com.miniatura.common.event.InvalidEventException;
import com.miniatura.common.storage.Manifest;
import com.miniatura.common.storage.ManifestCodec;
import com.miniatura.common.storage.ManifestStore;
import com.miniatura.common.storage.ObjectStore;
import com.miniatura.common.storage.ObjectTooLargeException;
import com.miniatura.common.storage.Reupload;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.springframework.kafka.support.KafkaHeaders;
import tools.jackson.core.JacksonException;

/**
 * Tells a dead-lettered {@code image.deleted} that is older than the image's current upload ({@link Reupload} defines
 * the rule), which is not replayed: a deletion erases whatever the image is when it is handled, and this one must not
 * erase an image its seller uploaded again after the deletion was requested (the worker checks too, by the same rule).
 *
 * <p>The deletion's time is its {@code ce_time}; without one, when it was published (Kafka's timestamp of the
 * original record, which the dead letter carries; else when it was dead-lettered), as the worker would have handled
 * it about then. An image without a status or with an unreadable one gets the deletion replayed.
 */
final class StaleDeletions {
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
        Manifest manifest = manifest(imageId).orElse(null);
        return Reupload.after(requested, manifest, store, store.settings())
                .map(upload -> "skipped image.deleted " + imageId
                        + " (" + (event.time() != null ? "ce_time " + requested : "no ce_time, published " + requested)
                        + "): the image was uploaded again " + upload.when());
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
