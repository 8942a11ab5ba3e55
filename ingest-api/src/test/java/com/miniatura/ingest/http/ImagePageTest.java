package com.miniatura.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.miniatura.common.storage.Manifest;
import com.miniatura.common.storage.ManifestCodec;
import com.miniatura.common.storage.ObjectStore;
import com.miniatura.common.storage.StoredObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;

/**
 * {@code GET /images/{imageId}}: every variant side by side with its name, size and bytes, the placeholder's colour,
 * the failure reason; everything from storage escaped; thumbnails from the configured public address.
 */
@IngestWebTest
@TestPropertySource(properties = "miniatura.ingest.thumbnails-url=https://cdn.example.com/thumbs/")
class ImagePageTest {
    private static final Manifest.Source SOURCE =
            new Manifest.Source("originals", "lot-7-1.jpg", "e", 48213L, "image/jpeg", 1024, 768, "jpeg");

    @Autowired
    MockMvc http;

    @Autowired
    ObjectStore store;

    private void manifest(Manifest m) {
        when(store.get(eq("metadata"), eq(m.imageId() + "/manifest.json"), anyLong()))
                .thenReturn(Optional.of(new StoredObject(ManifestCodec.write(m), "x", "application/json", Map.of())));
    }

    private String page(String imageId, int status) throws Exception {
        return http.perform(get("/images/" + imageId))
                .andExpect(status().is(status))
                .andReturn()
                .getResponse()
                .getContentAsString(StandardCharsets.UTF_8);
    }

    @Test
    void aRenderedImageShowsEveryVariantWithItsNameSizeAndBytes() throws Exception {
        manifest(Manifest.rendered(
                "lot-7-1",
                SOURCE,
                List.of(
                        new Manifest.Variant("s150", "lot-7-1/s150.jpg", 150, 150, 6_144, "image/jpeg", "h1"),
                        new Manifest.Variant("z1600", "lot-7-1/z1600.jpg", 1024, 768, 112_640, "image/jpeg", "h2"),
                        new Manifest.Variant("w480", "lot-7-1/w480.webp", 480, 360, 20_480, "image/webp", "h3")),
                "LEHV6nWB2yk8pyo0adR*.7kCMdnj",
                "ev-1",
                Instant.EPOCH));
        String html = page("lot-7-1", 200);
        assertThat(html)
                .startsWith("<!DOCTYPE html>")
                .contains("<title>lot-7-1 · Miniatura</title>")
                .contains("<p class=\"status rendered\">rendered</p>")
                .contains("Original <code>originals/lot-7-1.jpg</code> · 1024×768 jpeg · 47.1 KB")
                .contains("<img src=\"https://cdn.example.com/thumbs/lot-7-1/s150.jpg\" width=\"150\" height=\"150\"")
                .contains("<b>s150</b> 150×150 · 6.0 KB · image/jpeg")
                .contains("<b>z1600</b> 1024×768 · 110.0 KB · image/jpeg")
                .contains("<b>w480</b> 480×360 · 20.0 KB · image/webp")
                .contains("BlurHash <code>LEHV6nWB2yk8pyo0adR*.7kCMdnj</code>")
                .containsSubsequence("<b>s150</b>", "<b>w480</b>", "<b>z1600</b>") // smallest first
                .doesNotContain("<script");
        assertThat(html.split("class=\"variant\"", -1)).hasSize(4);
        assertThat(html).as("no twins, no markup").doesNotContain("<h2>Markup</h2>");
    }

    @Test
    void twinsInSeveralFormatsGetThePictureMarkupAPageWouldPaste() throws Exception {
        manifest(Manifest.rendered(
                "lot-7-1",
                SOURCE,
                List.of(
                        new Manifest.Variant(
                                "d800", "lot-7-1/d800.jpg", 800, 600, 60_000, "image/jpeg", "h1", 71, 0.9651),
                        new Manifest.Variant(
                                "d800", "lot-7-1/d800.webp", 800, 600, 41_000, "image/webp", "h2", 71, null),
                        new Manifest.Variant("s150", "lot-7-1/s150.jpg", 150, 150, 6_144, "image/jpeg", "h3")),
                null,
                "ev-1",
                Instant.EPOCH));
        String html = page("lot-7-1", 200);
        assertThat(html.split("class=\"variant\"", -1)).as("every object shown").hasSize(4);
        assertThat(html)
                .contains("<h2>Markup</h2>")
                .contains("<pre class=\"markup\"><code>&lt;picture&gt;\n"
                        + "  &lt;source type=&quot;image/webp&quot; srcset=&quot;https://cdn.example.com/thumbs/lot-7-1/d800.webp&quot;&gt;\n"
                        + "  &lt;img src=&quot;https://cdn.example.com/thumbs/lot-7-1/d800.jpg&quot; width=&quot;800&quot;"
                        + " height=&quot;600&quot; alt=&quot;&quot; loading=&quot;lazy&quot;&gt;\n"
                        + "&lt;/picture&gt;\n</code></pre>")
                .as("a variant in one format needs none")
                .doesNotContain("srcset=&quot;https://cdn.example.com/thumbs/lot-7-1/s150");
    }

    @Test
    void avifIsOfferedBeforeWebpWhateverTheCatalogsOrderSinceABrowserTakesTheFirstItShows() {
        String markup = ImagePageController.pictures(
                List.of(
                        new Manifest.Variant(
                                "d800", "lot-7-1/d800.jpg", 800, 600, 60_000, "image/jpeg", "h1", 71, 0.9651),
                        new Manifest.Variant(
                                "d800", "lot-7-1/d800.webp", 800, 600, 41_000, "image/webp", "h2", 71, null),
                        new Manifest.Variant(
                                "d800", "lot-7-1/d800.avif", 800, 600, 30_000, "image/avif", "h3", 52, 0.9660)),
                "https://cdn.example.com/thumbs");
        assertThat(markup)
                .isEqualTo("<picture>\n"
                        + "  <source type=\"image/avif\" srcset=\"https://cdn.example.com/thumbs/lot-7-1/d800.avif\">\n"
                        + "  <source type=\"image/webp\" srcset=\"https://cdn.example.com/thumbs/lot-7-1/d800.webp\">\n"
                        + "  <img src=\"https://cdn.example.com/thumbs/lot-7-1/d800.jpg\" width=\"800\" height=\"600\""
                        + " alt=\"\" loading=\"lazy\">\n"
                        + "</picture>\n");
    }

    @Test
    void aFailedImageShowsItsReasonEscaped() throws Exception {
        manifest(Manifest.failed(
                "lot-9-1", SOURCE, "not a supported image: <script>alert(1)</script> & more", "ev-2", Instant.EPOCH));
        String html = page("lot-9-1", 200);
        assertThat(html)
                .contains(
                        "<p class=\"reason\">Failed: not a supported image: &lt;script&gt;alert(1)&lt;/script&gt; &amp; more</p>")
                .doesNotContain("<script>");
    }

    @Test
    void anUnknownImageIs404AndABadIdIs400() throws Exception {
        when(store.get(eq("metadata"), eq("nobody/manifest.json"), anyLong())).thenReturn(Optional.empty());
        assertThat(page("nobody", 404)).contains("No image with imageId nobody was ever accepted.");
        assertThat(page("a%20b", 400))
                .contains(
                        "imageId must be 1-128 characters of A-Z, a-z, 0-9, &#39;.&#39;, &#39;_&#39; or &#39;-&#39;.");
    }

    /** "HV6n" in base 83 is 17·83³ + 31·83² + 6·83 + 49 = 9,934,485 = 0x979695. */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"LEHV6nWB2yk8pyo0adR*.7kCMdnj, #979695", "L00000fQfQfQfQfQfQfQfQfQfQfQ, #000000", "x, #ccc"})
    void thePlaceholdersAverageColourIsItsDcComponent(String blurhash, String colour) {
        assertThat(ImagePageController.averageColour(blurhash)).isEqualTo(colour);
    }
}
