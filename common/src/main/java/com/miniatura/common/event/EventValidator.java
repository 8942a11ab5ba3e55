package com.miniatura.common.event;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Validates {@link ImageUploaded} payloads; the same rules apply at the HTTP edge and in the worker.
 * Field names in errors are prefixed with the caller's path, e.g. {@code events[3].key}.
 */
public final class EventValidator {
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern MEDIA_TYPE =
            Pattern.compile("[A-Za-z0-9!#$&^_.+-]{1,64}/[A-Za-z0-9!#$&^_.+-]{1,64}(\\s*;.*)?");
    private static final int MAX_ETAG = 256;

    private EventValidator() {}

    /** Every problem of {@code data}, each naming its field under {@code path} (empty for top level). */
    public static List<FieldError> validate(ImageUploaded data, String path) {
        List<FieldError> errors = new ArrayList<>();
        checkId(errors, path + "imageId", data.imageId(), true);
        checkId(errors, path + "lotId", data.lotId(), false);
        if (data.bucket() == null || data.bucket().isEmpty()) {
            errors.add(new FieldError(path + "bucket", "is required"));
        } else if (!BUCKET.matcher(data.bucket()).matches() || data.bucket().contains("..")) {
            errors.add(new FieldError(
                    path + "bucket", "must be a bucket name of 3-63 lower-case letters, digits, dots and dashes"));
        }
        String keyProblem = keyProblem(data.key());
        if (keyProblem != null) {
            errors.add(new FieldError(path + "key", keyProblem));
        }
        if (data.etag() != null && (data.etag().length() > MAX_ETAG || hasControl(data.etag()))) {
            errors.add(new FieldError(
                    path + "etag", "must be at most " + MAX_ETAG + " characters without control characters"));
        }
        if (data.size() != null && data.size() < 0) {
            errors.add(new FieldError(path + "size", "must not be negative"));
        }
        if (data.contentType() != null
                && !MEDIA_TYPE.matcher(data.contentType()).matches()) {
            errors.add(new FieldError(path + "contentType", "must be a media type such as image/jpeg"));
        }
        String variantsProblem = variantsProblem(data.variants());
        if (variantsProblem != null) {
            errors.add(new FieldError(path + "variants", variantsProblem));
        }
        return errors;
    }

    /** The problem with an imageId, or {@code null} if it is valid. */
    public static String imageIdProblem(String imageId) {
        if (imageId == null || imageId.isEmpty()) {
            return "is required";
        }
        if (!EventContract.IMAGE_ID.matcher(imageId).matches()) {
            return "must be 1-128 characters of A-Z, a-z, 0-9, '.', '_' or '-'";
        }
        if (imageId.chars().allMatch(c -> c == '.')) {
            return "must not consist of dots only";
        }
        return null;
    }

    /** The problem with a {@code variants} list (absent is fine), or {@code null} if it is valid. */
    public static String variantsProblem(List<String> variants) {
        if (variants == null) {
            return null;
        }
        if (variants.isEmpty()) {
            return "must name at least one variant when present (leave it out for every variant)";
        }
        if (variants.size() > EventContract.MAX_VARIANTS) {
            return "must name at most " + EventContract.MAX_VARIANTS + " variants but named " + variants.size();
        }
        for (String name : variants) {
            if (!EventContract.VARIANT_NAME.matcher(name).matches()) {
                return "must be variant names of 1-32 lower-case letters, digits or '-' but had \"" + name + "\"";
            }
        }
        if (new HashSet<>(variants).size() != variants.size()) {
            return "must not name a variant twice";
        }
        return null;
    }

    /** The problem with an object key, or {@code null} if it is valid. */
    public static String keyProblem(String key) {
        if (key == null || key.isEmpty()) {
            return "is required";
        }
        if (key.startsWith("/")) {
            return "must be relative (must not start with '/')";
        }
        if (key.contains("..")) {
            return "must not contain '..'";
        }
        if (hasControl(key)) {
            return "must not contain control characters";
        }
        int bytes = key.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > EventContract.MAX_KEY_BYTES) {
            return "must be at most " + EventContract.MAX_KEY_BYTES + " bytes in UTF-8 but was " + bytes;
        }
        return null;
    }

    private static void checkId(List<FieldError> errors, String field, String value, boolean required) {
        if (value == null && !required) {
            return;
        }
        String problem = imageIdProblem(value);
        if (problem != null) {
            errors.add(new FieldError(field, problem));
        }
    }

    private static boolean hasControl(String s) {
        return s.chars().anyMatch(c -> c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0));
    }
}
