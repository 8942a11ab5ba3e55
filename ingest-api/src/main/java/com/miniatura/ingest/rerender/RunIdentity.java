package com.miniatura.ingest.rerender;

import com.miniatura.common.catalog.VariantCatalog;
import com.miniatura.common.catalog.VariantSpec;
import com.miniatura.common.storage.ManifestStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * A run's identity: the variants it renders, its fingerprint (what it does) and its name, and the checkpoint it
 * resumes. A checkpoint is resumed only by a run with the same fingerprint.
 *
 * @param run         the run's name: {@code --run}, or its mode and fingerprint
 * @param fingerprint what the run does ({@link #fingerprint(RerenderOptions, List)})
 * @param wanted      the catalog's variants the run renders ({@code --variants}, or all of them)
 */
record RunIdentity(String run, String fingerprint, List<VariantSpec> wanted) {

    /** The identity of a run of {@code options}; refuses {@code --variants} the catalog does not have. */
    static RunIdentity of(RerenderOptions options, VariantCatalog catalog) {
        List<String> unknown = options.variants() == null
                ? List.of()
                : options.variants().stream()
                        .filter(name -> catalog.variants().stream()
                                .noneMatch(v -> v.name().equals(name)))
                        .toList();
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("--variants: " + String.join(", ", unknown)
                    + " not in the catalog (it has "
                    + String.join(
                            ", ",
                            catalog.variants().stream().map(VariantSpec::name).toList()) + ")");
        }
        List<VariantSpec> wanted = options.variants() == null
                ? catalog.variants()
                : catalog.variants().stream()
                        .filter(v -> options.variants().contains(v.name()))
                        .toList();
        String fingerprint = fingerprint(options, wanted);
        String run = options.run() != null
                ? options.run()
                : (options.prune() != null ? "prune" : options.mode().name().toLowerCase(Locale.ROOT)) + "-"
                        + fingerprint.substring(0, 12);
        return new RunIdentity(run, fingerprint, wanted);
    }

    /**
     * The run's identity: its source, mode and variants with their spec hashes. A catalog change makes a new run
     * (the old one's checkpoint says nothing about the new variants); the rate, parallelism and such do not.
     */
    private static String fingerprint(RerenderOptions options, List<VariantSpec> wanted) {
        StringBuilder b = new StringBuilder(options.describeSource())
                .append('|')
                .append(options.mode())
                .append('|')
                .append(options.idFrom());
        if (options.prune() != null) {
            b.append("|prune");
        }
        wanted.forEach(v -> b.append('|').append(v.name()).append('@').append(v.specHash()));
        if (options.fromFile() != null) {
            try {
                b.append('|').append(Files.size(options.fromFile()));
            } catch (IOException e) {
                // the run fails on reading it; the fingerprint does not matter then
            }
        }
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256")
                            .digest(b.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The checkpoint this run resumes: {@code null} when there is none or {@code restart}; refused when it was made by
     * a run with another fingerprint under the same name.
     */
    Checkpoint resumable(ManifestStore checkpoints, Retry retry, boolean restart) {
        Checkpoint checkpoint =
                retry.call(() -> Checkpoint.load(checkpoints, run)).orElse(null);
        if (checkpoint == null || restart) {
            return null;
        }
        if (!checkpoint.fingerprint().equals(fingerprint)) {
            throw new IllegalArgumentException("run " + run + " has a checkpoint (" + checkpoints.bucket() + "/"
                    + Checkpoint.key(run) + ") made for other options or another catalog: pass --restart to start it"
                    + " over, or another --run name");
        }
        return checkpoint;
    }
}
