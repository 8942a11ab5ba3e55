package com.miniatura.ingest.http;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.MockMvcBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.request.MockMvcRequestBuilders;

/**
 * For tests of what happens after authentication: configures {@link #KEY} (as the dev key, every scope) and sends
 * it on every MockMvc request, unless a request sets its own {@code Authorization}. {@code AuthenticationTest}
 * covers the credentials themselves.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Import(WithTestApiKey.Customizer.class)
@TestPropertySource(properties = "miniatura.ingest.auth.dev-key=" + WithTestApiKey.KEY)
public @interface WithTestApiKey {
    String KEY = "test-key-0123456789abcdef";

    @TestConfiguration(proxyBeanMethods = false)
    class Customizer {
        @Bean
        MockMvcBuilderCustomizer sendTestApiKey() {
            return builder ->
                    builder.defaultRequest(MockMvcRequestBuilders.get("/").header("Authorization", "Bearer " + KEY));
        }
    }
}
