package com.miniatura.ingest.http;

import com.miniatura.common.config.MiniaturaSettings;
import com.miniatura.common.event.EventCodec;
import com.miniatura.common.event.FieldError;
import com.miniatura.common.event.ImageEvent;
import com.miniatura.common.event.ImageUploaded;
import com.miniatura.common.storage.StorageSettings;
import com.miniatura.ingest.IngestSettings;
import com.miniatura.ingest.auth.BodyLimit;
import com.miniatura.ingest.auth.RequiresScope;
import com.miniatura.ingest.auth.Scope;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /v1/events}: the seller upload hook. Body: one {@code image.uploaded} payload, or
 * {@code {"events": [...]}} with up to {@code miniatura.ingest.max-batch} of them. Either every event is
 * valid and acknowledged by Kafka (202), or nothing is accepted (400 naming each bad field, 503 to retry).
 *
 * <p>An event may name an original only in a source bucket (the originals bucket and
 * {@code miniatura.storage.extra-source-buckets}): the workers' credentials may read other buckets, whose objects would
 * otherwise be rendered into the public thumbnails bucket.
 */
@RestController
class EventsController {
    private final Intake intake;
    private final IngestSettings settings;
    private final StorageSettings storage;

    EventsController(Intake intake, IngestSettings settings, MiniaturaSettings common) {
        this.intake = intake;
        this.settings = settings;
        this.storage = common.storage();
    }

    record Accepted(String imageId, String eventId, String status) {}

    record AcceptedBatch(int accepted, List<Accepted> events) {}

    @RequiresScope(value = Scope.UPLOAD, body = BodyLimit.BATCH)
    @PostMapping(path = "/v1/events", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<AcceptedBatch> publish(HttpServletRequest request) throws IOException {
        JsonNode body = JsonBodies.read(request, settings.maxBodyBytes(), "one event or {\"events\": [...]}");
        List<ImageUploaded> uploads = new ArrayList<>();
        List<FieldError> errors = new ArrayList<>();
        if (body.isObject() && body.has("events")) {
            JsonNode events = body.get("events");
            for (String name : body.propertyNames()) {
                if (!name.equals("events")) {
                    errors.add(new FieldError(name, "is not a known field (a batch holds only \"events\")"));
                }
            }
            if (!events.isArray()) {
                throw ApiException.invalid("events", "must be an array of events");
            }
            if (events.isEmpty()) {
                throw ApiException.invalid("events", "must hold at least one event");
            }
            if (events.size() > settings.maxBatch()) {
                throw ApiException.invalid(
                        "events", "must hold at most " + settings.maxBatch() + " events but held " + events.size());
            }
            for (int i = 0; i < events.size(); i++) {
                uploads.add(parse(events.get(i), "events[" + i + "].", errors));
            }
        } else {
            uploads.add(parse(body, "", errors));
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
        List<ImageEvent> published = intake.accept(uploads);
        List<Accepted> accepted = published.stream()
                .map(e -> new Accepted(e.data().imageId(), e.id(), "pending"))
                .toList();
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(new AcceptedBatch(accepted.size(), accepted));
    }

    /** The event's payload, as the contract reads it, also refused when its bucket is not a source bucket. */
    private ImageUploaded parse(JsonNode node, String path, List<FieldError> errors) {
        ImageUploaded upload = EventCodec.parseData(node, path, true, errors);
        String field = path + "bucket";
        JsonNode bucket = node.isObject() ? node.get("bucket") : null;
        if (bucket != null
                && bucket.isString()
                && !storage.isSourceBucket(bucket.asString())
                && errors.stream().noneMatch(e -> e.field().equals(field))) {
            errors.add(new FieldError(field, "must be one of the source buckets " + storage.sourceBuckets()));
        }
        return upload;
    }
}
