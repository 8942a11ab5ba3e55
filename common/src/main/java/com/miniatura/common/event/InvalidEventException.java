package com.miniatura.common.event;

import java.util.List;
import java.util.stream.Collectors;

/** An event (or request) that can never be processed as it is; lists every bad field. */
public final class InvalidEventException extends RuntimeException {
    private final List<FieldError> errors;

    public InvalidEventException(List<FieldError> errors) {
        super(errors.stream().map(FieldError::toString).collect(Collectors.joining("; ")));
        this.errors = List.copyOf(errors);
    }

    public List<FieldError> errors() {
        return errors;
    }
}
