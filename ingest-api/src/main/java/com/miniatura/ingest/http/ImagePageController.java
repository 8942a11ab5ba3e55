package com.miniatura.ingest.http;

import com.miniatura.common.config.MiniaturaSettings;
import com.miniatura.common.event.EventValidator;
import com.miniatura.common.storage.Manifest;
import com.miniatura.common.storage.ManifestCodec;
import com.miniatura.common.storage.ManifestStore;
import com.miniatura.common.storage.ObjectStore;
import com.miniatura.ingest.IngestSettings;
import com.miniatura.ingest.StuckSettings;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /images/{imageId}}: a page for a person, not a program. It shows every variant of the image side by
 * side with its name, size and bytes, the placeholder pages paint first, and why it failed if it did (or that it is
 * stuck, {@link StuckStatus}). That is what someone tuning the catalog or answering a seller's support ticket wants to
 * see. The thumbnails load from {@code miniatura.ingest.thumbnails-url} (the CDN); the page itself is static HTML with
 * no script.
 */
@RestController
class ImagePageController {
    private static final MediaType HTML = new MediaType("text", "html", StandardCharsets.UTF_8);
    private final ManifestStore manifests;
    private final String thumbnailsUrl;
    private final StuckStatus stuck;

    ImagePageController(
            ObjectStore store, MiniaturaSettings settings, IngestSettings ingest, StuckSettings stuckSettings) {
        this.manifests = new ManifestStore(store, settings.storage());
        this.stuck = new StuckStatus(stuckSettings, Clock.systemUTC());
        this.thumbnailsUrl = ingest.thumbnailsUrl();
    }

    @GetMapping(value = "/images/{imageId}", produces = "text/html")
    ResponseEntity<String> page(@PathVariable String imageId) {
        String problem = EventValidator.imageIdProblem(imageId);
        if (problem != null) {
            return page(
                    HttpStatus.BAD_REQUEST,
                    "Not an imageId",
                    "<p class=\"reason\">imageId " + escape(problem) + ".</p>");
        }
        Optional<Manifest> found = manifests.manifest(imageId).map(ManifestCodec::read);
        if (found.isEmpty()) {
            return page(
                    HttpStatus.NOT_FOUND,
                    imageId,
                    "<p class=\"reason\">No image with imageId " + escape(imageId) + " was ever accepted.</p>");
        }
        Manifest m = found.get();
        StringBuilder body = new StringBuilder();
        body.append("<p class=\"status ")
                .append(escape(m.status()))
                .append("\">")
                .append(escape(m.status()))
                .append("</p>\n");
        stuck.since(m)
                .ifPresent(since -> body.append("<p class=\"reason stuck\">Stuck: ")
                        .append(escape(stuck.reason(since)))
                        .append("</p>\n"));
        Manifest.Source source = m.source();
        if (source != null) {
            body.append("<p class=\"source\">Original <code>")
                    .append(escape(source.bucket() + "/" + source.key()))
                    .append("</code>");
            if (source.width() != null) {
                body.append(" · ")
                        .append(source.width())
                        .append('×')
                        .append(source.height())
                        .append(' ')
                        .append(escape(source.format()));
            }
            if (source.size() != null) {
                body.append(" · ").append(bytes(source.size()));
            }
            body.append("</p>\n");
        }
        if (m.reason() != null) {
            body.append("<p class=\"reason\">Failed: ")
                    .append(escape(PublicReason.of(m.reason())))
                    .append("</p>\n");
        }
        if (m.blurhash() != null) {
            body.append("<figure class=\"placeholder\"><div class=\"swatch\" style=\"background:")
                    .append(averageColour(m.blurhash()))
                    .append("\"></div><figcaption>placeholder (BlurHash <code>")
                    .append(escape(m.blurhash()))
                    .append("</code>, its average colour shown)</figcaption></figure>\n");
        }
        body.append("<div class=\"variants\">\n");
        // smallest first: the thumbnails a page shows side by side (s150 next to g150) before the zoom sizes
        List<Manifest.Variant> variants = m.variants().stream()
                .sorted(Comparator.comparingLong((Manifest.Variant v) -> (long) v.width() * v.height())
                        .thenComparing(Manifest.Variant::name))
                .toList();
        for (Manifest.Variant v : variants) {
            String url = thumbnailsUrl + "/" + v.key();
            body.append("<figure class=\"variant\"><a href=\"")
                    .append(escape(url))
                    .append("\"><img src=\"")
                    .append(escape(url))
                    .append("\" width=\"")
                    .append(v.width())
                    .append("\" height=\"")
                    .append(v.height())
                    .append("\" alt=\"")
                    .append(escape(v.name()))
                    .append("\" loading=\"lazy\"></a><figcaption><b>")
                    .append(escape(v.name()))
                    .append("</b> ")
                    .append(v.width())
                    .append('×')
                    .append(v.height())
                    .append(" · ")
                    .append(bytes(v.bytes()))
                    .append(" · ")
                    .append(escape(v.contentType()))
                    .append("</figcaption></figure>\n");
        }
        body.append("</div>\n");
        String markup = pictures(m.variants(), thumbnailsUrl);
        if (!markup.isEmpty()) {
            body.append("<h2>Markup</h2>\n<p>Variants stored in several formats, as a page would show them: the browser"
                            + " takes the first format it can decode.</p>\n<pre class=\"markup\"><code>")
                    .append(escape(markup))
                    .append("</code></pre>\n");
        }
        return page(HttpStatus.OK, imageId, body.toString());
    }

    private static ResponseEntity<String> page(HttpStatus status, String title, String body) {
        String html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + escape(title)
                + " · Miniatura</title>\n<style>body{font:14px system-ui,sans-serif;margin:24px;background:#fafafa;color:#222}"
                + ".variants{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}"
                + "figure{margin:0;background:#fff;padding:8px;border:1px solid #ddd;border-radius:6px}"
                + "img{display:block;max-width:100%;height:auto;background:#eee}.swatch{width:96px;height:64px;border-radius:4px}"
                + ".placeholder{display:inline-block;margin-bottom:16px}"
                + ".reason{color:#a00}.status{font-weight:bold}</style></head>\n<body><h1>" + escape(title) + "</h1>\n"
                + body
                + "</body></html>\n";
        return ResponseEntity.status(status)
                .contentType(HTML)
                .header("Cache-Control", "no-cache")
                .body(html);
    }

    /** {@code <source>} types in the order a browser should try them; any other type goes after them. */
    private static final List<String> SOURCE_ORDER = List.of("image/avif", "image/webp");

    /**
     * A {@code <picture>} per variant stored in several formats (twins share a name): a {@code <source>} for each
     * format but the manifest's first, which is the {@code <img>} every browser can show; AVIF is offered before
     * WebP, whatever the catalog's order, since a browser takes the first it supports. Variants keep catalog order.
     */
    static String pictures(List<Manifest.Variant> variants, String thumbnailsUrl) {
        Map<String, List<Manifest.Variant>> byName = new LinkedHashMap<>();
        variants.forEach(
                v -> byName.computeIfAbsent(v.name(), n -> new ArrayList<>()).add(v));
        StringBuilder out = new StringBuilder();
        for (List<Manifest.Variant> twins : byName.values()) {
            if (twins.size() < 2) {
                continue;
            }
            Manifest.Variant fallback = twins.get(0);
            out.append("<picture>\n");
            // a browser takes the first source it can show: the smallest formats go first
            List<Manifest.Variant> sources = new ArrayList<>(twins.subList(1, twins.size()));
            sources.sort(Comparator.comparingInt(ImagePageController::sourceRank));
            for (Manifest.Variant v : sources) {
                out.append("  <source type=\"")
                        .append(v.contentType())
                        .append("\" srcset=\"")
                        .append(thumbnailsUrl)
                        .append('/')
                        .append(v.key())
                        .append("\">\n");
            }
            out.append("  <img src=\"")
                    .append(thumbnailsUrl)
                    .append('/')
                    .append(fallback.key())
                    .append("\" width=\"")
                    .append(fallback.width())
                    .append("\" height=\"")
                    .append(fallback.height())
                    .append("\" alt=\"\" loading=\"lazy\">\n</picture>\n");
        }
        return out.toString();
    }

    private static int sourceRank(Manifest.Variant v) {
        int rank = SOURCE_ORDER.indexOf(v.contentType());
        return rank < 0 ? SOURCE_ORDER.size() : rank;
    }

    /** The average colour of a BlurHash: its DC component, four base-83 digits after the size and maximum. */
    static String averageColour(String blurhash) {
        if (blurhash.length() < 6) {
            return "#ccc";
        }
        long value = 0;
        for (char c : blurhash.substring(2, 6).toCharArray()) {
            int digit = BASE83.indexOf(c);
            if (digit < 0) {
                return "#ccc";
            }
            value = value * 83 + digit;
        }
        return String.format(Locale.ROOT, "#%06x", value & 0xFFFFFF);
    }

    private static final String BASE83 =
            "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~";

    static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static String bytes(long n) {
        return n < 1024
                ? n + " B"
                : n < 1024 * 1024
                        ? String.format(Locale.ROOT, "%.1f KB", n / 1024.0)
                        : String.format(Locale.ROOT, "%.1f MB", n / 1048576.0);
    }
}
