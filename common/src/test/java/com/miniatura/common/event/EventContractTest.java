package com.miniatura.common.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class EventContractTest {

    record Case(String description, String json, List<String> errors) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<Case> payloads() {
        String longKey = "a".repeat(1025);
        return Stream.of(
                new Case(
                        "minimal valid",
                        "{\"imageId\":\"img-1\",\"bucket\":\"originals\",\"key\":\"img-1.jpg\"}",
                        List.of()),
                new Case(
                        "every field",
                        "{\"imageId\":\"A.b_c-9\",\"lotId\":\"1234\",\"bucket\":\"originals\",\"key\":\"lots/1234/ü.jpg\","
                                + "\"etag\":\"abc\",\"size\":123,\"contentType\":\"image/jpeg\"}",
                        List.of()),
                new Case(
                        "missing required",
                        "{}",
                        List.of("imageId: is required", "bucket: is required", "key: is required")),
                new Case(
                        "imageId with a slash",
                        "{\"imageId\":\"a/b\",\"bucket\":\"originals\",\"key\":\"k\"}",
                        List.of("imageId: must be 1-128 characters of A-Z, a-z, 0-9, '.', '_' or '-'")),
                new Case(
                        "imageId of dots",
                        "{\"imageId\":\"..\",\"bucket\":\"originals\",\"key\":\"k\"}",
                        List.of("imageId: must not consist of dots only")),
                new Case(
                        "imageId too long",
                        "{\"imageId\":\"" + "x".repeat(129) + "\",\"bucket\":\"originals\",\"key\":\"k\"}",
                        List.of("imageId: must be 1-128 characters of A-Z, a-z, 0-9, '.', '_' or '-'")),
                new Case(
                        "absolute key",
                        "{\"imageId\":\"i\",\"bucket\":\"originals\",\"key\":\"/etc/passwd\"}",
                        List.of("key: must be relative (must not start with '/')")),
                new Case(
                        "traversal key",
                        "{\"imageId\":\"i\",\"bucket\":\"originals\",\"key\":\"a/../../b\"}",
                        List.of("key: must not contain '..'")),
                new Case(
                        "control character in key",
                        "{\"imageId\":\"i\",\"bucket\":\"originals\",\"key\":\"a\\u0000b\"}",
                        List.of("key: must not contain control characters")),
                new Case(
                        "key over 1024 bytes",
                        "{\"imageId\":\"i\",\"bucket\":\"originals\",\"key\":\"" + longKey + "\"}",
                        List.of("key: must be at most 1024 bytes in UTF-8 but was 1025")),
                new Case(
                        "bad bucket",
                        "{\"imageId\":\"i\",\"bucket\":\"Originals_1\",\"key\":\"k\"}",
                        List.of("bucket: must be a bucket name of 3-63 lower-case letters, digits, dots and dashes")),
                new Case(
                        "wrong types",
                        "{\"imageId\":7,\"bucket\":\"originals\",\"key\":\"k\",\"size\":\"big\",\"lotId\":true}",
                        List.of(
                                "imageId: must be a string",
                                "lotId: must be a string",
                                "size: must be a whole number of bytes")),
                new Case(
                        "negative size and bad media type",
                        "{\"imageId\":\"i\",\"bucket\":\"originals\",\"key\":\"k\",\"size\":-1,\"contentType\":\"jpeg\"}",
                        List.of("size: must not be negative", "contentType: must be a media type such as image/jpeg")),
                new Case(
                        "some variants",
                        "{\"imageId\":\"i\",\"bucket\":\"originals\",\"key\":\"k\",\"variants\":[\"s150\",\"webp-480\"]}",
                        List.of()),
                new Case(
                        "variants not a list of names",
                        "{\"imageId\":\"i\",\"bucket\":\"originals\",\"key\":\"k\",\"variants\":[\"s150\",3]}",
                        List.of("variants: must be an array of variant names")),
                new Case(
                        "variants a string",
                        "{\"imageId\":\"i\",\"bucket\":\"originals\",\"key\":\"k\",\"variants\":\"s150\"}",
                        List.of("variants: must be an array of variant names")),
                new Case(
                        "variants empty",
                        "{\"imageId\":\"i\",\"bucket\":\"originals\",\"key\":\"k\",\"variants\":[]}",
                        List.of(
                                "variants: must name at least one variant when present (leave it out for every variant)")),
                new Case(
                        "variant name with a capital",
                        "{\"imageId\":\"i\",\"bucket\":\"originals\",\"key\":\"k\",\"variants\":[\"S150\"]}",
                        List.of(
                                "variants: must be variant names of 1-32 lower-case letters, digits or '-' but had \"S150\"")),
                new Case(
                        "a variant twice",
                        "{\"imageId\":\"i\",\"bucket\":\"originals\",\"key\":\"k\",\"variants\":[\"a\",\"a\"]}",
                        List.of("variants: must not name a variant twice")),
                new Case("not an object", "[1,2]", List.of("data: must be a JSON object")),
                new Case("not JSON", "{imageId:", List.of("data: is not valid JSON")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("payloads")
    void validatesPayloadNamingEachField(Case c) {
        List<FieldError> errors = new ArrayList<>();
        ImageUploaded data = EventCodec.parseData(c.json().getBytes(StandardCharsets.UTF_8), "", false, errors);
        List<String> shown = errors.stream()
                .map(e -> e.toString().replaceAll("(is not valid JSON).*", "$1"))
                .toList();
        assertThat(shown).containsExactlyInAnyOrderElementsOf(c.errors());
        assertThat(data == null).isEqualTo(!c.errors().isEmpty());
    }

    @Test
    void strictParsingRefusesUnknownFieldsWithTheCallersPath() {
        List<FieldError> errors = new ArrayList<>();
        EventCodec.parseData(
                "{\"imageId\":\"i\",\"bucket\":\"originals\",\"key\":\"k\",\"colour\":\"red\"}"
                        .getBytes(StandardCharsets.UTF_8),
                "events[2].",
                true,
                errors);
        assertThat(errors)
                .containsExactly(
                        new FieldError(
                                "events[2].colour",
                                "is not a known field (known: imageId, lotId, bucket, key, etag, size, contentType, variants)"));
    }

    @Test
    void roundTripsThroughKafkaBinaryMode() {
        ImageUploaded data = new ImageUploaded("img-1", "lot-9", "originals", "img-1.jpg", "e1", 42L, "image/jpeg");
        ImageEvent event = new ImageEvent(
                "id-1",
                "/miniatura/ingest-api",
                EventContract.TYPE_UPLOADED,
                Instant.parse("2026-11-22T10:00:00Z"),
                data);
        Map<String, byte[]> headers = EventCodec.headers(event);
        assertThat(headers.keySet())
                .containsExactly(
                        "ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time", "ce_subject", "content-type");
        assertThat(EventCodec.decode(headers, EventCodec.payload(data))).isEqualTo(event);
    }

    @Test
    void aReRenderOfSomeVariantsRoundTrips() {
        ImageUploaded data =
                new ImageUploaded("img-1", null, "originals", "img-1.jpg", "e1", null, null, List.of("s150", "d800"));
        ImageEvent event = new ImageEvent(
                "id-2",
                "/miniatura/rerender",
                EventContract.TYPE_UPLOADED,
                Instant.parse("2026-11-22T10:00:00Z"),
                data);
        assertThat(new String(EventCodec.payload(data), StandardCharsets.UTF_8))
                .isEqualTo(
                        "{\"imageId\":\"img-1\",\"bucket\":\"originals\",\"key\":\"img-1.jpg\",\"etag\":\"e1\",\"variants\":[\"s150\",\"d800\"]}");
        assertThat(EventCodec.decode(EventCodec.headers(event), EventCodec.payload(data)))
                .isEqualTo(event);
    }

    @Test
    void decodesWhatANonJavaProducerSends() {
        // The docs/events.md example, as kcat sends it: only the documented headers, compact JSON.
        Map<String, byte[]> headers = new LinkedHashMap<>();
        headers.put("ce_specversion", bytes("1.0"));
        headers.put("ce_type", bytes("image.uploaded"));
        headers.put("ce_source", bytes("/marketplace/uploads"));
        headers.put("ce_id", bytes("7d0c5f1e"));
        headers.put("content-type", bytes("application/json"));
        ImageEvent event = EventCodec.decode(
                headers, bytes("{\"imageId\":\"lot-1234-1\",\"bucket\":\"originals\",\"key\":\"lot-1234-1.jpg\"}"));
        assertThat(event.data().imageId()).isEqualTo("lot-1234-1");
        assertThat(event.time()).isNull();
    }

    @Test
    void refusesEnvelopeProblemsAllAtOnce() {
        Map<String, byte[]> headers = Map.of(
                "ce_specversion",
                bytes("0.3"),
                "ce_type",
                bytes("image.resized"),
                "ce_time",
                bytes("yesterday"),
                "content-type",
                bytes("text/plain"));
        assertThatThrownBy(() -> EventCodec.decode(headers, bytes("{}")))
                .isInstanceOfSatisfying(
                        InvalidEventException.class,
                        e -> assertThat(e.errors())
                                .extracting(FieldError::toString)
                                .containsExactly(
                                        "ce_specversion: must be 1.0 but was \"0.3\"",
                                        "ce_type: must be image.uploaded or image.deleted but was \"image.resized\"",
                                        "ce_id: is required",
                                        "ce_source: is required",
                                        "ce_time: must be an RFC 3339 timestamp but was \"yesterday\"",
                                        "content-type: must be application/json but was \"text/plain\"",
                                        "imageId: is required",
                                        "bucket: is required",
                                        "key: is required"));
    }

    @Test
    void aDeletionRoundTripsWithOnlyItsImageId() {
        ImageEvent event = new ImageEvent(
                "id-2", "/miniatura/ingest-api", Instant.parse("2026-11-23T09:00:00Z"), new ImageDeleted("lot-1234-1"));
        assertThat(event.type()).isEqualTo("image.deleted");
        assertThat(new String(EventCodec.payload(event.data()), StandardCharsets.UTF_8))
                .isEqualTo("{\"imageId\":\"lot-1234-1\"}");
        assertThat(EventCodec.headers(event).get("ce_subject")).isEqualTo(bytes("lot-1234-1"));
        assertThat(EventCodec.decode(EventCodec.headers(event), EventCodec.payload(event.data())))
                .isEqualTo(event);
    }

    record DeletionCase(String description, String json, List<String> errors) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<DeletionCase> badDeletions() {
        return Stream.of(
                new DeletionCase("no imageId", "{\"bucket\":\"originals\"}", List.of("imageId: is required")),
                new DeletionCase(
                        "imageId with a slash",
                        "{\"imageId\":\"a/b\"}",
                        List.of("imageId: must be 1-128 characters of A-Z, a-z, 0-9, '.', '_' or '-'")),
                new DeletionCase("imageId a number", "{\"imageId\":7}", List.of("imageId: must be a string")),
                new DeletionCase("not an object", "[\"img-1\"]", List.of("data: must be a JSON object")),
                new DeletionCase(
                        "not JSON",
                        "img-1",
                        List.of("data: is not valid JSON: Unrecognized token 'img': was expecting"
                                + " (JSON String, Number, Array, Object or token 'null', 'true' or 'false')")),
                new DeletionCase("empty", "", List.of("data: is required (the record value is empty)")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badDeletions")
    void refusesABadDeletionNamingTheField(DeletionCase c) {
        Map<String, byte[]> headers = Map.of(
                "ce_specversion",
                bytes("1.0"),
                "ce_type",
                bytes("image.deleted"),
                "ce_id",
                bytes("d-1"),
                "ce_source",
                bytes("/test"));
        assertThatThrownBy(() -> EventCodec.decode(headers, bytes(c.json())))
                .isInstanceOfSatisfying(
                        InvalidEventException.class,
                        e -> assertThat(e.errors())
                                .extracting(FieldError::toString)
                                .containsExactlyElementsOf(c.errors()));
    }

    @Test
    void anEnvelopeCannotNameOneTypeAndCarryTheOther() {
        assertThatThrownBy(() ->
                        new ImageEvent("id-3", "/test", EventContract.TYPE_UPLOADED, null, new ImageDeleted("img-1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("type image.uploaded does not match data ImageDeleted");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
