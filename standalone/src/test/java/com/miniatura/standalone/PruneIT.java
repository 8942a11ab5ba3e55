package com.miniatura.standalone;

import static com.miniatura.standalone.Services.freePort;
import static org.assertj.core.api.Assertions.assertThat;

import com.miniatura.common.storage.MinioObjectStore;
import com.miniatura.common.storage.ObjectStore;
import com.miniatura.common.storage.PutOptions;
import com.miniatura.common.storage.StorageSettings;
import com.miniatura.ingest.rerender.RerenderCommand;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rerender --prune} through the command against the standalone's S3 server: a real listing, and deletions in
 * multi-object requests of up to 1,000 keys. Images here have no manifest, the case a prune leaves alone unless told
 * ({@code --prune-without-manifest}); which objects are orphans is {@code PruneTest}'s subject.
 */
class PruneIT {
    private static final int ORPHANS = 1_500;

    @TempDir
    Path dataDir;

    private final int s3Port = freePort();

    PruneIT() throws IOException {}

    private ObjectStore store() {
        return new MinioObjectStore(new StorageSettings(
                "http://localhost:" + s3Port,
                "us-east-1",
                "minioadmin",
                "minioadmin",
                "originals",
                "thumbnails",
                null,
                false));
    }

    /** Runs {@code rerender} in this JVM (the jar's own entry point); its output, and its status in {@code status[0]}. */
    private String rerender(int[] status, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--miniatura.storage.endpoint=http://localhost:" + s3Port);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        status[0] = RerenderCommand.run(
                all.toArray(String[]::new),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        String output = out.toString(StandardCharsets.UTF_8);
        System.out.println(output);
        return output;
    }

    private Set<String> keys(ObjectStore store) {
        Set<String> keys = new TreeSet<>();
        store.list("thumbnails", null, null, false).forEachRemaining(o -> keys.add(o.key()));
        return keys;
    }

    @Test
    void aPruneDeletesOldVariantsInBatchesAndNothingElse() throws Exception {
        try (StandaloneMain infra = StandaloneMain.start(
                "--miniatura.standalone.components=s3",
                "--miniatura.standalone.data-dir=" + dataDir,
                "--miniatura.standalone.s3-port=" + s3Port)) {
            ObjectStore store = store();
            store.ensureBucket("thumbnails");
            ExecutorService pool = Executors.newFixedThreadPool(16);
            List<Future<?>> puts = new ArrayList<>();
            for (int i = 0; i < ORPHANS; i++) {
                String key = String.format("gone-%04d/s150.jpg", i);
                puts.add(pool.submit(() -> store.put("thumbnails", key, new byte[100], PutOptions.of("image/jpeg"))));
            }
            for (Future<?> put : puts) {
                put.get();
            }
            pool.shutdown();
            Set<String> kept =
                    Set.of("rerender~/weekly-old.json", "gone-0001/notes.txt", "gone-0001/x/s150.jpg", "stray.jpg");
            for (String key : kept) {
                store.put("thumbnails", key, new byte[1], PutOptions.of("application/octet-stream"));
            }

            int[] status = new int[1];
            String output = rerender(status, "--prune", "--prune-without-manifest", "--progress=none");
            assertThat(status[0]).as(output).isZero();
            assertThat(output)
                    .as("everything was stored just now: younger than 24h")
                    .contains("would delete    0 objects, 0 B")
                    .contains("younger than 24h 1,500");
            assertThat(keys(store)).hasSize(ORPHANS + kept.size());

            output = rerender(status, "--prune", "--prune-without-manifest", "--prune-min-age=0s", "--progress=none");
            assertThat(status[0]).as(output).isZero();
            assertThat(output)
                    .contains("would delete    1,500 objects, 146.5 KB")
                    .contains("    s150.jpg:     1,500 objects");
            assertThat(keys(store)).hasSize(ORPHANS + kept.size());

            output = rerender(
                    status,
                    "--prune",
                    "--delete",
                    "--prune-without-manifest",
                    "--prune-min-age=0s",
                    "--progress=none",
                    "--run=it");
            assertThat(status[0]).as(output).isZero();
            assertThat(output).contains("deleted         1,500 objects\n");
            Set<String> left = keys(store);
            left.remove("rerender~/it.json"); // the run's checkpoint, wherever checkpoints are kept
            assertThat(left).containsExactlyInAnyOrderElementsOf(kept);

            output = rerender(
                    status,
                    "--prune",
                    "--delete",
                    "--prune-without-manifest",
                    "--prune-min-age=0s",
                    "--progress=none",
                    "--run=it");
            assertThat(status[0]).isZero();
            assertThat(output).contains("rerender: prune run it already completed");
        }
    }
}
