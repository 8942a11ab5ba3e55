package com.miniatura.ingest.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.clearInvocations;

import com.miniatura.common.config.MiniaturaDefaults;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.catalina.util.NetMaskSet;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.context.bean.override.convention.TestBean;

/**
 * Failed authentications per client address on a real server of its own, behind a proxy: only 127.0.0.1 is a
 * trusted proxy here, so a connection from 127.0.0.1 is counted as the client its {@code X-Forwarded-For} names and
 * one from 127.0.0.2 as itself, whatever it claims. The default limit, 20 a minute, on a clock the tests move.
 */
@TestPropertySource(properties = "server.tomcat.remoteip.internal-proxies=127.0.0.1/32")
class FailedAuthenticationLimitTest extends RealServerTest {
    static final String PROXY = "127.0.0.1";
    static final String UNTRUSTED = "127.0.0.2";
    static final String BLOCKED = "this address failed authentication 20 times within 60 s; retry in 3 s";
    static final AtomicLong NANOS = new AtomicLong();

    @TestBean
    FailedAuthentications failedAuthentications;

    static FailedAuthentications failedAuthentications() {
        return new FailedAuthentications(new AuthSettings.FailureLimit(20, Duration.ofMinutes(1), 100_000), NANOS::get);
    }

    static void advance(long seconds) {
        NANOS.addAndGet(TimeUnit.SECONDS.toNanos(seconds));
    }

    /** {@code POST /v1/events} from {@code peer}, forwarded for {@code client}, with {@code Authorization}. */
    Raw write(String peer, String client, String authorization) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("X-Forwarded-For", client);
        headers.put("Authorization", authorization);
        return raw(peer, "POST", "/v1/events", headers, EVENT.getBytes(StandardCharsets.UTF_8));
    }

    Raw guess(String peer, String client) throws IOException {
        return write(peer, client, "Bearer " + EVERYTHING + "x");
    }

    void failTwentyTimes(String client) throws IOException {
        for (int i = 1; i <= 20; i++) {
            assertThat(guess(PROXY, client).status()).as("failure %d", i).isEqualTo(401);
        }
    }

    double blocked() {
        return meters.get("miniatura.auth.failures.blocked").counter().count();
    }

    @Test
    void theTwentyFirstFailureFromAnAddressIsRefusedUntilTheWindowFreesASlot() throws Exception {
        double blockedBefore = blocked();
        String client = "203.0.113.1";
        for (int i = 1; i <= 19; i++) {
            assertThat(guess(PROXY, client).status()).isEqualTo(401);
        }
        assertThat(write(PROXY, client, "Bearer " + EVERYTHING).status())
                .as("a success resets nothing")
                .isEqualTo(202);
        assertThat(guess(PROXY, client).status()).as("the 20th failure").isEqualTo(401);
        clearInvocations(store, publisher);

        Raw refused = guess(PROXY, client);
        assertRefused(refused, 429, null, BLOCKED);
        assertThat(refused.headers()).containsEntry("retry-after", "3");
        assertRefused(write(PROXY, client, "Bearer " + EVERYTHING), 429, null, BLOCKED);
        assertThat(guess(PROXY, "203.0.113.2").status()).as("another address").isEqualTo(401);
        assertThat(blocked() - blockedBefore)
                .as("miniatura.auth.failures.blocked")
                .isEqualTo(2);

        advance(3);
        assertThat(guess(PROXY, client).status())
                .as("one failure back after 60 s / 20")
                .isEqualTo(401);
        assertThat(guess(PROXY, client).status()).isEqualTo(429);
        advance(60);
        failTwentyTimes(client);
        assertThat(guess(PROXY, client).status()).isEqualTo(429);
    }

    /** A client that sets X-Forwarded-For itself cannot rotate addresses: only a trusted proxy's is believed. */
    @Test
    void aForwardedForFromAnUntrustedPeerIsIgnored(CapturedOutput output) throws Exception {
        for (int i = 1; i <= 20; i++) {
            assertThat(guess(UNTRUSTED, "198.51.100." + i).status())
                    .as("failure %d", i)
                    .isEqualTo(401);
        }
        clearInvocations(store, publisher);
        assertRefused(guess(UNTRUSTED, "198.51.100.21"), 429, null, BLOCKED);
        assertThat(output.getAll()).contains("Blocking writes from 127.0.0.2: it failed authentication 20 times");
        assertThat(guess(PROXY, "198.51.100.1").status())
                .as("the forged addresses were never counted")
                .isEqualTo(401);
    }

    /**
     * Refused before its credentials are checked: a valid signature is not used up (it is accepted once the window
     * frees a slot; a checked one would be a replay then) and a body is not waited for.
     */
    @Test
    void aBlockedAddressIsRefusedBeforeItsCredentialsOrBodyAreRead() throws Exception {
        String client = "203.0.113.3";
        failTwentyTimes(client);
        clearInvocations(store, publisher);
        Endpoint images = endpoint("images");
        Map<String, String> signed = new LinkedHashMap<>(signature(images, freshTimestamp(), images.body()));
        signed.put("Content-Type", MULTIPART);
        signed.put("X-Forwarded-For", client);
        assertRefused(raw(PROXY, "POST", "/v1/images", signed, images.body()), 429, null, BLOCKED);
        assertThat(statusOfHeldRequest("/v1/images", signed, 10_000_000))
                .as("answered without the body")
                .isEqualTo(429);

        advance(3);
        Raw accepted = raw(PROXY, "POST", "/v1/images", signed, images.body());
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
    }

    @Test
    void aBlockedAddressIsLoggedOnceAWindowWithoutItsCredentials(CapturedOutput output) throws Exception {
        String client = "203.0.113.4";
        for (int i = 1; i <= 20; i++) {
            assertThat(write(PROXY, client, "Bearer guessed-key-" + i).status()).isEqualTo(401);
        }
        for (int i = 0; i < 3; i++) {
            assertThat(write(PROXY, client, "Bearer guessed-key-again").status())
                    .isEqualTo(429);
        }
        String line =
                "Blocking writes from 203.0.113.4: it failed authentication 20 times within 60 s; they are refused "
                        + "with 429 before their credentials are checked until the window frees a slot, in 3 s now "
                        + "(miniatura.ingest.auth.failures)";
        assertThat(occurrences(output.getAll(), line)).isEqualTo(1);

        advance(60);
        failTwentyTimes(client);
        assertThat(guess(PROXY, client).status()).isEqualTo(429);
        assertThat(occurrences(output.getAll(), line)).as("a window later").isEqualTo(2);
        assertThat(output.getAll()).doesNotContain("guessed-key", EVERYTHING);
    }

    /** Shipped: only loopback (a sidecar) is believed; deploy/ adds the pod network, where the ingress is. */
    @Test
    void byDefaultOnlyLoopbackIsATrustedProxy() throws Exception {
        StandardEnvironment defaults = new StandardEnvironment();
        MiniaturaDefaults.load("miniatura/ingest-api-defaults.yml").forEach(defaults.getPropertySources()::addLast);
        assertThat(defaults.getProperty("server.forward-headers-strategy")).isEqualTo("native");
        NetMaskSet proxies = NetMaskSet.parse(defaults.getProperty("server.tomcat.remoteip.internal-proxies"));
        List<String> trusted = new ArrayList<>();
        for (String address : List.of(
                "127.0.0.1",
                "127.0.0.2",
                "0:0:0:0:0:0:0:1",
                "10.0.0.1",
                "172.17.0.1",
                "192.168.1.1",
                "100.64.0.1",
                "169.254.1.1",
                "203.0.113.1",
                "fc00::1",
                "fe80::1",
                "2001:db8::1")) {
            if (proxies.contains(address)) {
                trusted.add(address);
            }
        }
        assertThat(trusted).containsExactly("127.0.0.1", "127.0.0.2", "0:0:0:0:0:0:0:1");
    }

    private static int occurrences(String text, String line) {
        int count = 0;
        for (Matcher m = Pattern.compile(Pattern.quote(line)).matcher(text); m.find(); ) {
            count++;
        }
        return count;
    }

    /** The status of a write whose headers are sent and whose declared body never comes, read while it is held. */
    private int statusOfHeldRequest(String target, Map<String, String> headers, long declaredLength)
            throws IOException {
        try (Socket socket = new Socket(InetAddress.getByName(PROXY), port, InetAddress.getByName(PROXY), 0)) {
            socket.setSoTimeout(30_000);
            StringBuilder head = new StringBuilder("POST " + target + " HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Length: " + declaredLength + "\r\n");
            headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
            head.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream statusLine = new ByteArrayOutputStream();
            for (int b = in.read(); b != -1 && b != '\n'; b = in.read()) {
                statusLine.write(b);
            }
            return Integer.parseInt(
                    statusLine.toString(StandardCharsets.ISO_8859_1).split(" ")[1]);
        }
    }
}
