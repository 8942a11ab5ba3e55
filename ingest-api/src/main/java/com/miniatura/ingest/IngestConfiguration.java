package com.miniatura.ingest;

import com.miniatura.common.config.MiniaturaSettings;
import com.miniatura.common.config.Problems;
import com.miniatura.common.storage.StorageConfiguration;
import com.miniatura.ingest.auth.AuthFilter;
import com.miniatura.ingest.auth.AuthSettings;
import com.miniatura.ingest.auth.Authenticator;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;

/** Validates the whole configuration at startup (every problem at once) and wires the ingest services. */
@Configuration(proxyBeanMethods = false)
@Import(StorageConfiguration.class)
class IngestConfiguration {
    private static final Logger log = LoggerFactory.getLogger(IngestConfiguration.class);

    /** Shared and ingest settings, validated together so one startup reports every problem. */
    record Settings(MiniaturaSettings common, IngestSettings ingest, AuthSettings auth, UploadSettings uploads) {}

    @Bean
    Settings settings(ConfigurableEnvironment environment) {
        Problems problems = new Problems();
        MiniaturaSettings common = MiniaturaSettings.load(environment, problems);
        IngestSettings ingest = IngestSettings.load(environment, problems);
        AuthSettings auth = AuthSettings.load(environment, problems);
        UploadSettings uploads = UploadSettings.load(environment, problems);
        problems.throwIfAny();
        return new Settings(common, ingest, auth, uploads);
    }

    @Bean
    MiniaturaSettings miniaturaSettings(Settings settings) {
        return settings.common();
    }

    @Bean
    IngestSettings ingestSettings(Settings settings) {
        return settings.ingest();
    }

    @Bean
    UploadSettings uploadSettings(Settings settings) {
        return settings.uploads();
    }

    @Bean
    AuthSettings authSettings(Settings settings) {
        AuthSettings auth = settings.auth();
        if (auth.devKeySet()) {
            log.warn("MINIATURA_DEV_API_KEY (miniatura.ingest.auth.dev-key) is set: it is accepted as the API key \"{}\" "
                    + "with every scope. Configure hashed keys in miniatura.ingest.auth.api-keys for production.",
                    AuthSettings.DEV_KEY_NAME);
        }
        log.info("Writes accepted from {} API key(s) {} and {} signing key(s) {}", auth.apiKeys().size(),
                auth.apiKeys().stream().map(AuthSettings.ApiKey::name).toList(), auth.hmacKeys().size(),
                auth.hmacKeys().stream().map(AuthSettings.HmacKey::id).toList());
        return auth;
    }

    @Bean
    Authenticator authenticator(AuthSettings auth) {
        return new Authenticator(auth, Clock.systemUTC());
    }

    /**
     * Runs after the trace filter (so a refusal's log line has its traceId) and before anything reads the body,
     * which a signature covers.
     */
    @Bean
    FilterRegistrationBean<AuthFilter> authFilter(Authenticator authenticator, IngestSettings ingest) {
        long maxSigned = Math.max(ingest.maxUploadBytes(), ingest.maxBodyBytes()) + 1024 * 1024; // + multipart framing
        FilterRegistrationBean<AuthFilter> registration =
                new FilterRegistrationBean<>(new AuthFilter(authenticator, maxSigned));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 20);
        return registration;
    }

    /** Pending-status writes of a batch run in parallel on this bounded pool. */
    @Bean(destroyMethod = "shutdown")
    ExecutorService storageWriters() {
        return Executors.newFixedThreadPool(16, runnable -> {
            Thread thread = new Thread(runnable, "storage-writer");
            thread.setDaemon(true);
            return thread;
        });
    }
}
