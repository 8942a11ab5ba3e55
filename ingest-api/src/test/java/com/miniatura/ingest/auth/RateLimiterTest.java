package com.miniatura.ingest.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The token bucket, on a hand-driven clock. */
class RateLimiterTest {
    final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    final RateLimiter limiter = new RateLimiter(nanos::get);
    final Principal hook = new Principal("hook", EnumSet.of(Scope.UPLOAD), new AuthSettings.RateLimit(2, 3));
    final Principal other = new Principal("other", EnumSet.of(Scope.UPLOAD), new AuthSettings.RateLimit(2, 3));

    @Test
    void aBurstThenTheRateThenTheWaitUntilTheNextToken() {
        assertThat(limiter.acquire(hook)).isZero();
        assertThat(limiter.acquire(hook)).isZero();
        assertThat(limiter.acquire(hook)).isZero();
        assertThat(limiter.acquire(hook))
                .as("burst of 3 spent; 0.5 s to the next token, rounded up")
                .isEqualTo(1);
        assertThat(limiter.acquire(other)).as("each key has its own bucket").isZero();
        nanos.addAndGet(500_000_000L);
        assertThat(limiter.acquire(hook))
                .as("2 per second: one token after 0.5 s")
                .isZero();
        assertThat(limiter.acquire(hook)).isEqualTo(1);
        nanos.addAndGet(60_000_000_000L);
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.acquire(hook))
                    .as("refilled to the burst, not beyond")
                    .isZero();
        }
        assertThat(limiter.acquire(hook)).isEqualTo(1);
    }

    @Test
    void aSlowKeyIsToldToWaitSeveralSeconds() {
        Principal slow = new Principal("slow", EnumSet.of(Scope.UPLOAD), new AuthSettings.RateLimit(0.1, 1));
        assertThat(limiter.acquire(slow)).isZero();
        assertThat(limiter.acquire(slow)).isEqualTo(10);
        nanos.addAndGet(4_000_000_000L);
        assertThat(limiter.acquire(slow)).isEqualTo(6);
    }
}
