package com.miniatura.ingest.auth;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * What a write handler needs: the scope a credential must hold, and how large a body it reads. {@link AuthFilter}
 * finds the handler a request will reach as Spring MVC finds it ({@link Routes}) and applies both before the body is
 * read. Every handler of ours that takes a {@code POST}, {@code PUT}, {@code PATCH} or {@code DELETE} must carry
 * one: the service refuses to start otherwise, and a write that reaches no annotated handler is refused.
 */
@Documented
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
public @interface RequiresScope {
    /** The scope a credential must hold. */
    Scope value();

    /** The largest body the handler reads. */
    BodyLimit body();
}
