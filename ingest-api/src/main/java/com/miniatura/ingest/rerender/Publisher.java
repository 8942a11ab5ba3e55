package com.miniatura.ingest.rerender;

import com.miniatura.common.event.EventCodec;
import com.miniatura.common.event.ImageEvent;
import com.miniatura.common.event.ImageUploaded;
import java.time.Instant;
import java.util.List;

/**
 * Publishes a re-render's events at a bounded rate. Each is an {@code image.uploaded} for the original, with
 * {@code ce_source /miniatura/rerender}, a {@code ce_id} made of the run's name and the imageId (a re-published event
 * is the same event), and as {@code ce_time} the original's last-modified time when listed, so that the worker
 * ignores it for an image deleted since.
 */
final class Publisher {
    static final String SOURCE = "/miniatura/rerender";

    private final EventSink sink;
    private final String topic;
    private final String run;
    private final String bucket;
    private final Pacer pacer;

    Publisher(EventSink sink, String topic, String run, String bucket, double perSecond) {
        this.sink = sink;
        this.topic = topic;
        this.run = run;
        this.bucket = bucket;
        this.pacer = Pacer.of(perSecond);
    }

    /** Queues the event for an original, once the rate allows; {@code variants} {@code null} for every one. */
    void publish(String imageId, String key, String etag, Instant lastModified, List<String> variants)
            throws InterruptedException {
        if (pacer != null) {
            pacer.acquire();
        }
        ImageUploaded data = new ImageUploaded(imageId, null, bucket, key, etag, null, null, variants);
        ImageEvent event = new ImageEvent("rerender/" + run + "/" + imageId, SOURCE, lastModified, data);
        sink.send(topic, imageId, EventCodec.headers(event), EventCodec.payload(data));
    }

    /** Waits until every event sent so far is acknowledged; throws when one failed. */
    void acknowledged() {
        sink.flush();
        if (sink.failure() != null) {
            throw new IllegalStateException(
                    "publishing failed: " + sink.failure().getMessage(), sink.failure());
        }
    }

    /** The first send that failed, or {@code null}. */
    Exception failure() {
        return sink.failure();
    }
}
