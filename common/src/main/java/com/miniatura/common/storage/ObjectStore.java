package com.miniatura.common.storage;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.GetObjectResponse;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.ObjectWriteResponse;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.RemoveObjectsArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.UploadObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.errors.MinioException;
import io.minio.errors.ServerException;
import io.minio.messages.DeleteRequest;
import io.minio.messages.DeleteResult;
import io.minio.messages.Item;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The few object-storage operations the pipeline needs, over the MinIO SDK, with errors typed as
 * transient ({@link StorageUnavailableException}) or permanent ({@link StorageRejectedException}).
 * Missing objects are {@link Optional#empty()}, not errors.
 */
public final class ObjectStore {
    private static final Set<String> NOT_FOUND = Set.of("NoSuchKey", "NoSuchBucket", "NoSuchObject");
    private static final Set<String> TRANSIENT_CODES =
            Set.of("SlowDown", "ServiceUnavailable", "InternalError", "RequestTimeout", "XMinioServerNotInitialized");

    private static final Logger log = LoggerFactory.getLogger(ObjectStore.class);

    private final MinioClient client;
    private final StorageSettings settings;

    public ObjectStore(StorageSettings settings) {
        this.settings = settings;
        OkHttpClient http = new OkHttpClient.Builder()
                .connectTimeout(5, TimeUnit.SECONDS)
                .readTimeout(30, TimeUnit.SECONDS)
                .writeTimeout(30, TimeUnit.SECONDS)
                // S3 servers close keep-alive connections idle for some seconds; OkHttp then retries the request
                // once on a fresh connection instead of failing the first request after every quiet spell
                // (seen as "EOFException: \n not found" deliveries in FaultInjectionIT).
                .retryOnConnectionFailure(true)
                .build();
        this.client = MinioClient.builder()
                .endpoint(settings.endpoint())
                .region(settings.region())
                .credentials(settings.accessKey(), settings.secretKey())
                .httpClient(http, true)
                .build();
    }

    public StorageSettings settings() {
        return settings;
    }

    /** Reads a whole object, refusing (without reading on) one larger than {@code maxBytes}. */
    public Optional<StoredObject> get(String bucket, String key, long maxBytes) {
        try (GetObjectResponse response = client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
            String length = response.headers().get("Content-Length");
            long declared = length == null ? -1 : Long.parseLong(length);
            if (declared > maxBytes) {
                throw new ObjectTooLargeException(bucket, key, declared, maxBytes);
            }
            byte[] bytes = read(response, declared, maxBytes, bucket, key);
            Map<String, String> metadata = new LinkedHashMap<>();
            response.headers().names().stream()
                    .filter(n -> n.toLowerCase().startsWith("x-amz-meta-"))
                    .forEach(n -> metadata.put(n.substring("x-amz-meta-".length()).toLowerCase(), response.headers().get(n)));
            return Optional.of(new StoredObject(
                    bytes, stripQuotes(response.headers().get("ETag")), response.headers().get("Content-Type"), metadata));
        } catch (ObjectTooLargeException e) {
            throw e;
        } catch (MinioException e) {
            return notFoundOrThrow(e, "get", bucket, key);
        } catch (IOException | IllegalStateException e) {
            throw unreachable("get", bucket, key, e);
        }
    }

    /**
     * {@link #get}, for objects that are often absent (a manifest before the first render): a HEAD first, and the
     * GET only when it exists. The MinIO SDK parses a GET's 404 error body with a new simple-xml {@code Persister}
     * each time, whose class lookups cost ~20 ms of CPU in a packaged Spring Boot jar (measured: 20,000 manifest
     * checks took 414 s with GETs, 27 s with HEADs first); a HEAD's 404 has no body to parse.
     */
    public Optional<StoredObject> getIfExists(String bucket, String key, long maxBytes) {
        return etag(bucket, key).isEmpty() ? Optional.empty() : get(bucket, key, maxBytes);
    }

    /**
     * The ETag of an object, without reading it (a HEAD request); empty when there is no such object.
     * Used to tell whether an original changed since it was rendered.
     */
    public Optional<String> etag(String bucket, String key) {
        try {
            StatObjectResponse stat = client.statObject(StatObjectArgs.builder().bucket(bucket).object(key).build());
            return Optional.ofNullable(stripQuotes(stat.etag()));
        } catch (MinioException e) {
            return notFoundOrThrow(e, "stat", bucket, key);
        } catch (IllegalStateException e) {
            throw unreachable("stat", bucket, key, e);
        }
    }

    /**
     * Writes an object.
     *
     * @return the stored object's ETag
     */
    public String put(String bucket, String key, byte[] bytes, String contentType, String cacheControl,
                      Map<String, String> userMetadata) {
        PutObjectArgs.Builder args = PutObjectArgs.builder()
                .bucket(bucket)
                .object(key)
                .data(bytes, bytes.length)
                .contentType(contentType)
                .userMetadata(userMetadata);
        if (cacheControl != null) {
            args.headers(Map.of("Cache-Control", cacheControl));
        }
        try {
            ObjectWriteResponse response = client.putObject(args.build());
            return stripQuotes(response.etag());
        } catch (MinioException e) {
            throw classify(e, "put", bucket, key);
        } catch (IllegalStateException e) {
            throw unreachable("put", bucket, key, e);
        }
    }

    /** S3's largest single PUT; larger files would be sent in parts, each buffered in the heap by the SDK. */
    private static final long MAX_SINGLE_PUT = 5L * 1024 * 1024 * 1024;
    /** The SDK's smallest part size, which it also requires of a single PUT's declared part size. */
    private static final long MIN_PART = 5L * 1024 * 1024;

    /**
     * Writes an object from a file, streamed from disk in one PUT: the SDK reads a file sent as a single part
     * straight from it, where a stream or a multipart upload is buffered a part at a time in the heap.
     *
     * @return the stored object's ETag
     */
    public String putFile(String bucket, String key, Path file, String contentType, Map<String, String> userMetadata) {
        try {
            long size = Files.size(file);
            if (size > MAX_SINGLE_PUT) {
                throw new StorageRejectedException("put " + bucket + "/" + key + " refused: " + size
                        + " bytes is more than one PUT may carry (" + MAX_SINGLE_PUT + ")", null);
            }
            ObjectWriteResponse response = client.uploadObject(UploadObjectArgs.builder()
                    .bucket(bucket)
                    .object(key)
                    .filename(file.toString(), Math.max(size, MIN_PART))
                    .contentType(contentType)
                    .userMetadata(userMetadata)
                    .build());
            return stripQuotes(response.etag());
        } catch (MinioException e) {
            throw classify(e, "put", bucket, key);
        } catch (IOException e) {
            throw new UncheckedIOException("put " + bucket + "/" + key + ": cannot read " + file, e);
        } catch (IllegalStateException e) {
            throw unreachable("put", bucket, key, e);
        }
    }

    /** Every key in {@code bucket} that starts with {@code prefix}, however deep (for erasing an image). */
    public List<String> keys(String bucket, String prefix) {
        List<String> keys = new ArrayList<>();
        try {
            for (Result<Item> item : client.listObjects(
                    ListObjectsArgs.builder().bucket(bucket).prefix(prefix).recursive(true).build())) {
                keys.add(item.get().objectName());
            }
        } catch (MinioException e) {
            if (e instanceof ErrorResponseException err && "NoSuchBucket".equals(err.errorResponse().code())) {
                return List.of();
            }
            throw classify(e, "list", bucket, prefix);
        } catch (IllegalStateException e) {
            throw unreachable("list", bucket, prefix, e);
        }
        return keys;
    }

    /**
     * One object of a listing.
     *
     * @param userMetadata its {@code x-amz-meta-*} headers (names lower case, without the prefix) when the server
     *                     lists them (MinIO does, on request), else {@code null}: then {@link #metadata} tells
     */
    public record Listed(String key, String etag, long size, Instant lastModified, Map<String, String> userMetadata) {}

    /**
     * The objects of {@code bucket} whose keys start with {@code prefix} and sort after {@code startAfter} (none:
     * from the first), in key order, fetched a page at a time as the iterator is read. With
     * {@code withMetadata} the server is asked to include user metadata (a MinIO extension other servers ignore).
     * Iterating throws {@link StorageUnavailableException} or {@link StorageRejectedException}; a missing bucket
     * lists nothing.
     */
    public Iterator<Listed> list(String bucket, String prefix, String startAfter, boolean withMetadata) {
        ListObjectsArgs.Builder args = ListObjectsArgs.builder().bucket(bucket).recursive(true).maxKeys(1000);
        if (prefix != null && !prefix.isEmpty()) {
            args.prefix(prefix);
        }
        if (startAfter != null && !startAfter.isEmpty()) {
            args.startAfter(startAfter);
        }
        if (withMetadata) {
            args.includeUserMetadata(true);
        }
        Iterator<Result<Item>> items = client.listObjects(args.build()).iterator();
        String where = prefix == null ? "" : prefix;
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                try {
                    return items.hasNext();
                } catch (IllegalStateException e) {
                    throw unreachable("list", bucket, where, e);
                }
            }

            @Override
            public Listed next() {
                try {
                    Item item = items.next().get();
                    Map<String, String> metadata = null;
                    if (item.userMetadata() != null && !item.userMetadata().isEmpty()) {
                        metadata = new LinkedHashMap<>();
                        for (Map.Entry<String, String> e : item.userMetadata().entrySet()) {
                            String name = e.getKey().toLowerCase(java.util.Locale.ROOT);
                            metadata.put(name.startsWith("x-amz-meta-") ? name.substring("x-amz-meta-".length()) : name, e.getValue());
                        }
                    }
                    return new Listed(item.objectName(), stripQuotes(item.etag()), item.size(),
                            item.lastModified() == null ? null : item.lastModified().toInstant(), metadata);
                } catch (ErrorResponseException e) {
                    if ("NoSuchBucket".equals(e.errorResponse().code())) {
                        throw new StorageRejectedException("list " + bucket + " refused: NoSuchBucket", e);
                    }
                    throw classify(e, "list", bucket, where);
                } catch (MinioException e) {
                    throw classify(e, "list", bucket, where);
                } catch (IllegalStateException e) {
                    throw unreachable("list", bucket, where, e);
                }
            }
        };
    }

    /**
     * The first key under {@code prefix} after {@code startAfter} ({@code null}: the first of all), by a listing of
     * one key; empty when there is none (or no such bucket).
     */
    public Optional<String> firstKey(String bucket, String prefix, String startAfter) {
        ListObjectsArgs.Builder args = ListObjectsArgs.builder().bucket(bucket).recursive(true).maxKeys(1);
        if (prefix != null && !prefix.isEmpty()) {
            args.prefix(prefix);
        }
        if (startAfter != null && !startAfter.isEmpty()) {
            args.startAfter(startAfter);
        }
        Iterator<Result<Item>> items = client.listObjects(args.build()).iterator();
        try {
            return items.hasNext() ? Optional.of(items.next().get().objectName()) : Optional.empty();
        } catch (ErrorResponseException e) {
            if ("NoSuchBucket".equals(e.errorResponse().code())) {
                return Optional.empty();
            }
            throw classify(e, "list", bucket, prefix == null ? "" : prefix);
        } catch (MinioException e) {
            throw classify(e, "list", bucket, prefix == null ? "" : prefix);
        } catch (IllegalStateException e) {
            throw unreachable("list", bucket, prefix == null ? "" : prefix, e);
        }
    }

    /** An object's user metadata ({@code x-amz-meta-*}, names lower case without the prefix), by a HEAD request. */
    public Optional<Map<String, String>> metadata(String bucket, String key) {
        return head(bucket, key).map(ObjectHead::userMetadata);
    }

    /**
     * What storage says of an object, by a HEAD request (nothing is read): its ETag, size, type, time and user metadata;
     * empty when there is no such object.
     */
    public Optional<ObjectHead> head(String bucket, String key) {
        try {
            StatObjectResponse stat = client.statObject(StatObjectArgs.builder().bucket(bucket).object(key).build());
            Map<String, String> metadata = new LinkedHashMap<>();
            stat.headers().names().stream()
                    .filter(n -> n.toLowerCase(java.util.Locale.ROOT).startsWith("x-amz-meta-"))
                    .forEach(n -> metadata.put(n.substring("x-amz-meta-".length()).toLowerCase(java.util.Locale.ROOT),
                            stat.headers().get(n)));
            return Optional.of(new ObjectHead(stripQuotes(stat.etag()), stat.size(), stat.contentType(),
                    stat.lastModified() == null ? null : stat.lastModified().toInstant(), metadata));
        } catch (MinioException e) {
            return notFoundOrThrow(e, "stat", bucket, key);
        } catch (IllegalStateException e) {
            throw unreachable("stat", bucket, key, e);
        }
    }

    /** Removes an object; removing one that does not exist is not an error (S3 semantics). */
    public void remove(String bucket, String key) {
        try {
            client.removeObject(RemoveObjectArgs.builder().bucket(bucket).object(key).build());
        } catch (MinioException e) {
            throw classify(e, "remove", bucket, key);
        } catch (IllegalStateException e) {
            throw unreachable("remove", bucket, key, e);
        }
    }

    /**
     * Removes objects with S3's multi-object delete, up to 1,000 keys a request; removing one that does not exist is
     * not an error. Returns what storage refused to remove, key → its error code and message. A request that fails as a
     * whole, or a key answered with a transient error ({@code SlowDown}, {@code InternalError}…), throws
     * {@link StorageUnavailableException}: removing the same keys again is harmless.
     */
    public Map<String, String> removeAll(String bucket, Collection<String> keys) {
        Map<String, String> refused = new LinkedHashMap<>();
        if (keys.isEmpty()) {
            return refused;
        }
        List<DeleteRequest.Object> objects = keys.stream().map(DeleteRequest.Object::new).toList();
        try {
            // lazy: the requests are sent as the results are read
            for (Result<DeleteResult.Error> result : client.removeObjects(
                    RemoveObjectsArgs.builder().bucket(bucket).objects(objects).build())) {
                DeleteResult.Error error = result.get();
                if (NOT_FOUND.contains(error.code())) {
                    continue;
                }
                if (TRANSIENT_CODES.contains(error.code())) {
                    throw new StorageUnavailableException("remove " + bucket + "/" + error.objectName() + " failed: "
                            + error.code() + " " + error.message(), null);
                }
                refused.put(error.objectName(), error.code() + " " + error.message());
            }
        } catch (MinioException e) {
            throw classify(e, "remove", bucket, "");
        } catch (IllegalStateException e) {
            throw unreachable("remove", bucket, "", e);
        }
        return refused;
    }

    public boolean bucketExists(String bucket) {
        try {
            return client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build());
        } catch (MinioException e) {
            throw classify(e, "check bucket", bucket, "");
        } catch (IllegalStateException e) {
            throw unreachable("check bucket", bucket, "", e);
        }
    }

    /**
     * When {@code miniatura.storage.create-buckets} is on (standalone, dev), creates the missing ones of
     * {@code buckets}. A failure is logged, not thrown: storage may come up after the service, and the
     * {@code storage} health indicator reports it meanwhile.
     */
    public void ensureBucketsIfConfigured(String... buckets) {
        if (!settings.createBuckets()) {
            return;
        }
        for (String bucket : buckets) {
            try {
                ensureBucket(bucket);
            } catch (RuntimeException e) {
                log.warn("Could not ensure bucket {} at {}: {}", bucket, settings.endpoint(), e.getMessage());
            }
        }
    }

    /** Creates {@code bucket} unless it exists. */
    public void ensureBucket(String bucket) {
        if (!bucketExists(bucket)) {
            try {
                client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
            } catch (ErrorResponseException e) {
                if (!"BucketAlreadyOwnedByYou".equals(e.errorResponse().code())) {
                    throw classify(e, "create bucket", bucket, "");
                }
            } catch (MinioException e) {
                throw classify(e, "create bucket", bucket, "");
            } catch (IllegalStateException e) {
                throw unreachable("create bucket", bucket, "", e);
            }
        }
    }

    /**
     * The MinIO SDK reports a server it cannot reach (connection refused, timeout) as an unchecked
     * {@link IllegalStateException} around the I/O error, not as a {@link MinioException}.
     */
    private static StorageUnavailableException unreachable(String op, String bucket, String key, Exception e) {
        Throwable root = e.getCause() != null ? e.getCause() : e;
        return new StorageUnavailableException(
                op + " " + bucket + (key.isEmpty() ? "" : "/" + key) + " failed: " + root, e);
    }

    /** The largest array a JVM allocates (a few header words below {@link Integer#MAX_VALUE}). */
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

    /**
     * The whole body. With a declared length it is read straight into an array of that size, so a 50 MB original
     * costs 50 MB (a growing buffer held 114 MB for it at its peak: its last doubling to 64 MB, then the copy out).
     * Without one, or should more follow than declared, it is read on up to {@code maxBytes} and refused beyond.
     */
    private static byte[] read(InputStream in, long declared, long maxBytes, String bucket, String key) throws IOException {
        long limit = Math.min(maxBytes, MAX_ARRAY);
        if (declared > limit) {
            throw new ObjectTooLargeException(bucket, key, declared, limit);
        }
        if (declared < 0) {
            return readAtMost(in, new ByteArrayOutputStream(), limit, bucket, key);
        }
        byte[] bytes = new byte[(int) declared];
        int read = in.readNBytes(bytes, 0, bytes.length);
        if (read < bytes.length) {
            throw new IOException("the body ended after " + read + " of " + declared + " bytes");
        }
        int next = in.read();
        if (next < 0) {
            return bytes;
        }
        ByteArrayOutputStream more = new ByteArrayOutputStream((int) Math.min(MAX_ARRAY, bytes.length + 64L * 1024));
        more.write(bytes);
        more.write(next);
        return readAtMost(in, more, limit, bucket, key);
    }

    /** What is in {@code out}, then the rest of {@code in}, refusing it all beyond {@code limit} bytes. */
    private static byte[] readAtMost(InputStream in, ByteArrayOutputStream out, long limit, String bucket, String key)
            throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long total = out.size();
        if (total > limit) {
            throw new ObjectTooLargeException(bucket, key, -1, limit);
        }
        for (int n; (n = in.read(buffer)) >= 0; ) {
            total += n;
            if (total > limit) {
                throw new ObjectTooLargeException(bucket, key, -1, limit);
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    private <T> Optional<T> notFoundOrThrow(MinioException e, String op, String bucket, String key) {
        if (e instanceof ErrorResponseException err && NOT_FOUND.contains(err.errorResponse().code())) {
            return Optional.empty();
        }
        throw classify(e, op, bucket, key);
    }

    private static RuntimeException classify(MinioException e, String op, String bucket, String key) {
        String where = op + " " + bucket + (key.isEmpty() ? "" : "/" + key);
        if (e instanceof ErrorResponseException err) {
            String code = err.errorResponse().code();
            int status = err.response() == null ? 0 : err.response().code();
            if (status >= 500 || TRANSIENT_CODES.contains(code)) {
                return new StorageUnavailableException(where + " failed: " + code + " " + err.errorResponse().message(), e);
            }
            return new StorageRejectedException(where + " refused: " + code + " " + err.errorResponse().message(), e);
        }
        if (e instanceof ServerException server && server.statusCode() < 500) {
            return new StorageRejectedException(where + " refused: HTTP " + server.statusCode(), e);
        }
        Throwable root = e.getCause() != null ? e.getCause() : e;
        return new StorageUnavailableException(where + " failed: " + root, e);
    }

    private static String stripQuotes(String etag) {
        if (etag != null && etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")) {
            return etag.substring(1, etag.length() - 1);
        }
        return etag;
    }
}
