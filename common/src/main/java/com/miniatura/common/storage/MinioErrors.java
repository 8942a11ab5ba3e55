package com.miniatura.common.storage;

import io.minio.errors.ErrorResponseException;
import io.minio.errors.MinioException;
import io.minio.errors.ServerException;
import java.util.Optional;
import java.util.Set;

/** How the MinIO SDK's failures map to {@link StorageUnavailableException} and {@link StorageRejectedException}. */
final class MinioErrors {
    static final Set<String> NOT_FOUND = Set.of("NoSuchKey", "NoSuchBucket", "NoSuchObject");
    static final Set<String> TRANSIENT_CODES =
            Set.of("SlowDown", "ServiceUnavailable", "InternalError", "RequestTimeout", "XMinioServerNotInitialized");

    private MinioErrors() {}

    /**
     * The MinIO SDK reports a server it cannot reach (connection refused, timeout) as an unchecked
     * {@link IllegalStateException} around the I/O error, not as a {@link MinioException}.
     */
    static StorageUnavailableException unreachable(String op, String bucket, String key, Exception e) {
        Throwable root = e.getCause() != null ? e.getCause() : e;
        return new StorageUnavailableException(
                op + " " + bucket + (key.isEmpty() ? "" : "/" + key) + " failed: " + root, e);
    }

    static <T> Optional<T> notFoundOrThrow(MinioException e, String op, String bucket, String key) {
        if (isCode(e, NOT_FOUND)) {
            return Optional.empty();
        }
        throw classify(e, op, bucket, key);
    }

    static boolean isCode(MinioException e, Set<String> codes) {
        return e instanceof ErrorResponseException err
                && codes.contains(err.errorResponse().code());
    }

    static RuntimeException classify(MinioException e, String op, String bucket, String key) {
        String where = op + " " + bucket + (key.isEmpty() ? "" : "/" + key);
        if (e instanceof ErrorResponseException err) {
            String code = err.errorResponse().code();
            int status = err.response() == null ? 0 : err.response().code();
            if (status >= 500 || TRANSIENT_CODES.contains(code)) {
                return new StorageUnavailableException(
                        where + " failed: " + code + " " + err.errorResponse().message(), e);
            }
            return new StorageRejectedException(
                    where + " refused: " + code + " " + err.errorResponse().message(), e);
        }
        if (e instanceof ServerException server && server.statusCode() < 500) {
            return new StorageRejectedException(where + " refused: HTTP " + server.statusCode(), e);
        }
        Throwable root = e.getCause() != null ? e.getCause() : e;
        return new StorageUnavailableException(where + " failed: " + root, e);
    }

    static String stripQuotes(String etag) {
        if (etag != null && etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")) {
            return etag.substring(1, etag.length() - 1);
        }
        return etag;
    }
}
