package com.miniatura.ingest.http;

import com.miniatura.common.config.MiniaturaSettings;
import com.miniatura.common.event.EventValidator;
import com.miniatura.common.event.FieldError;
import com.miniatura.common.event.ImageDeleted;
import com.miniatura.common.event.ImageEvent;
import com.miniatura.common.event.ImageUploaded;
import com.miniatura.common.format.FormatSniffer;
import com.miniatura.common.format.InputFormat;
import com.miniatura.common.format.SourceBytes;
import com.miniatura.common.format.UnsupportedFormatException;
import com.miniatura.common.storage.Manifest;
import com.miniatura.common.storage.ManifestCodec;
import com.miniatura.common.storage.ManifestStore;
import com.miniatura.common.storage.ObjectStore;
import com.miniatura.common.storage.PutOptions;
import com.miniatura.common.storage.StorageLayout;
import com.miniatura.ingest.IngestSettings;
import com.miniatura.ingest.StuckSettings;
import com.miniatura.ingest.auth.BodyLimit;
import com.miniatura.ingest.auth.RequiresScope;
import com.miniatura.ingest.auth.Scope;
import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/**
 * {@code POST /v1/images} stores an original and asks for its variants; {@code DELETE /v1/images/{imageId}}
 * asks for the image to be erased; {@code GET /v1/images/{imageId}} says how far either got.
 */
@RestController
class ImagesController {
    private final ObjectStore store;
    private final Intake intake;
    private final String originals;
    private final ManifestStore manifests;
    private final long maxUploadBytes;
    private final StuckStatus stuck;

    ImagesController(
            ObjectStore store,
            Intake intake,
            MiniaturaSettings settings,
            IngestSettings ingest,
            StuckSettings stuckSettings) {
        this.store = store;
        this.stuck = new StuckStatus(stuckSettings, Clock.systemUTC());
        this.maxUploadBytes = ingest.maxUploadBytes();
        this.intake = intake;
        this.originals = settings.storage().originalsBucket();
        this.manifests = new ManifestStore(store, settings.storage());
    }

    /**
     * {@code blurhash}: paint it as the placeholder until a thumbnail loads (see https://blurha.sh).
     * {@code reason}: why it failed, or why it is stuck.
     * {@code deletedAt}: when the image was last deleted, if ever (a later upload renders it again).
     * {@code stuck}: {@code true} when it has been {@code pending} for longer than it should ({@link StuckStatus}),
     * else absent.
     */
    record Status(
            String imageId,
            String status,
            List<Variant> variants,
            String blurhash,
            String reason,
            Instant deletedAt,
            Boolean stuck) {}

    /**
     * One stored variant; {@code quality} (on the format's own scale) and {@code ssim} only where {@code quality: auto}
     * chose them.
     */
    record Variant(
            String name,
            String key,
            int width,
            int height,
            long bytes,
            String contentType,
            Integer quality,
            Double ssim) {}

    @RequiresScope(value = Scope.UPLOAD, body = BodyLimit.UPLOAD)
    @PostMapping(path = "/v1/images", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    ResponseEntity<Map<String, String>> upload(
            @RequestParam("file") MultipartFile file,
            @RequestParam(name = "imageId", required = false) String imageId,
            @RequestParam(name = "lotId", required = false) String lotId)
            throws IOException {
        List<FieldError> errors = new ArrayList<>();
        String id = imageId == null || imageId.isEmpty() ? UUID.randomUUID().toString() : imageId;
        String idProblem = EventValidator.imageIdProblem(id);
        if (idProblem != null) {
            errors.add(new FieldError("imageId", idProblem));
        }
        if (lotId != null && EventValidator.imageIdProblem(lotId) != null) {
            errors.add(new FieldError("lotId", EventValidator.imageIdProblem(lotId)));
        }
        if (file.isEmpty()) {
            errors.add(new FieldError("file", "is empty"));
        }
        if (file.getSize() > maxUploadBytes) { // the servlet container enforces it too, before buffering
            throw ProblemHandler.uploadTooLarge(maxUploadBytes);
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
        ImageEvent event;
        // To a file of our own and on to storage from there: an original is never held in the heap (the container
        // wrote the part to disk; moving it is a rename), and storage reads it from disk in one PUT.
        Path original = Files.createTempFile("miniatura-upload-", ".original");
        try {
            file.transferTo(original.toFile());
            long size = Files.size(original);
            if (size > maxUploadBytes) {
                throw ProblemHandler.uploadTooLarge(maxUploadBytes);
            }
            InputFormat format;
            try (FileChannel in = FileChannel.open(original)) {
                format = FormatSniffer.sniff(SourceBytes.of(in));
            } catch (UnsupportedFormatException e) {
                throw new ApiException(
                        HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                        "Unsupported image format",
                        "file: " + e.getMessage(),
                        List.of(new FieldError("file", e.getMessage())));
            }

            String key = StorageLayout.originalKey(id, format.extension());
            Map<String, String> metadata = new LinkedHashMap<>();
            metadata.put("image-id", id);
            if (lotId != null) {
                metadata.put("lot-id", lotId);
            }
            String etag = store.putFile(
                    originals,
                    key,
                    original,
                    PutOptions.of(format.contentType()).withUserMetadata(metadata));
            event = intake.accept(
                            List.of(new ImageUploaded(id, lotId, originals, key, etag, size, format.contentType())))
                    .get(0);
        } finally {
            Files.deleteIfExists(original);
        }
        return ResponseEntity.accepted()
                .location(URI.create("/v1/images/" + id))
                .body(Map.of("imageId", id, "status", Manifest.PENDING, "eventId", event.id()));
    }

    @GetMapping("/v1/images/{imageId}")
    ResponseEntity<Status> status(@PathVariable String imageId) {
        String problem = EventValidator.imageIdProblem(imageId);
        if (problem != null) {
            throw ApiException.invalid("imageId", problem);
        }
        Manifest manifest = manifests
                .manifest(imageId)
                .map(ManifestCodec::read)
                .orElseThrow(() -> new ApiException(
                        HttpStatus.NOT_FOUND,
                        "Unknown image",
                        "no image with imageId " + imageId + " was ever accepted",
                        List.of()));
        List<Variant> variants = manifest.variants().stream()
                .map(v -> new Variant(
                        v.name(), v.key(), v.width(), v.height(), v.bytes(), v.contentType(), v.quality(), v.ssim()))
                .toList();
        Optional<Instant> stuckSince = stuck.since(manifest);
        return ResponseEntity.ok(new Status(
                manifest.imageId(),
                manifest.status(),
                variants,
                manifest.blurhash(),
                stuckSince.map(stuck::reason).orElseGet(() -> PublicReason.of(manifest.reason())),
                manifest.deletedAt(),
                stuckSince.isPresent() ? Boolean.TRUE : null));
    }

    /**
     * Erases an image: its variants, its original and what its status said of it; the status becomes
     * {@code deleting}, then {@code deleted} once the worker is done. Idempotent, and accepted for an imageId
     * never seen too: the deletion still stops any upload of it published before now from rendering.
     */
    @RequiresScope(value = Scope.DELETE, body = BodyLimit.NONE)
    @DeleteMapping("/v1/images/{imageId}")
    ResponseEntity<Map<String, String>> delete(@PathVariable String imageId) {
        String problem = EventValidator.imageIdProblem(imageId);
        if (problem != null) {
            throw ApiException.invalid("imageId", problem);
        }
        ImageEvent event = intake.accept(List.of(new ImageDeleted(imageId))).get(0);
        return ResponseEntity.accepted()
                .location(URI.create("/v1/images/" + imageId))
                .body(Map.of("imageId", imageId, "status", Manifest.DELETING, "eventId", event.id()));
    }
}
