package com.miniatura.common.storage;

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
