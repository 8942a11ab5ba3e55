package com.miniatura.common.storage;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The few object-storage operations the pipeline needs, with errors typed as transient
 * ({@link StorageUnavailableException}) or permanent ({@link StorageRejectedException}). Missing objects are
 * {@link Optional#empty()}, not errors. {@link MinioObjectStore} speaks S3; tests use the in-memory store of
 * {@code common}'s test jar.
 */
public interface ObjectStore {

    /** The storage settings the store was built with (endpoint, bucket names). */
    StorageSettings settings();

    /**
     * Reads a whole object; empty when there is no such object (or no such bucket). One larger than {@code maxBytes}
     * is refused with {@link ObjectTooLargeException}, without reading on.
     */
    Optional<StoredObject> get(String bucket, String key, long maxBytes);

    /** The ETag of an object, without reading it; empty when there is no such object. */
    Optional<String> etag(String bucket, String key);

    /**
     * What storage says of an object without reading it: its ETag, size, type, time and user metadata; empty when
     * there is no such object.
     */
    Optional<ObjectHead> head(String bucket, String key);

    /** An object's user metadata ({@code x-amz-meta-*}, names lower case without the prefix). */
    default Optional<Map<String, String>> metadata(String bucket, String key) {
        return head(bucket, key).map(ObjectHead::userMetadata);
    }

    /**
     * Writes an object.
     *
     * @return the stored object's ETag
     */
    String put(String bucket, String key, byte[] bytes, PutOptions options);

    /**
     * Writes an object from a file, streamed from disk in one request; one larger than a single PUT may carry is
     * refused with {@link StorageRejectedException}.
     *
     * @return the stored object's ETag
     */
    String putFile(String bucket, String key, Path file, PutOptions options);

    /** Every key in {@code bucket} that starts with {@code prefix}, however deep; none when there is no such bucket. */
    List<String> keys(String bucket, String prefix);

    /**
     * One object of a listing.
     *
     * @param userMetadata its {@code x-amz-meta-*} headers (names lower case, without the prefix) when the server
     *                     lists them (MinIO does, on request), else {@code null}: then {@link #metadata} tells
     */
    record Listed(String key, String etag, long size, Instant lastModified, Map<String, String> userMetadata) {}

    /**
     * The objects of {@code bucket} whose keys start with {@code prefix} and sort after {@code startAfter} (none:
     * from the first), in key order, fetched a page at a time as the iterator is read. With {@code withMetadata} the
     * server is asked to include user metadata (a MinIO extension other servers ignore). Iterating throws
     * {@link StorageUnavailableException} or {@link StorageRejectedException} (a missing bucket is refused).
     */
    Iterator<Listed> list(String bucket, String prefix, String startAfter, boolean withMetadata);

    /**
     * The first key under {@code prefix} after {@code startAfter} ({@code null}: the first of all); empty when there
     * is none (or no such bucket).
     */
    Optional<String> firstKey(String bucket, String prefix, String startAfter);

    /** Removes an object; removing one that does not exist is not an error (S3 semantics). */
    void remove(String bucket, String key);

    /**
     * Removes objects, many a request; removing one that does not exist is not an error. Returns what storage refused
     * to remove, key → its error code and message. A request that fails as a whole, or a key answered with a transient
     * error, throws {@link StorageUnavailableException}: removing the same keys again is harmless.
     */
    Map<String, String> removeAll(String bucket, Collection<String> keys);

    boolean bucketExists(String bucket);

    /** Creates {@code bucket} unless it exists. */
    void ensureBucket(String bucket);

    /**
     * When {@code miniatura.storage.create-buckets} is on (standalone, dev), creates the missing ones of
     * {@code buckets}. A failure is logged, not thrown: storage may come up after the service, and the
     * {@code storage} health indicator reports it meanwhile.
     */
    void ensureBucketsIfConfigured(String... buckets);
}
