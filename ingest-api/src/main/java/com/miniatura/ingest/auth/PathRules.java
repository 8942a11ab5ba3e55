package com.miniatura.ingest.auth;

import java.util.Locale;

/**
 * The request paths this service takes: none with a {@code ;} (path parameters, which Spring MVC strips before
 * routing), an encoded slash or backslash ({@code %2F}, {@code %5C}, in either case) or a backslash, an empty
 * segment ({@code //}) or a dot segment ({@code .} or {@code ..}, encoded or not). Every one of them lets two
 * different strings reach one handler, which is how a check made on the string and a route taken on the decoded
 * path come apart; none is needed by a client of this API.
 */
final class PathRules {
    private PathRules() {}

    /** What is wrong with the raw request path (as sent, not decoded), or null. */
    static String problem(String rawPath) {
        if (rawPath.indexOf(';') >= 0) {
            return "must not contain ';' (path parameters are not accepted)";
        }
        String lower = rawPath.toLowerCase(Locale.ROOT);
        if (lower.contains("%2f") || lower.contains("%5c") || rawPath.indexOf('\\') >= 0) {
            return "must not contain an encoded slash (%2F), a backslash or an encoded backslash (%5C)";
        }
        String[] segments = rawPath.split("/", -1);
        for (int i = 1; i < segments.length; i++) {
            String segment = segments[i].toLowerCase(Locale.ROOT).replace("%2e", ".");
            if (segment.equals(".") || segment.equals("..")) {
                return "must not contain a dot segment (. or .., encoded or not)";
            }
            if (segment.isEmpty() && i < segments.length - 1) {
                return "must not contain an empty segment (//)";
            }
        }
        return null;
    }
}
