package com.miniatura.common.testing;

import java.util.Arrays;
import java.util.List;
import java.util.function.BiPredicate;

/**
 * Findings of the fuzz tests, in every module, that are reported but not fixed yet (docs/fuzzing.md). The fuzz
 * tests skip an input that fails in exactly one of these ways, so that their committed crash seeds and the CI fuzz
 * budget stay green while the fix is pending; everything else still fails. Each entry has a regression test marked
 * {@code @Disabled("finding: ...")}: fixing the bug means deleting the entry and enabling that test.
 */
public final class KnownFindings {

    /** An open finding: what it is called in docs/fuzzing.md and how its failure looks. */
    public record Finding(String id, BiPredicate<Throwable, byte[]> failure) {

        /** An exception of {@code type} thrown from {@code className.method}. */
        static Finding thrownFrom(String id, Class<? extends Throwable> type, String className, String method) {
            return new Finding(
                    id,
                    (t, input) -> type.isInstance(t)
                            && Arrays.stream(t.getStackTrace())
                                    .anyMatch(f -> f.getClassName().equals(className)
                                            && f.getMethodName().equals(method)));
        }

        /** As {@link #thrownFrom(String, Class, String, String)}, with a message that contains {@code text}. */
        static Finding thrownFrom(
                String id, Class<? extends Throwable> type, String className, String method, String text) {
            Finding thrown = thrownFrom(id, type, className, method);
            return new Finding(
                    id,
                    (t, input) -> thrown.failure().test(t, input)
                            && t.getMessage() != null
                            && t.getMessage().contains(text));
        }

        /** A failed assertion of a fuzz test whose message starts with {@code prefix}. */
        static Finding assertion(String id, String prefix) {
            return new Finding(
                    id,
                    (t, input) -> t instanceof AssertionError
                            && t.getMessage() != null
                            && t.getMessage().startsWith(prefix));
        }
    }

    /** None open: F1-F9 are fixed, each pinned by its regression test (docs/fuzzing.md). */
    public static final List<Finding> OPEN = List.of();

    @FunctionalInterface
    public interface Action<E extends Exception> {
        void run() throws E;
    }

    private KnownFindings() {}

    /** Runs {@code action}: false when it returns, true when it fails as an {@link #OPEN} finding; else rethrows. */
    public static <E extends Exception> boolean tolerated(Action<E> action) throws E {
        return tolerated(null, action);
    }

    /** As {@link #tolerated(Action)}, for findings that are told by the {@code input} too. */
    public static <E extends Exception> boolean tolerated(byte[] input, Action<E> action) throws E {
        try {
            action.run();
            return false;
        } catch (RuntimeException | Error e) {
            for (Finding finding : OPEN) {
                if (finding.failure().test(e, input)) {
                    return true;
                }
            }
            throw e;
        }
    }
}
