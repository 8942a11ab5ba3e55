package com.miniatura.common.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An unreachable storage server is a transient failure whatever the call: the MinIO SDK reports it as
 * an unchecked IllegalStateException, which must not escape untyped (it would be taken for a bug).
 * Behaviour against a live server is covered by the end-to-end tests.
 */
class ObjectStoreTest {
    private final ObjectStore store = new ObjectStore(new StorageSettings(
            "http://127.0.0.1:" + closedPort(), "us-east-1", "k", "s", "originals", "thumbnails", "no-cache", true));

    @Test
    void unreachableServerIsTransientForEveryOperation() {
        assertThatThrownBy(() -> store.get("originals", "a.jpg", 100))
                .isInstanceOf(StorageUnavailableException.class)
                .hasMessageStartingWith("get originals/a.jpg failed: java.net.ConnectException");
        assertThatThrownBy(() -> store.put("thumbnails", "a/s150.jpg", new byte[1], "image/jpeg", "no-cache", Map.of()))
                .isInstanceOf(StorageUnavailableException.class)
                .hasMessageStartingWith("put thumbnails/a/s150.jpg failed: java.net.ConnectException");
        assertThatThrownBy(() -> store.bucketExists("thumbnails"))
                .isInstanceOf(StorageUnavailableException.class)
                .hasMessageStartingWith("check bucket thumbnails failed");
        assertThatThrownBy(() -> store.remove("thumbnails", "a/s150.jpg")).isInstanceOf(StorageUnavailableException.class);
        assertThatThrownBy(() -> store.keys("thumbnails", "a/"))
                .isInstanceOf(StorageUnavailableException.class)
                .hasMessageStartingWith("list thumbnails/a/ failed: java.net.ConnectException");
        assertThatThrownBy(() -> store.etag("originals", "a.jpg"))
                .isInstanceOf(StorageUnavailableException.class)
                .hasMessageStartingWith("stat originals/a.jpg failed: java.net.ConnectException");
    }

    /**
     * Regression: the worker's first storage request after a quiet spell failed with "EOFException: \n not
     * found", because S3 servers close idle keep-alive connections and the client reused the closed one
     * without retrying. Here a server answers every request with keep-alive, then hangs up.
     */
    @Test
    void aConnectionTheServerClosedWhileIdleIsNotAFailure() throws Exception {
        java.util.concurrent.atomic.AtomicInteger connections = new java.util.concurrent.atomic.AtomicInteger();
        try (ServerSocket server = new ServerSocket(0)) {
            Thread serving = new Thread(() -> {
                while (!server.isClosed()) {
                    try (java.net.Socket socket = server.accept()) {
                        connections.incrementAndGet();
                        java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                                java.nio.charset.StandardCharsets.US_ASCII));
                        for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                            // request line and headers
                        }
                        socket.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nETag: \"e1\"\r\n"
                                + "Content-Length: 2\r\n\r\nhi").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                        socket.getOutputStream().flush();
                    } catch (java.io.IOException e) {
                        // closed at the end of the test
                    }
                }
            }, "hang-up-after-each-response");
            serving.setDaemon(true);
            serving.start();
            ObjectStore idleClosing = new ObjectStore(new StorageSettings("http://127.0.0.1:" + server.getLocalPort(),
                    "us-east-1", "k", "s", "originals", "thumbnails", "no-cache", false));

            assertThat(idleClosing.get("originals", "a.jpg", 100)).hasValueSatisfying(o -> assertThat(o.etag()).isEqualTo("e1"));
            Thread.sleep(200); // the server's FIN arrives; the client's pool still holds the connection
            assertThat(idleClosing.get("originals", "a.jpg", 100)).hasValueSatisfying(o -> assertThat(o.etag()).isEqualTo("e1"));
            assertThat(connections).as("a fresh connection for the second request").hasValue(2);
        }
    }

    @Test
    void bucketCreationAtStartupDoesNotFailTheService() {
        assertThatCode(() -> store.ensureBucketsIfConfigured("originals", "thumbnails")).doesNotThrowAnyException();
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
