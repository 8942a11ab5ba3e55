package com.miniatura.ingest.replay;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which dead letters {@code replay-dlq} re-publishes.
 *
 * @param reasonContains keep dead letters whose reason contains this text (any case), or {@code null}
 * @param errorClass     keep dead letters whose error class is this (fully qualified or simple name), or {@code null}
 * @param dryRun         only count and show what would be replayed
 * @param limit          replay at most this many
 */
public record ReplayOptions(String reasonContains, String errorClass, boolean dryRun, long limit) {

    boolean matches(String actualClass, String reason) {
        if (errorClass != null
                && (actualClass == null
                        || !(actualClass.equals(errorClass) || actualClass.endsWith("." + errorClass)))) {
            return false;
        }
        return reasonContains == null
                || (reason != null
                        && reason.toLowerCase(Locale.ROOT).contains(reasonContains.toLowerCase(Locale.ROOT)));
    }

    String describe() {
        List<String> parts = new ArrayList<>();
        if (errorClass != null) {
            parts.add("error class " + errorClass);
        }
        if (reasonContains != null) {
            parts.add("reason containing \"" + reasonContains + "\"");
        }
        if (limit != Long.MAX_VALUE) {
            parts.add("at most " + limit);
        }
        return parts.isEmpty() ? "(all)" : String.join(", ", parts);
    }
}
