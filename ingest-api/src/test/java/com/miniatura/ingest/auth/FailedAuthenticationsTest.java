package com.miniatura.ingest.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Failed authentications per client address, on a hand-driven clock: 20 a minute, as by default. */
class FailedAuthenticationsTest {
    static final AuthSettings.FailureLimit DEFAULT = new AuthSettings.FailureLimit(20, Duration.ofMinutes(1), 100_000);

    final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    final FailedAuthentications failures = new FailedAuthentications(DEFAULT, nanos::get);

    void advance(long seconds) {
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(seconds));
    }

    void fail(String address, int times) {
        for (int i = 0; i < times; i++) {
            assertThat(failures.check(address))
                    .as("failure %d of %s is let through", i + 1, address)
                    .isNull();
            failures.failed(address);
        }
    }

    @Test
    void theTwentyFirstAttemptWithinTheWindowIsRefusedUntilTheWindowFreesASlot() {
        fail("203.0.113.7", 20);
        assertThat(failures.check("203.0.113.7"))
                .as("one failure back every 60 s / 20")
                .isEqualTo(new FailedAuthentications.Blocked("203.0.113.7", 3, true));
        advance(2);
        assertThat(failures.check("203.0.113.7"))
                .as("logged once a window")
                .isEqualTo(new FailedAuthentications.Blocked("203.0.113.7", 1, false));
        advance(1);
        fail("203.0.113.7", 1);
        assertThat(failures.check("203.0.113.7")).isEqualTo(new FailedAuthentications.Blocked("203.0.113.7", 3, false));
        advance(60);
        fail("203.0.113.7", 20);
        assertThat(failures.check("203.0.113.7"))
                .as("a window later: 20 more, and logged again")
                .isEqualTo(new FailedAuthentications.Blocked("203.0.113.7", 3, true));
    }

    @Test
    void eachAddressHasItsOwnCount() {
        fail("203.0.113.7", 20);
        assertThat(failures.check("203.0.113.7")).isNotNull();
        assertThat(failures.check("203.0.113.8")).isNull();
        assertThat(failures.check("2001:db8::7")).isNull();
    }

    /** Requests checked at once that all fail go past the limit; the wait grows with them, so none is free. */
    @Test
    void failuresPastTheLimitLengthenTheWait() {
        for (int i = 0; i < 22; i++) {
            failures.failed("203.0.113.7");
        }
        assertThat(failures.check("203.0.113.7").retryAfterSeconds())
                .as("three failures back to have one")
                .isEqualTo(9);
    }

    @Test
    void anIpv6HostCountsAsItsSlash64() {
        for (int i = 1; i <= 20; i++) {
            fail("2001:db8:0:1:" + Integer.toHexString(i) + "::1", 1);
        }
        assertThat(failures.check("2001:db8:0:1:ffff:ffff:ffff:ffff"))
                .isEqualTo(new FailedAuthentications.Blocked("2001:db8:0:1::/64", 3, true));
        assertThat(failures.check("2001:db8:0:2::1")).as("the next /64").isNull();
    }

    record Grouped(String remoteAddr, String counted) {}

    static Stream<Grouped> addresses() {
        return Stream.of(
                new Grouped("203.0.113.7", "203.0.113.7"),
                new Grouped("010.000.000.001", "10.0.0.1"),
                new Grouped("0:0:0:0:0:0:0:1", "0:0:0:0::/64"),
                new Grouped("2001:DB8:0:1:aa:bb:cc:dd", "2001:db8:0:1::/64"),
                new Grouped("[2001:db8::1]", "2001:db8:0:0::/64"),
                new Grouped("fe80::1%eth0", "fe80:0:0:0::/64"),
                new Grouped("::ffff:198.51.100.4", "198.51.100.4"),
                // not addresses (what a proxy might write): counted as written, never looked up as a name
                new Grouped("999.1.1.1", "999.1.1.1"),
                new Grouped("2001:db8::zz", "2001:db8::zz"),
                new Grouped("unknown", "unknown"),
                new Grouped("Host.Example", "host.example"),
                new Grouped("x".repeat(100), "x".repeat(64)),
                new Grouped(null, ""));
    }

    @ParameterizedTest
    @MethodSource("addresses")
    void addressesAreCountedAsTheirHostOrNetwork(Grouped c) {
        assertThat(FailedAuthentications.group(c.remoteAddr())).isEqualTo(c.counted());
    }

    @Test
    void theAddressesRememberedAreBounded() {
        FailedAuthentications small =
                new FailedAuthentications(new AuthSettings.FailureLimit(20, Duration.ofMinutes(1), 100), nanos::get);
        for (int i = 0; i < 10_000; i++) {
            small.failed("10." + (i >> 16) + "." + (i >> 8 & 255) + "." + (i & 255));
        }
        assertThat(small.addresses()).isEqualTo(100);
    }

    /** The one forgotten is the one whose last failure is oldest: its bucket is the fullest. */
    @Test
    void beyondTheBoundTheLeastRecentlyFailedAddressIsForgotten() {
        FailedAuthentications small =
                new FailedAuthentications(new AuthSettings.FailureLimit(2, Duration.ofMinutes(1), 3), nanos::get);
        small.failed("203.0.113.1");
        small.failed("203.0.113.2");
        small.failed("203.0.113.1");
        small.failed("203.0.113.3");
        small.failed("203.0.113.4");
        assertThat(small.addresses()).isEqualTo(3);
        assertThat(small.check("203.0.113.1")).as("failed again since, so kept").isNotNull();
        small.failed("203.0.113.2");
        assertThat(small.check("203.0.113.2"))
                .as("forgotten, so this is its first failure of two")
                .isNull();
    }
}
