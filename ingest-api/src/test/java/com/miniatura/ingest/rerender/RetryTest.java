package com.miniatura.ingest.rerender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.miniatura.common.storage.StorageUnavailableException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Storage outages retried with backoff, a bounded number of times, and not once the run is halted. */
class RetryTest {
    final List<Long> waits = new ArrayList<>();
    final AtomicInteger calls = new AtomicInteger();

    @Test
    void waitsLongerEachTimeThenGivesUpAfterSixAttempts() {
        Retry retry = new Retry(() -> false, waits::add);
        assertThatThrownBy(() -> retry.call(this::unavailable)).isInstanceOf(StorageUnavailableException.class);
        assertThat(calls).hasValue(Retry.ATTEMPTS);
        assertThat(waits).containsExactly(1_000L, 2_000L, 4_000L, 8_000L, 16_000L);
    }

    @Test
    void returnsOnceStorageAnswers() {
        Retry retry = new Retry(() -> false, waits::add);
        AtomicInteger tries = new AtomicInteger();
        assertThat(retry.<String>call(() -> tries.incrementAndGet() < 3 ? unavailable() : "answer"))
                .isEqualTo("answer");
        assertThat(waits).containsExactly(1_000L, 2_000L);
    }

    @Test
    void aHaltedRunDoesNotWait() {
        Retry retry = new Retry(() -> true, waits::add);
        assertThatThrownBy(() -> retry.call(this::unavailable)).isInstanceOf(StorageUnavailableException.class);
        assertThat(calls).hasValue(1);
        assertThat(waits).isEmpty();
    }

    @Test
    void progressStartsTheCountAgain() throws InterruptedException {
        Retry.Attempts attempts = new Retry(() -> false, waits::add).attempts();
        StorageUnavailableException down = new StorageUnavailableException("down", null);
        attempts.failed(down);
        attempts.failed(down);
        attempts.reset();
        attempts.failed(down);
        assertThat(waits).containsExactly(1_000L, 2_000L, 1_000L);
    }

    private String unavailable() {
        calls.incrementAndGet();
        throw new StorageUnavailableException("storage down", null);
    }
}
