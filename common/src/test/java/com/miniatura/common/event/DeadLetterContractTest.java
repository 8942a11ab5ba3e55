package com.miniatura.common.event;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The dead-letter names on the wire: operators' tools and alerts read them, so they never change by accident. */
class DeadLetterContractTest {

    @Test
    void topicAndHeaderNamesOnTheWire() {
        assertThat(DeadLetterContract.topicOf("miniatura.images")).isEqualTo("miniatura.images.dlq");
        assertThat(DeadLetterContract.topicOf("miniatura.images.bulk")).isEqualTo("miniatura.images.bulk.dlq");
        assertThat(DeadLetterContract.ERROR_CLASS).isEqualTo("miniatura-error-class");
        assertThat(DeadLetterContract.ERROR_REASON).isEqualTo("miniatura-error-reason");
        assertThat(DeadLetterContract.ATTEMPTS).isEqualTo("miniatura-attempts");
        assertThat(DeadLetterContract.FAILED_AT).isEqualTo("miniatura-failed-at");
    }

    @Test
    void everyHeaderTheWorkerAddsIsOneAReplayDrops() {
        for (String header : new String[] {
            DeadLetterContract.ERROR_CLASS,
            DeadLetterContract.ERROR_REASON,
            DeadLetterContract.ATTEMPTS,
            DeadLetterContract.FAILED_AT,
            "kafka_dlt-original-topic",
            "kafka_deliveryattempt"
        }) {
            assertThat(DeadLetterContract.ADDED_HEADER_PREFIXES).anyMatch(header::startsWith);
        }
        assertThat(DeadLetterContract.ADDED_HEADER_PREFIXES).noneMatch("ce_id"::startsWith);
    }
}
