package com.miniatura.ingest.http;

import com.miniatura.common.config.MiniaturaSettings;
import com.miniatura.common.event.FieldError;
import com.miniatura.common.event.ImageDeleted;
import com.miniatura.common.event.ImageEvent;
import com.miniatura.common.event.ImageEventData;
import com.miniatura.common.storage.Manifest;
import com.miniatura.common.storage.ManifestCodec;
import com.miniatura.common.storage.ObjectStore;
import com.miniatura.common.storage.StorageLayout;
import com.miniatura.common.storage.StoredObject;
import com.miniatura.ingest.IngestSettings;
import com.miniatura.ingest.auth.BodyLimit;
import com.miniatura.ingest.auth.RequiresScope;
import com.miniatura.ingest.auth.Scope;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
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
 * <p>Storage tells of writes the API made itself too ({@code POST /v1/images} puts the original): an object
 * whose image is already pending or rendered from that very object (same key and ETag) is not published again.
 * A removal erases the image only if the image still comes from that object and the object is really gone,
 * so the late notice of an old original's removal cannot erase a re-upload.
 *
 * <p>Answers 202 with what it published and what it ignored, and why; 503 when Kafka is away, so MinIO keeps
 * the event in its queue and retries.
 */
@RestController
class NotificationsController {
    private static final Logger log = LoggerFactory.getLogger(NotificationsController.class);
    private static final long MAX_MANIFEST_BYTES = 16L * 1024 * 1024;

    private final Intake intake;
    private final ObjectStore store;
    private final IngestSettings settings;
    private final String originals;
    private final String thumbnails;

    NotificationsController(Intake intake, ObjectStore store, IngestSettings settings, MiniaturaSettings common) {
        this.intake = intake;
        this.store = store;
        this.settings = settings;
        this.originals = common.storage().originalsBucket();
        this.thumbnails = common.storage().thumbnailsBucket();
    }

    record Published(String imageId, String type, String eventId, String key) {}

    record Ignored(String key, String reason) {}

    record Result(int accepted, List<Published> events, List<Ignored> ignored) {}

    @RequiresScope(value = Scope.NOTIFY, body = BodyLimit.JSON)
    @PostMapping(path = "/v1/notifications/minio", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Result> minio(HttpServletRequest request) throws IOException {
        List<FieldError> errors = new ArrayList<>();
        List<MinioNotification.Change> changes = MinioNotification.parse(
                JsonBodies.read(request, settings.maxBodyBytes(), "a MinIO notification {\"EventName\", \"Records\": [...]}"),
                originals, errors);
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
        List<ImageEventData> events = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        List<Ignored> ignored = new ArrayList<>();
        for (MinioNotification.Change change : changes) {
            Optional<String> skip; // Java 17: no pattern switch
            if (change instanceof MinioNotification.Ignored i) {
                skip = Optional.of(i.reason());
            } else if (change instanceof MinioNotification.Created c) {
                skip = alreadyAccepted(c);
            } else {
                skip = notErasable((MinioNotification.Removed) change);
            }
            if (skip.isPresent()) {
                ignored.add(new Ignored(change.key(), skip.get()));
                continue;
            }
            events.add(change instanceof MinioNotification.Created c ? c.upload()
                    : new ImageDeleted(((MinioNotification.Removed) change).imageId()));
            keys.add(change.key());
        }
        List<Published> published = new ArrayList<>();
        if (!events.isEmpty()) {
            List<ImageEvent> sent = intake.accept(events);
            for (int i = 0; i < sent.size(); i++) {
                published.add(new Published(sent.get(i).data().imageId(), sent.get(i).type(), sent.get(i).id(),
                        keys.get(i)));
            }
        }
        ignored.forEach(i -> log.info("Ignored the notification of {}: {}", i.key(), i.reason()));
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(new Result(published.size(), published, ignored));
    }

    private Optional<Manifest> manifest(String imageId) {
        return store.getIfExists(thumbnails, StorageLayout.manifestKey(imageId), MAX_MANIFEST_BYTES)
                .map(StoredObject::bytes)
                .flatMap(bytes -> {
                    try {
                        return Optional.of(ManifestCodec.read(bytes));
                    } catch (RuntimeException e) {
                        return Optional.empty(); // unreadable: act as if unknown
                    }
                });
    }

    /** Why a write needs no event: its image is already pending or rendered from this very object. */
    private Optional<String> alreadyAccepted(MinioNotification.Created created) {
        return manifest(created.upload().imageId())
                .filter(m -> m.status().equals(Manifest.PENDING) || m.status().equals(Manifest.RENDERED))
                .filter(m -> m.source() != null && created.key().equals(m.source().key())
                        && created.upload().etag() != null
                        && created.upload().etag().equals(unquoted(m.source().etag())))
                .map(m -> "image " + m.imageId() + " is already " + m.status() + " from this object");
    }

    /** Why a removal must not erase its image, if it must not. */
    private Optional<String> notErasable(MinioNotification.Removed removed) {
        Optional<Manifest> manifest = manifest(removed.imageId());
        if (manifest.isEmpty()) {
            return Optional.of("no image " + removed.imageId() + " was rendered from it");
        }
        Manifest m = manifest.get();
        if (m.status().equals(Manifest.DELETING) || m.status().equals(Manifest.DELETED)) {
            return Optional.of("image " + m.imageId() + " is already " + m.status());
        }
        if (m.source() == null || !removed.key().equals(m.source().key())) {
            return Optional.of("image " + m.imageId() + " now comes from another object, "
                    + (m.source() == null ? "none" : m.source().key()));
        }
        if (store.etag(originals, removed.key()).isPresent()) {
            return Optional.of("the object exists again (written after its removal)");
        }
        return Optional.empty();
    }

    private static String unquoted(String etag) {
        return etag == null ? null : Objects.requireNonNull(etag).replace("\"", "");
    }
}
