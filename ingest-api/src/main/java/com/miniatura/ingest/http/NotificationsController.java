package com.miniatura.ingest.http;

import com.miniatura.common.config.MiniaturaSettings;
import com.miniatura.common.event.EventValidator;
import com.miniatura.common.event.FieldError;
import com.miniatura.common.event.ImageDeleted;
import com.miniatura.common.event.ImageEvent;
import com.miniatura.common.event.ImageEventData;
import com.miniatura.common.event.ImageUploaded;
import com.miniatura.common.storage.Manifest;
import com.miniatura.common.storage.ManifestCodec;
import com.miniatura.common.storage.ManifestStore;
import com.miniatura.common.storage.ObjectHead;
import com.miniatura.common.storage.ObjectStore;
import com.miniatura.common.storage.StorageLayout;
import com.miniatura.common.storage.StorageSettings;
import com.miniatura.ingest.IngestSettings;
import com.miniatura.ingest.auth.BodyLimit;
import com.miniatura.ingest.auth.RequiresScope;
import com.miniatura.ingest.auth.Scope;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /v1/notifications/minio}: MinIO's webhook target for the originals bucket, so an object written
 * straight to storage (a presigned upload, {@code mc cp}, a migration) is rendered, and one removed is erased,
 * with no change to the seller hook. Needs a key with the {@code notify} scope (MinIO sends its
 * {@code auth_token} as {@code Authorization: Bearer}).
 *
 * <p>A notification is a hint, never a fact: whoever holds a {@code notify} key can send any body, but cannot write
 * or remove objects. So every record is checked against storage. A created object is read back (a HEAD) and its
 * imageId ({@code x-amz-meta-image-id}, else its file name), lot, ETag, size and type are taken from there, whatever
 * the body says; one that does not exist is not published. A removal erases an image only if the image's status names
 * that very object (bucket, key, and ETag when the record gives one) and storage no longer has it.
 *
 * <p>Storage tells of writes the API made itself too ({@code POST /v1/images} puts the original): an object
 * whose image is already pending or rendered from that very object (same key and ETag) is not published again.
 * Nor is an object older than what its image now comes from: one written before the image was deleted, or before the
 * object the image was rendered from since (a late or replayed notice never rolls an image back).
 *
 * <p>Answers 202 with what it published and what it ignored, and why; 503 when Kafka or storage is away, so MinIO
 * keeps the event in its queue and retries.
 */
@RestController
class NotificationsController {
    private static final Logger log = LoggerFactory.getLogger(NotificationsController.class);

    private final Intake intake;
    private final ObjectStore store;
    private final IngestSettings settings;
    private final StorageSettings storage;
    private final String originals;
    private final ManifestStore manifests;

    NotificationsController(Intake intake, ObjectStore store, IngestSettings settings, MiniaturaSettings common) {
        this.intake = intake;
        this.store = store;
        this.settings = settings;
        this.storage = common.storage();
        this.originals = common.storage().originalsBucket();
        this.manifests = new ManifestStore(store, common.storage());
    }

    record Published(String imageId, String type, String eventId, String key) {}

    record Ignored(String key, String reason) {}

    record Result(int accepted, List<Published> events, List<Ignored> ignored) {}

    /** What to do with one record: publish {@code event}, or nothing because of {@code reason}. */
    private record Verdict(ImageEventData event, String reason) {
        static Verdict publish(ImageEventData event) {
            return new Verdict(event, null);
        }

        static Verdict skip(String reason) {
            return new Verdict(null, reason);
        }
    }

    @RequiresScope(value = Scope.NOTIFY, body = BodyLimit.JSON)
    @PostMapping(path = "/v1/notifications/minio", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Result> minio(HttpServletRequest request) throws IOException {
        List<FieldError> errors = new ArrayList<>();
        List<MinioNotification.Change> changes = MinioNotification.parse(
                JsonBodies.read(
                        request, settings.maxBodyBytes(), "a MinIO notification {\"EventName\", \"Records\": [...]}"),
                originals,
                errors);
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
        List<ImageEventData> events = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        List<Ignored> ignored = new ArrayList<>();
        for (MinioNotification.Change change : changes) {
            Verdict verdict; // Java 17: no pattern switch
            if (change instanceof MinioNotification.Ignored i) {
                verdict = Verdict.skip(i.reason());
            } else if (change instanceof MinioNotification.Created c) {
                verdict = created(c);
            } else {
                verdict = removed((MinioNotification.Removed) change);
            }
            if (verdict.event() == null) {
                ignored.add(new Ignored(change.key(), verdict.reason()));
                continue;
            }
            events.add(verdict.event());
            keys.add(change.key());
        }
        List<Published> published = new ArrayList<>();
        if (!events.isEmpty()) {
            List<ImageEvent> sent = intake.accept(events);
            for (int i = 0; i < sent.size(); i++) {
                published.add(new Published(
                        sent.get(i).data().imageId(),
                        sent.get(i).type(),
                        sent.get(i).id(),
                        keys.get(i)));
            }
        }
        ignored.forEach(i -> log.info("Ignored the notification of {}: {}", i.key(), i.reason()));
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(new Result(published.size(), published, ignored));
    }

    private Optional<Manifest> manifest(String imageId) {
        return manifests.manifest(imageId).flatMap(bytes -> {
            try {
                return Optional.of(ManifestCodec.read(bytes));
            } catch (RuntimeException e) {
                return Optional.empty(); // unreadable: act as if unknown
            }
        });
    }

    /** An upload of the object as storage has it, unless there is none or its image needs none. */
    private Verdict created(MinioNotification.Created created) {
        String key = created.key();
        Optional<ObjectHead> found = store.head(originals, key);
        if (found.isEmpty()) {
            return Verdict.skip("storage has no such object (removed since, or never written)");
        }
        ObjectHead object = found.get();
        String imageId = object.imageId(key);
        String idProblem = EventValidator.imageIdProblem(imageId);
        if (idProblem != null) {
            return Verdict.skip(noImage(
                    object.metadata(ObjectHead.IMAGE_ID).isPresent() ? "x-amz-meta-image-id" : "file name",
                    imageId,
                    idProblem));
        }
        String lotId = object.metadata("lot-id")
                .filter(lot -> EventValidator.imageIdProblem(lot) == null)
                .orElse(null);
        ImageUploaded upload =
                new ImageUploaded(imageId, lotId, originals, key, object.etag(), object.size(), object.contentType());
        if (!EventValidator.validate(upload, "").isEmpty()) { // a type S3 takes and events do not: the worker sniffs
            upload = new ImageUploaded(imageId, lotId, originals, key, object.etag(), object.size(), null);
        }
        Optional<Manifest> manifest = manifest(imageId);
        if (manifest.isEmpty()) {
            return Verdict.publish(upload);
        }
        Manifest m = manifest.get();
        Manifest.Source source = m.source();
        boolean sameObject = source != null && originals.equals(source.bucket()) && key.equals(source.key());
        if ((m.status().equals(Manifest.PENDING) || m.status().equals(Manifest.RENDERED))
                && sameObject
                && object.etag() != null
                && object.etag().equals(unquoted(source.etag()))) {
            return Verdict.skip("image " + imageId + " is already " + m.status() + " from this object");
        }
        if (m.deletedAt() != null
                && (object.lastModified() == null || !object.lastModified().isAfter(m.deletedAt()))) {
            return Verdict.skip("the object was written before image " + imageId + " was deleted");
        }
        if (source != null
                && !sameObject
                && !m.status().equals(Manifest.DELETED)
                && storage.isSourceBucket(source.bucket())
                && object.lastModified() != null) {
            Optional<ObjectHead> current = store.head(source.bucket(), source.key());
            if (current.isPresent()
                    && current.get().lastModified() != null
                    && !current.get().lastModified().isBefore(object.lastModified())) {
                return Verdict.skip("image " + imageId + " comes from a newer object");
            }
        }
        return Verdict.publish(upload);
    }

    /** The deletion of the object's image, if the image still comes from this object and storage no longer has it. */
    private Verdict removed(MinioNotification.Removed removed) {
        String key = removed.key();
        // S3 and MinIO tell nothing of a removed object but its key: its image is the one its file name names (that of
        // every original the API writes). Which image the body claims is not asked.
        String imageId = StorageLayout.imageIdOf(key);
        String idProblem = EventValidator.imageIdProblem(imageId);
        if (idProblem != null) {
            return Verdict.skip(noImage("file name", imageId, idProblem));
        }
        Optional<Manifest> manifest = manifest(imageId);
        if (manifest.isEmpty()) {
            return Verdict.skip("no image " + imageId + " was rendered from it");
        }
        Manifest m = manifest.get();
        if (m.status().equals(Manifest.DELETING) || m.status().equals(Manifest.DELETED)) {
            return Verdict.skip("image " + m.imageId() + " is already " + m.status());
        }
        Manifest.Source source = m.source();
        if (source == null || !originals.equals(source.bucket()) || !key.equals(source.key())) {
            return Verdict.skip("image " + imageId + " comes from another object");
        }
        if (removed.etag() != null && !removed.etag().equals(unquoted(source.etag()))) {
            return Verdict.skip("image " + imageId + " comes from another version of this object");
        }
        if (store.head(originals, key).isPresent()) {
            return Verdict.skip("storage still has the object (written again since its removal, or never removed)");
        }
        return Verdict.publish(new ImageDeleted(imageId));
    }

    private static String unquoted(String etag) {
        return etag == null ? null : etag.replace("\"", "");
    }

    private static String noImage(String where, String imageId, String problem) {
        return "no image can come from it: its " + where + " names the imageId \"" + printable(imageId) + "\", which "
                + problem;
    }

    private static String printable(String value) {
        String clean = value.replaceAll("\\p{Cntrl}", "?");
        return clean.length() > 40 ? clean.substring(0, 40) + "…" : clean;
    }
}
