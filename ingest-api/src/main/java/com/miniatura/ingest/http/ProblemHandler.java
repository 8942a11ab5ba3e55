package com.miniatura.ingest.http;

import com.miniatura.common.event.FieldError;
import com.miniatura.common.storage.StorageRejectedException;
import com.miniatura.common.storage.StorageUnavailableException;
import com.miniatura.ingest.IngestSettings;
import com.miniatura.ingest.auth.BodyTooLargeException;
import com.miniatura.ingest.publish.BrokerUnavailableException;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.multipart.support.MissingServletRequestPartException;

/**
 * Every refusal as RFC 9457 problem+json: {@code title}, {@code status}, a {@code detail} in plain words
 * and, for invalid input, {@code errors: [{field, message}]} naming each bad field.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE) // before Spring Boot's generic problem-details advice, which names no field
class ProblemHandler {
    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);
    private final IngestSettings settings;

    ProblemHandler(IngestSettings settings) {
        this.settings = settings;
    }

    @ExceptionHandler(ApiException.class)
    ResponseEntity<ProblemDetail> api(ApiException e) {
        return problem(e.status(), e.title(), e.getMessage(), e.errors(), null);
    }

    /** A body read past its route's limit (the auth filter caps every write's body as it streams). */
    @ExceptionHandler(BodyTooLargeException.class)
    ResponseEntity<ProblemDetail> bodyTooLarge(BodyTooLargeException e) {
        return problem(
                HttpStatus.CONTENT_TOO_LARGE,
                "Request too large",
                "body: " + e.getMessage(),
                List.of(new FieldError("body", e.getMessage())),
                null);
    }

    @ExceptionHandler(MaxUploadSizeExceededException.class)
    ResponseEntity<ProblemDetail> tooLarge(MaxUploadSizeExceededException e) {
        return api(uploadTooLarge(settings.maxUploadBytes()));
    }

    static ApiException uploadTooLarge(long limit) {
        String message = "is larger than the limit of " + limit + " bytes";
        return new ApiException(
                HttpStatus.CONTENT_TOO_LARGE,
                "Upload too large",
                "file: " + message,
                List.of(new FieldError("file", message)));
    }

    @ExceptionHandler(MissingServletRequestPartException.class)
    ResponseEntity<ProblemDetail> missingPart(MissingServletRequestPartException e) {
        return problem(
                HttpStatus.BAD_REQUEST,
                "Invalid request",
                e.getRequestPartName() + ": is required",
                List.of(new FieldError(e.getRequestPartName(), "is required")),
                null);
    }

    @ExceptionHandler(MissingServletRequestParameterException.class)
    ResponseEntity<ProblemDetail> missingParameter(MissingServletRequestParameterException e) {
        return problem(
                HttpStatus.BAD_REQUEST,
                "Invalid request",
                e.getParameterName() + ": is required",
                List.of(new FieldError(e.getParameterName(), "is required")),
                null);
    }

    @ExceptionHandler(MultipartException.class)
    ResponseEntity<ProblemDetail> multipart(MultipartException e) {
        return problem(
                HttpStatus.BAD_REQUEST,
                "Invalid request",
                "the body must be multipart/form-data with a file part: " + e.getMessage(),
                List.of(new FieldError("file", "is required")),
                null);
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<ProblemDetail> mediaType(HttpMediaTypeNotSupportedException e) {
        return problem(
                HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                "Unsupported media type",
                "Content-Type " + e.getContentType() + " is not accepted here; supported: "
                        + e.getSupportedMediaTypes(),
                List.of(),
                null);
    }

    @ExceptionHandler(BrokerUnavailableException.class)
    ResponseEntity<ProblemDetail> broker(BrokerUnavailableException e) {
        log.warn("Answering 503: {}", e.getMessage());
        return problem(
                HttpStatus.SERVICE_UNAVAILABLE,
                "Event broker unavailable",
                e.getMessage() + "; nothing was accepted, retry later",
                List.of(),
                settings.retryAfter().toSeconds());
    }

    @ExceptionHandler(StorageUnavailableException.class)
    ResponseEntity<ProblemDetail> storage(StorageUnavailableException e) {
        log.warn("Answering 503: {}", e.getMessage());
        return problem(
                HttpStatus.SERVICE_UNAVAILABLE,
                "Object storage unavailable",
                e.getMessage() + "; nothing was accepted, retry later",
                List.of(),
                settings.retryAfter().toSeconds());
    }

    @ExceptionHandler(StorageRejectedException.class)
    ResponseEntity<ProblemDetail> storageRejected(StorageRejectedException e) {
        log.error("Object storage refused a request: {}", e.getMessage());
        return problem(HttpStatus.BAD_GATEWAY, "Object storage refused the request", e.getMessage(), List.of(), null);
    }

    static ResponseEntity<ProblemDetail> problem(
            HttpStatus status, String title, String detail, List<FieldError> errors, Long retryAfterSeconds) {
        ProblemDetail body = ProblemDetail.forStatusAndDetail(status, detail);
        body.setTitle(title);
        if (!errors.isEmpty()) {
            body.setProperty(
                    "errors",
                    errors.stream()
                            .map(e -> Map.of("field", e.field(), "message", e.message()))
                            .toList());
        }
        ResponseEntity.BodyBuilder response =
                ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON);
        if (retryAfterSeconds != null) {
            response.header(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, retryAfterSeconds)));
        }
        return response.body(body);
    }
}
