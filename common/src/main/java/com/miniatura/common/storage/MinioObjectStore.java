package com.miniatura.common.storage;

import static com.miniatura.common.storage.MinioErrors.classify;
import static com.miniatura.common.storage.MinioErrors.isCode;
import static com.miniatura.common.storage.MinioErrors.notFoundOrThrow;
import static com.miniatura.common.storage.MinioErrors.stripQuotes;
import static com.miniatura.common.storage.MinioErrors.unreachable;

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
import io.minio.errors.MinioException;
import io.minio.messages.DeleteRequest;
import io.minio.messages.DeleteResult;
import io.minio.messages.Item;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import okhttp3.Headers;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ObjectStore} over the MinIO SDK (any S3 server). Reads of documents about images (manifests, checkpoints: any
 * bucket but a source bucket of originals) send a HEAD first and the GET only when the object exists: the SDK parses
 * a GET's 404 error body with a new simple-xml {@code Persister} each time, whose class lookups cost ~20 ms of CPU in a
 * packaged Spring Boot jar (measured: 20,000 manifest checks took 414 s with GETs, 27 s with HEADs first), and a
 * manifest is absent for every new image; a HEAD's 404 has no body to parse. Originals, which an event names and
 * which therefore nearly always exist, are read by GET alone.
 */
public final class MinioObjectStore implements ObjectStore {
    private static final Logger log = LoggerFactory.getLogger(MinioObjectStore.class);
    private static final String META = "x-amz-meta-";

    /** S3's largest single PUT; larger files would be sent in parts, each buffered in the heap by the SDK. */
    private static final long MAX_SINGLE_PUT = 5L * 1024 * 1024 * 1024;
    /** The SDK's smallest part size, which it also requires of a single PUT's declared part size. */
    private static final long MIN_PART = 5L * 1024 * 1024;

    private final MinioClient client;
    private final StorageSettings settings;

    public MinioObjectStore(StorageSettings settings) {
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

    @Override
    public StorageSettings settings() {
        return settings;
    }

    @Override
    public Optional<StoredObject> get(String bucket, String key, long maxBytes) {
        if (!settings.isSourceBucket(bucket) && etag(bucket, key).isEmpty()) {
            return Optional.empty();
        }
        try (GetObjectResponse response = client.getObject(
                GetObjectArgs.builder().bucket(bucket).object(key).build())) {
            String length = response.headers().get("Content-Length");
            long declared = length == null ? -1 : Long.parseLong(length);
            if (declared > maxBytes) {
                throw new ObjectTooLargeException(bucket, key, declared, maxBytes);
            }
            byte[] bytes = BoundedRead.read(response, declared, maxBytes, bucket, key);
            return Optional.of(new StoredObject(
                    bytes,
                    stripQuotes(response.headers().get("ETag")),
                    response.headers().get("Content-Type"),
                    userMetadata(response.headers())));
        } catch (ObjectTooLargeException e) {
            throw e;
        } catch (MinioException e) {
            return notFoundOrThrow(e, "get", bucket, key);
        } catch (IOException | IllegalStateException e) {
            throw unreachable("get", bucket, key, e);
        }
    }

    @Override
    public Optional<String> etag(String bucket, String key) {
        try {
            StatObjectResponse stat = client.statObject(
                    StatObjectArgs.builder().bucket(bucket).object(key).build());
            return Optional.ofNullable(stripQuotes(stat.etag()));
        } catch (MinioException e) {
            return notFoundOrThrow(e, "stat", bucket, key);
        } catch (IllegalStateException e) {
            throw unreachable("stat", bucket, key, e);
        }
    }

    @Override
    public Optional<ObjectHead> head(String bucket, String key) {
        try {
            StatObjectResponse stat = client.statObject(
                    StatObjectArgs.builder().bucket(bucket).object(key).build());
            return Optional.of(new ObjectHead(
                    stripQuotes(stat.etag()),
                    stat.size(),
                    stat.contentType(),
                    stat.lastModified() == null ? null : stat.lastModified().toInstant(),
                    userMetadata(stat.headers())));
        } catch (MinioException e) {
            return notFoundOrThrow(e, "stat", bucket, key);
        } catch (IllegalStateException e) {
            throw unreachable("stat", bucket, key, e);
        }
    }

    @Override
    public String put(String bucket, String key, byte[] bytes, PutOptions options) {
        PutObjectArgs.Builder args = PutObjectArgs.builder()
                .bucket(bucket)
                .object(key)
                .data(bytes, bytes.length)
                .contentType(options.contentType())
                .userMetadata(options.userMetadata());
        if (options.cacheControl() != null) {
            args.headers(Map.of("Cache-Control", options.cacheControl()));
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

    /**
     * {@inheritDoc} The SDK reads a file sent as a single part straight from it, where a stream or a multipart upload
     * is buffered a part at a time in the heap.
     */
    @Override
    public String putFile(String bucket, String key, Path file, PutOptions options) {
        try {
            long size = Files.size(file);
            if (size > MAX_SINGLE_PUT) {
                throw new StorageRejectedException(
                        "put " + bucket + "/" + key + " refused: " + size + " bytes is more than one PUT may carry ("
                                + MAX_SINGLE_PUT + ")",
                        null);
            }
            UploadObjectArgs.Builder args = UploadObjectArgs.builder()
                    .bucket(bucket)
                    .object(key)
                    .filename(file.toString(), Math.max(size, MIN_PART))
                    .contentType(options.contentType())
                    .userMetadata(options.userMetadata());
            if (options.cacheControl() != null) {
                args.headers(Map.of("Cache-Control", options.cacheControl()));
            }
            return stripQuotes(client.uploadObject(args.build()).etag());
        } catch (MinioException e) {
            throw classify(e, "put", bucket, key);
        } catch (IOException e) {
            throw new UncheckedIOException("put " + bucket + "/" + key + ": cannot read " + file, e);
        } catch (IllegalStateException e) {
            throw unreachable("put", bucket, key, e);
        }
    }

    @Override
    public List<String> keys(String bucket, String prefix) {
        List<String> keys = new ArrayList<>();
        try {
            for (Result<Item> item : client.listObjects(ListObjectsArgs.builder()
                    .bucket(bucket)
                    .prefix(prefix)
                    .recursive(true)
                    .build())) {
                keys.add(item.get().objectName());
            }
        } catch (MinioException e) {
            if (isCode(e, Set.of("NoSuchBucket"))) {
                return List.of();
            }
            throw classify(e, "list", bucket, prefix);
        } catch (IllegalStateException e) {
            throw unreachable("list", bucket, prefix, e);
        }
        return keys;
    }

    @Override
    public Iterator<Listed> list(String bucket, String prefix, String startAfter, boolean withMetadata) {
        ListObjectsArgs.Builder args = listing(bucket, prefix, startAfter).maxKeys(1000);
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
                    return listed(items.next().get());
                } catch (MinioException e) {
                    if (isCode(e, Set.of("NoSuchBucket"))) {
                        throw new StorageRejectedException("list " + bucket + " refused: NoSuchBucket", e);
                    }
                    throw classify(e, "list", bucket, where);
                } catch (IllegalStateException e) {
                    throw unreachable("list", bucket, where, e);
                }
            }
        };
    }

    private static Listed listed(Item item) {
        Map<String, String> metadata = null;
        if (item.userMetadata() != null && !item.userMetadata().isEmpty()) {
            metadata = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : item.userMetadata().entrySet()) {
                String name = e.getKey().toLowerCase(Locale.ROOT);
                metadata.put(name.startsWith(META) ? name.substring(META.length()) : name, e.getValue());
            }
        }
        return new Listed(
                item.objectName(),
                stripQuotes(item.etag()),
                item.size(),
                item.lastModified() == null ? null : item.lastModified().toInstant(),
                metadata);
    }

    @Override
    public Optional<String> firstKey(String bucket, String prefix, String startAfter) {
        Iterator<Result<Item>> items = client.listObjects(
                        listing(bucket, prefix, startAfter).maxKeys(1).build())
                .iterator();
        String where = prefix == null ? "" : prefix;
        try {
            return items.hasNext() ? Optional.of(items.next().get().objectName()) : Optional.empty();
        } catch (MinioException e) {
            if (isCode(e, Set.of("NoSuchBucket"))) {
                return Optional.empty();
            }
            throw classify(e, "list", bucket, where);
        } catch (IllegalStateException e) {
            throw unreachable("list", bucket, where, e);
        }
    }

    private static ListObjectsArgs.Builder listing(String bucket, String prefix, String startAfter) {
        ListObjectsArgs.Builder args = ListObjectsArgs.builder().bucket(bucket).recursive(true);
        if (prefix != null && !prefix.isEmpty()) {
            args.prefix(prefix);
        }
        if (startAfter != null && !startAfter.isEmpty()) {
            args.startAfter(startAfter);
        }
        return args;
    }

    @Override
    public void remove(String bucket, String key) {
        try {
            client.removeObject(
                    RemoveObjectArgs.builder().bucket(bucket).object(key).build());
        } catch (MinioException e) {
            throw classify(e, "remove", bucket, key);
        } catch (IllegalStateException e) {
            throw unreachable("remove", bucket, key, e);
        }
    }

    /** {@inheritDoc} By S3's multi-object delete, up to 1,000 keys a request. */
    @Override
    public Map<String, String> removeAll(String bucket, Collection<String> keys) {
        Map<String, String> refused = new LinkedHashMap<>();
        if (keys.isEmpty()) {
            return refused;
        }
        List<DeleteRequest.Object> objects =
                keys.stream().map(DeleteRequest.Object::new).toList();
        try {
            // lazy: the requests are sent as the results are read
            for (Result<DeleteResult.Error> result : client.removeObjects(
                    RemoveObjectsArgs.builder().bucket(bucket).objects(objects).build())) {
                DeleteResult.Error error = result.get();
                if (MinioErrors.NOT_FOUND.contains(error.code())) {
                    continue;
                }
                if (MinioErrors.TRANSIENT_CODES.contains(error.code())) {
                    throw new StorageUnavailableException(
                            "remove " + bucket + "/" + error.objectName() + " failed: " + error.code() + " "
                                    + error.message(),
                            null);
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

    @Override
    public boolean bucketExists(String bucket) {
        try {
            return client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build());
        } catch (MinioException e) {
            throw classify(e, "check bucket", bucket, "");
        } catch (IllegalStateException e) {
            throw unreachable("check bucket", bucket, "", e);
        }
    }

    @Override
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

    @Override
    public void ensureBucket(String bucket) {
        if (!bucketExists(bucket)) {
            try {
                client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
            } catch (MinioException e) {
                if (!isCode(e, Set.of("BucketAlreadyOwnedByYou"))) {
                    throw classify(e, "create bucket", bucket, "");
                }
            } catch (IllegalStateException e) {
                throw unreachable("create bucket", bucket, "", e);
            }
        }
    }

    /** The {@code x-amz-meta-*} headers, names lower case without the prefix. */
    private static Map<String, String> userMetadata(Headers headers) {
        Map<String, String> metadata = new LinkedHashMap<>();
        for (String name : headers.names()) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.startsWith(META)) {
                metadata.put(lower.substring(META.length()), headers.get(name));
            }
        }
        return metadata;
    }
}
