package com.miniatura.standalone.infra;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.model.BucketCannedACL;
import software.amazon.awssdk.services.s3.model.ObjectCannedACL;

/**
 * S3-compatible server (S3Proxy, filesystem-nio2 backend) storing objects as plain files under dataDir.
 *
 * <p>Layout on disk: {@code dataDir/<bucket>/<key>} is the object's bytes; its Content-Type, Cache-Control,
 * user metadata and MD5 are kept in the file's user extended attributes (so the file system must support
 * {@code user.*} xattrs, as ext4, xfs, btrfs and overlayfs do).
 *
 * <p>Every request must be signed (AWS signature V2 or V4) with the given access and secret key, except
 * anonymous {@code GET}/{@code HEAD} of an object in one of the {@code publicReadBuckets}: that lets a browser
 * open {@code <endpoint>/<bucket>/<key>} directly. Anonymous listing of those buckets, and any anonymous
 * request on the other buckets, is refused with 403 AccessDenied.
 */
public final class EmbeddedS3Server implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedS3Server.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    /** S3Proxy's start-up INFO chatter (CORS settings, Jetty banner), silenced unless configured. */
    /** Loggers set to WARN: Spring Boot resets Logback when a service starts, so the launcher passes these on. */
    public static final List<String> NOISY_LOGGERS =
            List.of("org.gaul.s3proxy.CrossOriginResourceSharing", "org.gaul.shaded.org.eclipse.jetty");

    private final S3Proxy proxy;
    private final String endpoint;

    private EmbeddedS3Server(S3Proxy proxy, String endpoint) {
        this.proxy = proxy;
        this.endpoint = endpoint;
    }

    /** Starts a server whose buckets are all private. */
    public static EmbeddedS3Server start(
            Path dataDir, String host, int port, String accessKey, String secretKey, List<String> buckets)
            throws Exception {
        return start(dataDir, host, port, accessKey, secretKey, buckets, Set.of());
    }

    /**
     * Starts the server, creating the missing {@code buckets} (and the missing {@code publicReadBuckets}).
     *
     * @param host the interface to bind, also used in {@link #endpoint()} (so prefer {@code localhost} over
     *     {@code 0.0.0.0} unless other machines must reach it)
     * @param port the HTTP port, or 0 for a free one ({@link #endpoint()} then tells which)
     * @param publicReadBuckets buckets whose objects can be read without credentials
     */
    public static EmbeddedS3Server start(
            Path dataDir,
            String host,
            int port,
            String accessKey,
            String secretKey,
            List<String> buckets,
            Set<String> publicReadBuckets)
            throws Exception {
        Objects.requireNonNull(accessKey, "accessKey");
        Objects.requireNonNull(secretKey, "secretKey");
        long began = System.nanoTime();
        QuietLoggers.quiet(NOISY_LOGGERS);
        Path root = Files.createDirectories(dataDir).toAbsolutePath();

        BlobStore store =
                new PublicReadBlobStore(new FilesystemNio2BlobStore(root.toString()), Set.copyOf(publicReadBuckets));
        for (String bucket : buckets) {
            ensureBucket(store, bucket);
        }
        for (String bucket : publicReadBuckets) {
            ensureBucket(store, bucket);
        }

        S3Proxy proxy = S3Proxy.builder()
                .blobStore(store)
                .endpoint(URI.create("http://" + host + ":" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                // No graceful phase on close: with one (S3Proxy's default) Jetty waits ~2 s for the clients'
                // idle keep-alive connections, and a shorter timeout fails the stop with a TimeoutException.
                .stopTimeout(0)
                .build();
        try {
            proxy.start();
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            while (!"STARTED".equals(proxy.getState())) {
                if ("FAILED".equals(proxy.getState()) || System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "S3Proxy did not start within " + START_TIMEOUT + " (state " + proxy.getState() + ")");
                }
                Thread.sleep(10);
            }
        } catch (Exception | Error e) {
            stopQuietly(proxy);
            throw e;
        }
        String endpoint = "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + proxy.getPort();
        log.info(
                "S3 server (S3Proxy, filesystem-nio2 under {}) listening on {} in {} ms",
                root,
                endpoint,
                (System.nanoTime() - began) / 1_000_000);
        return new EmbeddedS3Server(proxy, endpoint);
    }

    private static void ensureBucket(BlobStore store, String bucket) {
        if (!store.containerExists(bucket)) {
            store.createContainer(bucket);
        }
    }

    /** The base URL clients use, e.g. {@code http://localhost:9000} (path-style addressing). */
    public String endpoint() {
        return endpoint;
    }

    @Override
    public void close() {
        stopQuietly(proxy);
    }

    private static void stopQuietly(S3Proxy proxy) {
        try {
            proxy.stop();
        } catch (Exception e) {
            log.warn("Could not stop S3Proxy cleanly", e);
        }
    }

    /**
     * Decides anonymous read access per bucket. Left alone, the filesystem backend keeps a per-object ACL in the
     * file's mode (objects are written {@code rw-r-----}; a PUT with {@code x-amz-acl: public-read} adds
     * {@code o+r}) and a bucket ACL in the directory's mode, which only governs anonymous listing. This wrapper
     * makes every object of a public-read bucket readable whatever its uploader sent, keeps every other bucket
     * private even for objects uploaded with {@code x-amz-acl: public-read}, and refuses anonymous listing.
     * S3Proxy asks these when a request carries no credentials (and to answer {@code GET ?acl} and carry an
     * ACL through a multipart upload); signed requests are authorised by their signature alone.
     */
    private static final class PublicReadBlobStore extends ForwardingBlobStore {
        private final Set<String> publicReadBuckets;

        PublicReadBlobStore(BlobStore delegate, Set<String> publicReadBuckets) {
            super(delegate);
            this.publicReadBuckets = publicReadBuckets;
        }

        @Override
        public ObjectCannedACL getBlobAccess(String container, String key) {
            return publicReadBuckets.contains(container) ? ObjectCannedACL.PUBLIC_READ : ObjectCannedACL.PRIVATE;
        }

        @Override
        public ObjectCannedACL getBlobAccess(String container, String key, String versionId) {
            return getBlobAccess(container, key);
        }

        @Override
        public BucketCannedACL getContainerAccess(String container) {
            // Anonymous bucket listing stays refused, public bucket or not.
            return BucketCannedACL.PRIVATE;
        }
    }
}
