package com.miniatura.common.event;

/** One invalid field of an event or request: {@code events[3].key: must not contain ".."}. */
public record FieldError(String field, String message) {
    @Override
    public String toString() {
        return field + ": " + message;
    }
}
