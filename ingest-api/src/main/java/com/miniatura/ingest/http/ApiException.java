package com.miniatura.ingest.http;

import com.miniatura.common.event.FieldError;
import java.util.List;
import org.springframework.http.HttpStatus;

/** A request the API refuses, rendered as RFC 9457 problem+json by {@link ProblemHandler}. */
final class ApiException extends RuntimeException {
    private final HttpStatus status;
    private final String title;
    private final List<FieldError> errors;

    ApiException(HttpStatus status, String title, String detail, List<FieldError> errors) {
        super(detail);
        this.status = status;
        this.title = title;
        this.errors = List.copyOf(errors);
    }

    static ApiException invalid(List<FieldError> errors) {
        String detail = errors.size() == 1
                ? errors.get(0).toString()
                : errors.size() + " fields are invalid: "
                        + errors.stream()
                                .map(FieldError::toString)
                                .limit(5)
                                .reduce((a, b) -> a + "; " + b)
                                .orElse("") + (errors.size() > 5 ? "; …" : "");
        return new ApiException(HttpStatus.BAD_REQUEST, "Invalid request", detail, errors);
    }

    static ApiException invalid(String field, String message) {
        return invalid(List.of(new FieldError(field, message)));
    }

    HttpStatus status() {
        return status;
    }

    String title() {
        return title;
    }

    List<FieldError> errors() {
        return errors;
    }
}
