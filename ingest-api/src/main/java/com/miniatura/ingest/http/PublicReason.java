package com.miniatura.ingest.http;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A failure reason as anyone may read it (the status API, the image page). Workers word reasons for the public: the
 * problem, never a bucket or key, storage's error or a file's bytes. Status documents written before they did still
 * hold such reasons; those are reworded here the way a worker words them now, so that no reader learns from them which
 * objects exist or what a file begins with.
 */
final class PublicReason {
    private record Rewording(Pattern stored, String shown) {}

    private static final List<Rewording> LEGACY = List.of(
            new Rewording(Pattern.compile("original not found: .*", Pattern.DOTALL), "original not found"),
            new Rewording(
                    Pattern.compile("original cannot be read: (?!storage refused to serve it$).*", Pattern.DOTALL),
                    "original cannot be read: storage refused to serve it"),
            new Rewording(
                    Pattern.compile(
                            "source too large: .+ has ((?:more than )?\\d+) bytes, over the limit of (\\d+)",
                            Pattern.DOTALL),
                    "source too large: the original has $1 bytes, over the limit of $2"),
            new Rewording(
                    Pattern.compile("unsupported format: not a recognised image \\(starts with [^)]*\\)"),
                    "unsupported format: not a recognised image"),
            new Rewording(
                    Pattern.compile("unsupported format: ISO media file \\(brand .*\\), not an image", Pattern.DOTALL),
                    "unsupported format: ISO media file, not an image"));

    private PublicReason() {}

    /** {@code stored} as the public may read it; {@code null} stays {@code null}. */
    static String of(String stored) {
        if (stored == null) {
            return null;
        }
        for (Rewording rewording : LEGACY) {
            Matcher matcher = rewording.stored().matcher(stored);
            if (matcher.matches()) {
                return matcher.replaceFirst(rewording.shown());
            }
        }
        return stored;
    }
}
