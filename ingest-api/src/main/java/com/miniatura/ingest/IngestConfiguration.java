package com.miniatura.ingest;

import com.miniatura.common.config.MiniaturaSettings;
import com.miniatura.common.config.Problems;
import com.miniatura.common.storage.StorageConfiguration;
import com.miniatura.ingest.auth.AuthFilter;
import com.miniatura.ingest.auth.AuthSettings;
import com.miniatura.ingest.auth.Authenticator;
import com.miniatura.ingest.auth.FailedAuthentications;
import com.miniatura.ingest.auth.Routes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.MultipartConfigElement;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.tomcat.util.buf.EncodedSolidusHandling;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/** Validates the whole configuration at startup (every problem at once) and wires the ingest services. */
@Configuration(proxyBeanMethods = false)
@Import(StorageConfiguration.class)
class IngestConfiguration {
    private static final Logger log = LoggerFactory.getLogger(IngestConfiguration.class);

    /** Shared and ingest settings, validated together so one startup reports every problem. */
    record Settings(
            MiniaturaSettings common,
            IngestSettings ingest,
            AuthSettings auth,
            UploadSettings uploads,
            StuckSettings stuck) {}

    @Bean
    Settings settings(ConfigurableEnvironment environment) {
        Problems problems = new Problems();
        MiniaturaSettings common = MiniaturaSettings.load(environment, problems);
        IngestSettings ingest = IngestSettings.load(environment, problems);
        AuthSettings auth = AuthSettings.load(environment, problems);
        UploadSettings uploads = UploadSettings.load(environment, problems);
        StuckSettings stuck = StuckSettings.load(environment, problems);
        problems.throwIfAny();
        return new Settings(common, ingest, auth, uploads, stuck);
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
    StuckSettings stuckSettings(Settings settings) {
        return settings.stuck();
    }

    @Bean
    AuthSettings authSettings(Settings settings) {
        AuthSettings auth = settings.auth();
        if (auth.devKeySet()) {
            log.warn(
                    "MINIATURA_DEV_API_KEY (miniatura.ingest.auth.dev-key) is set: it is accepted as the API key \"{}\" "
                            + "with every scope. Configure hashed keys in miniatura.ingest.auth.api-keys for production.",
                    AuthSettings.DEV_KEY_NAME);
        }
        log.info(
                "Writes accepted from {} API key(s) {} and {} signing key(s) {}",
                auth.apiKeys().size(),
                auth.apiKeys().stream().map(AuthSettings.ApiKey::name).toList(),
                auth.hmacKeys().size(),
                auth.hmacKeys().stream().map(AuthSettings.HmacKey::id).toList());
        return auth;
    }

    @Bean
    Authenticator authenticator(AuthSettings auth) {
        return new Authenticator(auth, Clock.systemUTC());
    }

    /** Failed authentications per client address ({@code miniatura.ingest.auth.failures}). */
    @Bean
    FailedAuthentications failedAuthentications(AuthSettings auth) {
        return new FailedAuthentications(auth.failures(), System::nanoTime);
    }

    /** The write routes and what each requires, read from the dispatcher's mapping; fails startup if one says nothing. */
    @Bean
    Routes routes(@Qualifier("requestMappingHandlerMapping") RequestMappingHandlerMapping mapping) {
        return new Routes(mapping, "com.miniatura");
    }

    /**
     * Runs after the trace filter (so a refusal's log line has its traceId) and before anything reads the body,
     * which a signature covers. The routes are looked up when the first write arrives: the dispatcher's mapping is
     * built after the filters.
     */
    @Bean
    FilterRegistrationBean<AuthFilter> authFilter(
            Authenticator authenticator,
            IngestSettings ingest,
            AuthSettings auth,
            ObjectProvider<Routes> routes,
            FailedAuthentications failures,
            MeterRegistry meters) {
        AuthFilter.Limits limits = new AuthFilter.Limits(
                Math.min(AuthFilter.JSON_BYTES, ingest.maxBodyBytes()),
                ingest.maxBodyBytes(),
                ingest.maxUploadBytes() + AuthFilter.MULTIPART_FRAMING_BYTES,
                ingest.maxUploadBytes(),
                ingest.maxConcurrentUploads(),
                auth.maxUnverifiedBodies(),
                Math.max(1, ingest.retryAfter().toSeconds()));
        Counter blocked = Counter.builder("miniatura.auth.failures.blocked")
                .description("Writes refused with 429 because their client address failed authentication too often")
                .register(meters);
        Gauge.builder("miniatura.auth.failures.addresses", failures, FailedAuthentications::addresses)
                .description("Client addresses whose failed authentications are remembered; at most max-addresses")
                .register(meters);
        AuthFilter filter = new AuthFilter(authenticator, routes::getObject, limits, failures, blocked);
        Gauge.builder("miniatura.uploads.in.progress", filter, AuthFilter::uploadsInProgress)
                .description("Uploads (POST /v1/images) this instance is taking now; at max-concurrent-uploads, 503")
                .register(meters);
        Gauge.builder("miniatura.unverified.bodies.in.progress", filter, AuthFilter::unverifiedBodiesInProgress)
                .description(
                        "Signed bodies being read before their signature is checked; at max-unverified-bodies, 503")
                .register(meters);
        FilterRegistrationBean<AuthFilter> registration = new FilterRegistrationBean<>(filter);
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 20);
        return registration;
    }

    /**
     * Encoded slashes and backslashes are let through Tomcat, still encoded, to the auth filter's path rules, which
     * refuse them (and every other path that reaches a handler by a second spelling) as problem+json like every
     * other refusal of this API, rather than as Tomcat's HTML error page.
     */
    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> encodedSlashesReachThePathRules() {
        return factory -> factory.addConnectorCustomizers(connector -> {
            connector.setEncodedSolidusHandling(EncodedSolidusHandling.PASS_THROUGH.getValue());
            connector.setEncodedReverseSolidusHandling(EncodedSolidusHandling.PASS_THROUGH.getValue());
        });
    }

    /**
     * The file may be {@code max-upload-size}; the request around it also carries the multipart framing (boundaries,
     * part headers, the imageId field), as the auth filter allows.
     */
    @Bean
    MultipartConfigElement multipartConfig(IngestSettings ingest) {
        return new MultipartConfigElement(
                "", ingest.maxUploadBytes(), ingest.maxUploadBytes() + AuthFilter.MULTIPART_FRAMING_BYTES, 0);
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
