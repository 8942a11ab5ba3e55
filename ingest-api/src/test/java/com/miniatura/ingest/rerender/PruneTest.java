package com.miniatura.ingest.rerender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.nullable;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.miniatura.common.catalog.Fit;
import com.miniatura.common.catalog.OutputFormat;
import com.miniatura.common.catalog.VariantCatalog;
import com.miniatura.common.catalog.VariantSpec;
import com.miniatura.common.storage.Manifest;
import com.miniatura.common.storage.ManifestCodec;
import com.miniatura.common.storage.ManifestStore;
import com.miniatura.common.storage.ObjectStore;
import com.miniatura.common.storage.StorageRejectedException;
import com.miniatura.common.storage.StorageSettings;
import com.miniatura.common.storage.StoredObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code rerender --prune} against a thumbnails bucket held in memory: what it counts as an orphan in a dry run, what
 * it deletes with {@code --delete} (exactly the orphans), and a run that fails midway continuing from its checkpoint.
 *
 * <p>The catalog re-formatted {@code s150} from JPEG to WebP and dropped {@code g150}; {@code lot-000}…{@code lot-299}
 * each still hold their old {@code s150.jpg}, and {@code img-*} are one of each other kind of image.
 */
class PruneTest {
    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    private static final Instant OLD = NOW.minus(Duration.ofDays(30));
    private static final Instant YOUNG = NOW.minus(Duration.ofHours(1));
    private static final VariantCatalog CATALOG = VariantCatalog.of(List.of(
            new VariantSpec("s150", 150, 150, Fit.COVER, OutputFormat.WEBP, 80, false, 0xFFFFFF, List.of()),
            new VariantSpec("m300", 300, 300, Fit.INSIDE, OutputFormat.JPEG, 80, false, 0xFFFFFF, List.of())));
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int LOTS = 300;

    private static final StorageSettings STORAGE = new StorageSettings(
            "http://localhost:9000", "us-east-1", "k", "s", "originals", "thumbnails", "no-cache", false);
    /**
     * The thumbnails bucket: key → object, in S3's order. The fake store ignores the bucket it is asked for, so the
     * metadata bucket's manifests and checkpoints are kept here too (and listed, as the legacy layout's were).
     */
    private final TreeMap<String, Stored> bucket = new TreeMap<>(Keys::compare);

    private final ObjectStore store = mock(ObjectStore.class);
    /** Each listing's start-after key, in the order the listings were made. */
    private final List<String> listedFrom = new ArrayList<>();

    private final AtomicInteger removed = new AtomicInteger();
    /** The number of deletions after which the next multi-object delete is refused, or -1 for never. */
    private int refuseAfter = -1;

    private final ByteArrayOutputStream output = new ByteArrayOutputStream();

    record Stored(byte[] bytes, Instant lastModified) {}

    PruneTest() {
        fakeStore();
        Manifest.Source source = Manifest.Source.of("originals", "x.jpg", "e", 1L, "image/jpeg");
        for (int i = 0; i < LOTS; i++) {
            String id = String.format("lot-%03d", i);
            manifest(Manifest.rendered(
                    id, source, List.of(variant(id, "s150.webp"), variant(id, "m300.jpg")), null, "ev", OLD));
            put(id + "/s150.webp", 70, OLD);
            put(id + "/m300.jpg", 200, OLD);
            put(id + "/s150.jpg", 100, OLD); // orphan: s150 re-formatted
        }
        manifest(Manifest.rendered(
                "img-1",
                source,
                List.of(variant("img-1", "s150.webp"), variant("img-1", "m300.jpg")),
                null,
                "ev",
                OLD));
        put("img-1/s150.webp", 70, OLD);
        put("img-1/m300.jpg", 200, OLD);
        put("img-1/s150.jpg", 100, OLD); // orphan
        put("img-1/g150.jpg", 50, OLD); // orphan: g150 dropped
        put("img-1/notes.txt", 5, OLD); // not a variant's shape
        put("img-1/sub/s150.jpg", 5, OLD); // not a variant's shape
        manifest(Manifest.rendered("img-2", source, List.of(variant("img-2", "s150.webp")), null, "ev", OLD));
        put("img-2/s150.webp", 70, OLD);
        put("img-2/s150.jpg", 100, YOUNG); // young: a render may be about to list it
        manifest(Manifest.pending("img-3", source, "ev", NOW));
        put("img-3/s150.jpg", 100, OLD); // in flight
        manifest(Manifest.failed("img-4", source, "bug", "ev", OLD));
        put("img-4/s150.jpg", 100, OLD); // a failed manifest lists nothing and tells nothing
        manifest(Manifest.deleted("img-5", "ev", OLD, OLD));
        put("img-5/s150.webp", 70, OLD); // orphan: what a render racing the deletion left under the tombstone
        put("img-6/s150.jpg", 100, OLD); // no manifest at all
        manifest(Manifest.rendered("img-7", source, List.of(variant("img-7", "s150.webp")), null, "ev", OLD));
        put("img-7/s150.webp", 70, OLD);
        put("img-7/m300.jpg", 200, OLD); // a current catalog key not listed yet
        bucket.put("img-8/manifest.json", new Stored("{not json".getBytes(StandardCharsets.UTF_8), OLD));
        put("img-8/s150.jpg", 100, OLD); // unreadable manifest
        put("rerender~/missing-1234.json", 10, OLD); // another run's checkpoint
        put("stray.jpg", 10, OLD);
    }

    /** Every orphan of the seeded bucket. */
    private static Set<String> orphans() {
        Set<String> orphans = new TreeSet<>(Set.of("img-1/s150.jpg", "img-1/g150.jpg", "img-5/s150.webp"));
        IntStream.range(0, LOTS).forEach(i -> orphans.add(String.format("lot-%03d/s150.jpg", i)));
        return orphans;
    }

    private static Manifest.Variant variant(String imageId, String file) {
        return new Manifest.Variant(
                file.substring(0, file.indexOf('.')), imageId + "/" + file, 1, 1, 1, "image/jpeg", "h");
    }

    private void put(String key, int size, Instant lastModified) {
        bucket.put(key, new Stored(new byte[size], lastModified));
    }

    private void manifest(Manifest manifest) {
        bucket.put(manifest.imageId() + "/manifest.json", new Stored(ManifestCodec.write(manifest), OLD));
    }

    private void fakeStore() {
        when(store.list(anyString(), nullable(String.class), nullable(String.class), anyBoolean()))
                .thenAnswer(call -> {
                    String prefix = call.getArgument(1) == null ? "" : call.getArgument(1);
                    String after = call.getArgument(2);
                    synchronized (listedFrom) {
                        listedFrom.add(after);
                    }
                    List<ObjectStore.Listed> page = new ArrayList<>();
                    synchronized (bucket) {
                        (after == null ? bucket : bucket.tailMap(after, false)).forEach((key, o) -> {
                            if (key.startsWith(prefix)) {
                                page.add(new ObjectStore.Listed(key, "etag", o.bytes().length, o.lastModified(), null));
                            }
                        });
                    }
                    return page.iterator();
                });
        when(store.firstKey(anyString(), nullable(String.class), nullable(String.class)))
                .thenAnswer(call -> {
                    String prefix = call.getArgument(1) == null ? "" : call.getArgument(1);
                    String after = call.getArgument(2);
                    synchronized (bucket) {
                        String key = after == null || Keys.compare(after, prefix) < 0
                                ? bucket.ceilingKey(prefix)
                                : bucket.higherKey(after);
                        return Optional.ofNullable(key).filter(k -> k.startsWith(prefix));
                    }
                });
        when(store.get(anyString(), anyString(), anyLong())).thenAnswer(call -> get(call.getArgument(1)));
        when(store.put(anyString(), anyString(), any(), any())).thenAnswer(call -> {
            synchronized (bucket) {
                bucket.put(call.getArgument(1), new Stored(call.getArgument(2), NOW));
            }
            return "etag";
        });
        when(store.removeAll(anyString(), any())).thenAnswer(call -> {
            Collection<String> keys = call.getArgument(1);
            if (refuseAfter >= 0 && removed.get() + keys.size() > refuseAfter) {
                refuseAfter = -1; // once
                throw new StorageRejectedException("remove thumbnails refused: AccessDenied Access Denied.", null);
            }
            synchronized (bucket) {
                keys.forEach(bucket::remove);
            }
            removed.addAndGet(keys.size());
            return Map.of();
        });
    }

    private Optional<StoredObject> get(String key) {
        synchronized (bucket) {
            return Optional.ofNullable(bucket.get(key))
                    .map(o -> new StoredObject(o.bytes(), "etag", "application/json", Map.of()));
        }
    }

    /** Runs {@code rerender --prune} with these flags, as the command parses them; its outcome. */
    private Rerender.Outcome prune(String... flags) throws Exception {
        List<String> args = new ArrayList<>(List.of("--prune", "--progress=none"));
        args.addAll(List.of(flags));
        List<String> problems = new ArrayList<>();
        RerenderOptions options =
                RerenderCommand.parse(args.toArray(String[]::new), problems).options("originals", "thumbnails");
        assertThat(problems).isEmpty();
        PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);
        return new Rerender(
                        store,
                        new NoSink(),
                        "bulk",
                        new ManifestStore(store, STORAGE),
                        CATALOG,
                        options,
                        out,
                        Clock.fixed(NOW, ZoneOffset.UTC))
                .execute();
    }

    private String output() {
        String text = output.toString(StandardCharsets.UTF_8);
        System.out.println(text);
        return text;
    }

    private Set<String> keys() {
        synchronized (bucket) {
            return new TreeSet<>(bucket.keySet());
        }
    }

    private Map<String, Long> checkpointCounts(String run) {
        JsonNode counts = JSON.readTree(bucket.get(Checkpoint.key(run)).bytes()).get("counts");
        Map<String, Long> values = new HashMap<>();
        counts.properties().forEach(e -> values.put(e.getKey(), e.getValue().asLong()));
        return values;
    }

    @Test
    void aDryRunCountsTheOrphansByVariantFileAndDeletesNothing() throws Exception {
        Set<String> before = keys();

        assertThat(prune()).isEqualTo(Rerender.Outcome.COMPLETED);

        assertThat(keys()).isEqualTo(before);
        assertThat(removed).hasValue(0);
        assertThat(keys()).noneMatch(k -> k.startsWith("rerender~/prune-")); // a dry run saves no checkpoint
        String text = output();
        assertThat(text)
                .contains("- dry run, nothing deleted (--delete deletes)")
                .contains("  would delete    303 objects, 29.5 KB\n")
                .contains("    s150.jpg:     301 objects, 29.4 KB\n")
                .contains("    s150.webp:    1 object, 70 B\n")
                .contains("    g150.jpg:     1 object, 50 B\n")
                .contains(
                        "  kept            listed in their manifest 604, younger than 24h 1, a current catalog variant not"
                                + " listed yet 1, image pending or deleting 1, image failed 1, manifest unreadable 1, image without a"
                                + " manifest 1 (100 B; --prune-without-manifest deletes them)\n")
                .contains("  not variants    311 (manifests, checkpoints and other keys: never deleted)\n")
                .contains("  first orphans   ");
        List<String> shown = text.lines()
                .dropWhile(l -> !l.startsWith("  first orphans"))
                .map(String::strip)
                .map(l -> l.replace("first orphans", "").strip())
                .toList();
        assertThat(shown).hasSize(PruneStats.SHOWN);
        assertThat(orphans()).containsAll(shown);
    }

    record Case(String description, List<String> flags, Set<String> deleted) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<Case> deletions() {
        Set<String> withoutManifest = new TreeSet<>(orphans());
        withoutManifest.add("img-6/s150.jpg");
        return Stream.of(
                new Case("--delete: exactly the orphans", List.of("--delete"), orphans()),
                new Case(
                        "--delete --prune-without-manifest: and the old variants of an image without a manifest",
                        List.of("--delete", "--prune-without-manifest"),
                        withoutManifest),
                new Case(
                        "--delete --prefix=img-: only under the prefix",
                        List.of("--delete", "--prefix=img-"),
                        orphans().stream().filter(k -> k.startsWith("img-")).collect(Collectors.toSet())),
                new Case(
                        "--delete --prune-min-age=0s: young objects too",
                        List.of("--delete", "--prune-min-age=0s"),
                        Stream.concat(orphans().stream(), Stream.of("img-2/s150.jpg"))
                                .collect(Collectors.toSet())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("deletions")
    void deleteRemovesExactlyTheOrphansAndKeepsEverythingElse(Case c) throws Exception {
        Set<String> before = keys();

        assertThat(prune(c.flags().toArray(String[]::new))).isEqualTo(Rerender.Outcome.COMPLETED);

        Set<String> expected = new TreeSet<>(before);
        expected.removeAll(c.deleted());
        Set<String> after = keys();
        after.removeIf(k -> k.startsWith("rerender~/prune-")); // this run's checkpoint
        assertThat(after).isEqualTo(expected);
        assertThat(output())
                .contains(String.format(
                        "  deleted         %,d objects%n", c.deleted().size()));
    }

    /**
     * Regression: the listing's key ranges could split an image's variants, so a bucket of one image with six variants
     * printed "6 images with variants" and read its manifest in each range.
     */
    @Test
    void anImageSplitByTheKeyRangesIsJudgedOnce() throws Exception {
        synchronized (bucket) {
            bucket.clear();
        }
        manifest(Manifest.rendered(
                "lot-7",
                Manifest.Source.of("originals", "lot-7.jpg", "e", 1L, null),
                List.of(variant("lot-7", "s150.webp"), variant("lot-7", "m300.jpg")),
                null,
                "ev",
                OLD));
        for (String name : List.of("s150.webp", "m300.jpg", "a.jpg", "b.jpg", "c.jpg", "d.jpg")) {
            put("lot-7/" + name, 100, OLD);
        }

        assertThat(prune("--shards=64")).isEqualTo(Rerender.Outcome.COMPLETED);

        assertThat(output())
                .contains("1 images with variants, 1 manifests read")
                .contains("  would delete    4 objects, 400 B\n");
    }

    @Test
    void rangeBoundariesMoveToTheStartOfTheirImage() {
        assertThat(Prune.imageAligned(List.of(
                        new Checkpoint.Shard(null, "lot-7/c.jpg", null, false),
                        new Checkpoint.Shard("lot-7/c.jpg", "lot-7/m300.jpg", null, false),
                        new Checkpoint.Shard("lot-7/m300.jpg", "lot-8", null, false),
                        new Checkpoint.Shard("lot-8", null, null, false))))
                .containsExactly(
                        new Checkpoint.Shard(null, "lot-7/", null, false),
                        new Checkpoint.Shard("lot-7/", "lot-8", null, false),
                        new Checkpoint.Shard("lot-8", null, null, false));
    }

    @Test
    void aCompletedRunIsNotRunAgainUntilRestart() throws Exception {
        prune("--delete", "--run=weekly");
        assertThat(JSON.readTree(bucket.get("rerender~/weekly.json").bytes())
                        .get("completedAt")
                        .isNull())
                .isFalse();
        put("lot-000/s150.jpg", 100, OLD);

        assertThat(prune("--delete", "--run=weekly")).isEqualTo(Rerender.Outcome.ALREADY_COMPLETED);
        assertThat(output())
                .contains("rerender: prune run weekly already completed at 2026-11-23T12:00:00Z (303 deleted);"
                        + " --restart runs it again");
        assertThat(keys()).contains("lot-000/s150.jpg");

        assertThat(prune("--delete", "--run=weekly", "--restart")).isEqualTo(Rerender.Outcome.COMPLETED);
        assertThat(keys()).doesNotContain("lot-000/s150.jpg");
    }

    /**
     * A run whose deletions fail after 250 of them (storage refuses a batch) saves its position; the next run lists
     * on from there, not from the start of the bucket or of the key range it was in, and ends with every orphan gone,
     * each counted once. At 200 deletions/s a batch is at most 200 keys, so the position moves inside the range of
     * the 300 lots.
     */
    @Test
    void aRunThatFailsMidwayContinuesFromItsCheckpointAndEndsWithEveryOrphanGone() throws Exception {
        refuseAfter = 250;
        String[] flags = {"--delete", "--run=resumed", "--parallelism=1", "--rate=200"};

        assertThatThrownBy(() -> prune(flags))
                .isInstanceOf(StorageRejectedException.class)
                .hasMessage("remove thumbnails refused: AccessDenied Access Denied.");
        long deletedFirst =
                orphans().stream().filter(k -> !bucket.containsKey(k)).count();
        assertThat(deletedFirst).isBetween(1L, 250L);
        Map<String, Long> saved = checkpointCounts("resumed");
        assertThat(saved.get("deleted"))
                .as("the checkpoint counts what was deleted")
                .isEqualTo(deletedFirst);
        int listingsBefore = listedFrom.size();

        assertThat(prune(flags)).isEqualTo(Rerender.Outcome.COMPLETED);

        assertThat(keys()).doesNotContainAnyElementsOf(orphans());
        assertThat(output())
                .contains("rerender: resuming prune run resumed from its checkpoint of 2026-11-23T12:00:00Z ("
                        + deletedFirst + " deleted so far)");
        List<String> resumedFrom = listedFrom.subList(listingsBefore, listedFrom.size());
        assertThat(resumedFrom)
                .as("listed on from inside the lots, not from the start of the bucket or of their range")
                .doesNotContainNull()
                .allMatch(after -> Keys.compare(after, "lot-0") > 0);
        Map<String, Long> counts = checkpointCounts("resumed");
        assertThat(counts)
                .containsEntry("orphans", 303L)
                .containsEntry("deleted", 303L)
                .containsEntry("orphans:s150.jpg", 301L)
                .containsEntry("orphan-bytes:s150.jpg", 30_100L)
                .containsEntry("kept-listed", 604L);
    }

    /** Publishes nothing: a prune never sends an event. */
    private static final class NoSink implements EventSink {
        @Override
        public void send(String topic, String key, Map<String, byte[]> headers, byte[] value) {
            throw new IllegalStateException("a prune publishes nothing");
        }

        @Override
        public void flush() {}

        @Override
        public Exception failure() {
            return null;
        }

        @Override
        public void close() {}
    }
}
