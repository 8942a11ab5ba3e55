package com.miniatura.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.miniatura.worker.render.NativeLibraries;
import com.miniatura.worker.render.RenderTestSupport;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code render --out DIR FILE…}: the configured catalog for local files, one line per file, exit codes. */
class RenderCommandTest {
    @TempDir
    Path dir;

    record Run(int status, String out, String err) {}

    private Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = RenderCommand.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Path jpeg(String name, int width, int height) throws Exception {
        Path file = dir.resolve(name);
        ImageIO.write(new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB), "jpeg", file.toFile());
        return file;
    }

    @Test
    void rendersTheConfiguredCatalogIntoAFolderPerFile() throws Exception {
        Path photo = jpeg("lot-7.photo.jpg", 1200, 900);
        Path out = dir.resolve("thumbs");
        Run run = run("--out", out.toString(), photo.toString());

        assertThat(run.status()).as(run.err()).isZero();
        try (Stream<Path> files = Files.list(out.resolve("lot-7.photo"))) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .containsExactlyInAnyOrder("s150.jpg", "m300.jpg", "c480.jpg", "d800.jpg", "z1600.jpg", "g150.jpg");
        }
        BufferedImage d800 = ImageIO.read(out.resolve("lot-7.photo/d800.jpg").toFile());
        assertThat(List.of(d800.getWidth(), d800.getHeight())).containsExactly(800, 600);
        assertThat(run.out())
                .containsPattern(
                        "lot-7\\.photo\\.jpg: 6 variants in \\d+\\.\\d ms; auto quality: c480\\.jpg q\\d+ SSIM [01]\\.\\d{4}, "
                                + "d800\\.jpg q\\d+ SSIM [01]\\.\\d{4}, g150\\.jpg q\\d+ SSIM [01]\\.\\d{4}, m300\\.jpg q\\d+ SSIM [01]\\.\\d{4}, "
                                + "s150\\.jpg q\\d+ SSIM [01]\\.\\d{4}, z1600\\.jpg q\\d+ SSIM [01]\\.\\d{4}\\n")
                .containsPattern(
                        "rendered 1 of 1 files in \\d+\\.\\d ms with 1 thread: \\d+\\.\\d\\d jobs/s, \\d+\\.\\d ms CPU,"
                                + " \\d+\\.\\d\\d jobs per CPU-second\\n")
                .containsPattern(
                        "time per step \\(ms\\): decode \\d+\\.\\d colour \\d+\\.\\d shrink \\d+\\.\\d plan"
                                + " \\d+\\.\\d passthrough \\d+\\.\\d twin \\d+\\.\\d resize \\d+\\.\\d finish \\d+\\.\\d"
                                + " encode \\d+\\.\\d analysis \\d+\\.\\d blurhash \\d+\\.\\d other \\d+\\.\\d; heap allocated per file \\d+\\.\\d MB\\n");
    }

    @Test
    void variantsOfOnesOwnFromAFileJoinTheCatalog() throws Exception {
        Path photo = jpeg("p.jpg", 640, 480);
        Path custom = dir.resolve("variants.yml");
        Files.writeString(
                custom, "miniatura:\n  variants:\n    tiny: { width: 64, height: 64, fit: cover, format: png }\n");
        // Configuration maps merge, as for the services: the file's variant joins the reference six.
        Run run = run(
                "--out=" + dir.resolve("o"),
                "--repeat=2",
                "--threads=2",
                "--spring.config.additional-location=" + custom.toUri(),
                photo.toString());
        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).contains("p.jpg: ").contains("(pass 2 of 2)").contains("with 2 threads");
        try (Stream<Path> files = Files.list(dir.resolve("o/p"))) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .containsExactlyInAnyOrder(
                            "tiny.png", "s150.jpg", "m300.jpg", "c480.jpg", "d800.jpg", "z1600.jpg", "g150.jpg");
        }
        assertThat(run.out()).contains("p.jpg: 7 variants in ");
    }

    @Test
    void eachAutoQualityVariantPrintsTheQualityAndScoreItGotForItsOwnTargetAndAFixedOneNothing() throws Exception {
        Path photo = Files.write(dir.resolve("auto.jpg"), RenderTestSupport.fixture("catalog/DSCN0010-1024.jpg"));
        Run run = run(
                "--out=" + dir.resolve("o"),
                "--miniatura.variants.c480.ssim-target=0.94",
                "--miniatura.variants.s150.quality=80",
                photo.toString());
        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out())
                .containsPattern(
                        "auto\\.jpg: 6 variants in \\d+\\.\\d ms; auto quality: c480\\.jpg q\\d+ SSIM 0\\.9[4-9]\\d\\d, "
                                + "d800\\.jpg q\\d+ SSIM [01]\\.\\d{4}, g150\\.jpg q\\d+ SSIM [01]\\.\\d{4}, m300\\.jpg q\\d+ SSIM [01]\\.\\d{4}, "
                                + "z1600\\.jpg q\\d+ SSIM [01]\\.\\d{4}\\n");
    }

    @Test
    void aVariantListingTwoFormatsIsWrittenInBoth() throws Exception {
        Path photo = Files.write(dir.resolve("twins.jpg"), RenderTestSupport.fixture("catalog/DSCN0010-1024.jpg"));
        Run run = run("--out=" + dir.resolve("o"), "--miniatura.variants.d800.formats=jpeg,webp", photo.toString());
        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).contains("twins.jpg: 7 variants in ");
        assertThat(ImageIO.read(dir.resolve("o/twins/d800.webp").toFile()).getWidth())
                .isEqualTo(640);
        assertThat(ImageIO.read(dir.resolve("o/twins/d800.jpg").toFile()).getWidth())
                .isEqualTo(640);
    }

    @Test
    void anAvifTwinIsWrittenAndPrintsTheQualityAndScoreItsOwnSearchChose() throws Exception {
        NativeLibraries.avif();
        Path photo = Files.write(dir.resolve("twins.jpg"), RenderTestSupport.fixture("catalog/DSCN0010-1024.jpg"));
        Run run =
                run("--out=" + dir.resolve("o"), "--miniatura.variants.d800.formats=jpeg,webp,avif", photo.toString());
        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out())
                .containsPattern(
                        "twins\\.jpg: 8 variants in \\d+\\.\\d ms; auto quality: c480\\.jpg q\\d+ SSIM 0\\.\\d{4}, "
                                + "d800\\.jpg q(\\d+) SSIM 0\\.\\d{4}, d800\\.webp q\\1, d800\\.avif q\\d+ SSIM 0\\.9[6-9]\\d\\d, ");
        byte[] avif = Files.readAllBytes(dir.resolve("o/twins/d800.avif"));
        assertThat(NativeLibraries.avif().decode(avif, 1 << 20).width()).isEqualTo(640);
    }

    @Test
    void eachFileThatFailsIsNamedWithItsReasonAndTheOthersAreRendered() throws Exception {
        Path good = jpeg("good.jpg", 300, 200);
        Path text = Files.writeString(dir.resolve("notes.jpg"), "Lot 4711: mint condition\n");
        Path missing = dir.resolve("missing.jpg");
        Run run = run("--out", dir.resolve("o").toString(), text.toString(), good.toString(), missing.toString());

        assertThat(run.status()).isEqualTo(1);
        assertThat(run.out())
                .contains(text + ": failed: unsupported format: text, not an image\n")
                .contains(missing + ": failed: cannot read or write: " + missing + "\n")
                .containsPattern("good\\.jpg: 6 variants in ");
        assertThat(run.err())
                .isEqualTo("render: 2 of 3 files failed: " + text + " (unsupported format: text, not an image); "
                        + missing + " (cannot read or write: " + missing + ")\n");
        assertThat(dir.resolve("o/good/s150.jpg")).isRegularFile();
    }

    record BadArguments(String description, List<String> args, List<String> errors) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<BadArguments> badArguments() {
        return Stream.of(
                new BadArguments(
                        "nothing", List.of(), List.of("render: --out: required", "render: no files to render")),
                new BadArguments(
                        "no directory after --out",
                        List.of("a.jpg", "--out"),
                        List.of("render: --out: expected a directory")),
                new BadArguments(
                        "repeat not a number",
                        List.of("--out=o", "--repeat=many", "a.jpg"),
                        List.of("render: --repeat: expected a positive number but was \"many\"")),
                new BadArguments(
                        "zero threads and a stray flag",
                        List.of("--out=o", "--threads=0", "--fast", "a.jpg"),
                        List.of(
                                "render: --threads: expected a positive number but was \"0\"",
                                "render: unknown argument --fast")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badArguments")
    void badArgumentsExit2NamingEachProblem(BadArguments bad) {
        Run run = run(bad.args().toArray(String[]::new));
        assertThat(run.status()).isEqualTo(2);
        List<String> expected = new ArrayList<>(bad.errors());
        expected.add(RenderCommand.USAGE);
        assertThat(run.err().lines()).containsExactlyElementsOf(expected);
    }

    @Test
    void aBadCatalogExits2NamingTheKey() throws Exception {
        Run run = run(
                "--out=" + dir,
                "--miniatura.variants.s150.quality=150",
                jpeg("x.jpg", 10, 10).toString());
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("miniatura.variants.s150.quality: expected 1..100 or auto but was 150");
    }

    @Test
    void helpListsEveryFlagAndExits0() {
        Run run = run("--help");
        assertThat(run.status()).isZero();
        assertThat(run.out()).startsWith(RenderCommand.USAGE).contains("--out", "--repeat", "--threads", "FILE");
    }
}
