package com.miniatura.common.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.management.ThreadMXBean;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An unreachable storage server is a transient failure whatever the call: the MinIO SDK reports it as
 * an unchecked IllegalStateException, which must not escape untyped (it would be taken for a bug).
 * Behaviour against a live server is covered by the end-to-end tests.
 */
class MinioObjectStoreTest {
    private final ObjectStore store = new MinioObjectStore(new StorageSettings(
            "http://127.0.0.1:" + closedPort(), "us-east-1", "k", "s", "originals", "thumbnails", "no-cache", true));

    @Test
    void unreachableServerIsTransientForEveryOperation() {
        assertThatThrownBy(() -> store.get("originals", "a.jpg", 100))
                .isInstanceOf(StorageUnavailableException.class)
                .hasMessageStartingWith("get originals/a.jpg failed: java.net.ConnectException");
        assertThatThrownBy(() -> store.put(
                        "thumbnails",
                        "a/s150.jpg",
                        new byte[1],
                        PutOptions.of("image/jpeg").withCacheControl("no-cache")))
                .isInstanceOf(StorageUnavailableException.class)
                .hasMessageStartingWith("put thumbnails/a/s150.jpg failed: java.net.ConnectException");
        assertThatThrownBy(() -> store.bucketExists("thumbnails"))
                .isInstanceOf(StorageUnavailableException.class)
                .hasMessageStartingWith("check bucket thumbnails failed");
        assertThatThrownBy(() -> store.remove("thumbnails", "a/s150.jpg"))
                .isInstanceOf(StorageUnavailableException.class);
        assertThatThrownBy(() -> store.removeAll("thumbnails", List.of("a/s150.jpg", "a/m300.jpg")))
                .isInstanceOf(StorageUnavailableException.class)
                .hasMessageStartingWith("remove thumbnails failed: java.net.ConnectException");
        assertThat(store.removeAll("thumbnails", List.of()))
                .as("nothing to remove: no request")
                .isEmpty();
        assertThatThrownBy(() -> store.keys("thumbnails", "a/"))
                .isInstanceOf(StorageUnavailableException.class)
                .hasMessageStartingWith("list thumbnails/a/ failed: java.net.ConnectException");
        assertThatThrownBy(() -> store.etag("originals", "a.jpg"))
                .isInstanceOf(StorageUnavailableException.class)
                .hasMessageStartingWith("stat originals/a.jpg failed: java.net.ConnectException");
        assertThatThrownBy(() -> store.head("originals", "a.jpg"))
                .isInstanceOf(StorageUnavailableException.class)
                .hasMessageStartingWith("stat originals/a.jpg failed: java.net.ConnectException");
    }

    /**
     * A manifest is absent for every new image, and the SDK's parse of a GET's 404 body is costly: documents about
     * images are read HEAD first, originals (which an event names, so nearly always exist) by GET alone.
     */
    @Test
    void documentsAreReadHeadFirstAndOriginalsByGetAlone() {
        assertThatThrownBy(() -> store.get("metadata", "img-1/manifest.json", 100))
                .hasMessageStartingWith("stat metadata/img-1/manifest.json failed: java.net.ConnectException");
        assertThatThrownBy(() -> store.get("thumbnails", "img-1/manifest.json", 100))
                .hasMessageStartingWith("stat thumbnails/img-1/manifest.json failed: java.net.ConnectException");
        assertThatThrownBy(() -> store.get("originals", "img-1.jpg", 100))
                .hasMessageStartingWith("get originals/img-1.jpg failed: java.net.ConnectException");
    }

    /**
     * Regression: the worker's first storage request after a quiet spell failed with "EOFException: \n not
     * found", because S3 servers close idle keep-alive connections and the client reused the closed one
     * without retrying. Here a server answers every request with keep-alive, then hangs up.
     */
    @Test
    void aConnectionTheServerClosedWhileIdleIsNotAFailure() throws Exception {
        AtomicInteger connections = new AtomicInteger();
        try (ServerSocket server = new ServerSocket(0)) {
            Thread serving = new Thread(
                    () -> {
                        while (!server.isClosed()) {
                            try (Socket socket = server.accept()) {
                                connections.incrementAndGet();
                                BufferedReader in = new BufferedReader(
                                        new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
                                for (String line = in.readLine();
                                        line != null && !line.isEmpty();
                                        line = in.readLine()) {
                                    // request line and headers
                                }
                                socket.getOutputStream()
                                        .write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nETag: \"e1\"\r\n"
                                                        + "Content-Length: 2\r\n\r\nhi")
                                                .getBytes(StandardCharsets.US_ASCII));
                                socket.getOutputStream().flush();
                            } catch (IOException e) {
                                // closed at the end of the test
                            }
                        }
                    },
                    "hang-up-after-each-response");
            serving.setDaemon(true);
            serving.start();
            ObjectStore idleClosing = new MinioObjectStore(new StorageSettings(
                    "http://127.0.0.1:" + server.getLocalPort(),
                    "us-east-1",
                    "k",
                    "s",
                    "originals",
                    "thumbnails",
                    "no-cache",
                    false));

            assertThat(idleClosing.get("originals", "a.jpg", 100))
                    .hasValueSatisfying(o -> assertThat(o.etag()).isEqualTo("e1"));
            Thread.sleep(200); // the server's FIN arrives; the client's pool still holds the connection
            assertThat(idleClosing.get("originals", "a.jpg", 100))
                    .hasValueSatisfying(o -> assertThat(o.etag()).isEqualTo("e1"));
            assertThat(connections)
                    .as("a fresh connection for the second request")
                    .hasValue(2);
        }
    }

    /**
     * A body as a server sends it: {@code size} bytes with a {@code Content-Length} (of {@code declared} bytes, if
     * that is not -1) or chunked, read with {@code maxBytes}; then the object read, or the error's message.
     */
    record Body(String description, int size, int declared, boolean chunked, long maxBytes, String error) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<Body> bodies() {
        return Stream.of(
                new Body("declared, at the limit", 1000, 1000, false, 1000, null),
                new Body(
                        "declared, over the limit: refused unread",
                        1001,
                        1001,
                        false,
                        1000,
                        "source too large: originals/a.jpg has 1001 bytes, over the limit of 1000"),
                new Body("chunked, at the limit", 1000, -1, true, 1000, null),
                new Body(
                        "chunked, over the limit",
                        1001,
                        -1,
                        true,
                        1000,
                        "source too large: originals/a.jpg has more than 1000 bytes, over the limit of 1000"),
                new Body(
                        "declared, but the body ends early",
                        500,
                        1000,
                        false,
                        1000,
                        "get originals/a.jpg failed: java.net.ProtocolException: unexpected end of stream"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bodies")
    void readsTheWholeBodyOrRefusesItBeyondTheLimit(Body body) throws Exception {
        byte[] bytes = new byte[body.size()];
        Arrays.fill(bytes, (byte) 7);
        try (Serving server = new Serving(bytes, body.declared(), body.chunked())) {
            if (body.error() == null) {
                assertThat(server.store().get("originals", "a.jpg", body.maxBytes()))
                        .hasValueSatisfying(o -> assertThat(o.bytes()).isEqualTo(bytes));
            } else {
                assertThatThrownBy(() -> server.store().get("originals", "a.jpg", body.maxBytes()))
                        .isInstanceOf(
                                body.error().startsWith("get ")
                                        ? StorageUnavailableException.class
                                        : ObjectTooLargeException.class)
                        .hasMessage(body.error());
            }
        }
    }

    /**
     * Regression: a 50 MB original took 114 MB of heap to read, because the body went into a buffer that grew by
     * doubling and was then copied out. With its length declared it is read into one array of that size.
     */
    @Test
    void aBodyOfDeclaredLengthIsReadIntoOneArrayOfThatSize() throws Exception {
        byte[] bytes = new byte[16 * 1024 * 1024];
        new Random(1).nextBytes(bytes);
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (Serving server = new Serving(bytes, bytes.length, false)) {
            server.store().get("originals", "warm-up.jpg", bytes.length); // class loading, the connection pool
            long before = threads.getCurrentThreadAllocatedBytes();
            byte[] read = server.store()
                    .get("originals", "a.jpg", bytes.length)
                    .orElseThrow()
                    .bytes();
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertThat(read).isEqualTo(bytes);
            assertThat(allocated)
                    .as("bytes allocated reading %d", bytes.length)
                    .isLessThan(bytes.length + bytes.length / 8);
        }
    }

    /** An HTTP server that answers every request with the same body, for {@link ObjectStore#get}. */
    private static final class Serving implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0);
        private final ObjectStore store = new MinioObjectStore(new StorageSettings(
                "http://127.0.0.1:" + server.getLocalPort(),
                "us-east-1",
                "k",
                "s",
                "originals",
                "thumbnails",
                "no-cache",
                false));

        Serving(byte[] body, int declared, boolean chunked) throws IOException {
            Thread serving = new Thread(
                    () -> {
                        while (!server.isClosed()) {
                            try (Socket socket = server.accept()) {
                                BufferedReader in = new BufferedReader(
                                        new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
                                for (String line = in.readLine();
                                        line != null && !line.isEmpty();
                                        line = in.readLine()) {
                                    // request line and headers
                                }
                                OutputStream out = socket.getOutputStream();
                                String framing = chunked
                                        ? "Transfer-Encoding: chunked\r\n"
                                        : "Content-Length: " + declared + "\r\n";
                                out.write(
                                        ("HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\nETag: \"e1\"\r\nConnection: close\r\n"
                                                        + framing + "\r\n")
                                                .getBytes(StandardCharsets.US_ASCII));
                                if (chunked) {
                                    out.write((Integer.toHexString(body.length) + "\r\n")
                                            .getBytes(StandardCharsets.US_ASCII));
                                    out.write(body);
                                    out.write("\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                                } else {
                                    out.write(body);
                                }
                                out.flush();
                            } catch (IOException e) {
                                // closed at the end of the test, or the client stopped reading
                            }
                        }
                    },
                    "same-body-server");
            serving.setDaemon(true);
            serving.start();
        }

        ObjectStore store() {
            return store;
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    @Test
    void bucketCreationAtStartupDoesNotFailTheService() {
        assertThatCode(() -> store.ensureBucketsIfConfigured("originals", "thumbnails"))
                .doesNotThrowAnyException();
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
