package com.miniatura.standalone.infra;

import ch.qos.logback.classic.Level;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Sets an embedded server's chatty loggers to WARN, unless the application configured them: Kafka logs a
 * 300-line config dump per start, S3Proxy a banner per request path. Spring Boot resets these levels when
 * a service starts, so {@code StandaloneMain} passes the same names on as {@code --logging.level.*}.
 */
final class QuietLoggers {
    private QuietLoggers() {}

    static void quiet(List<String> names) {
        for (String name : names) {
            if (LoggerFactory.getLogger(name) instanceof ch.qos.logback.classic.Logger logger
                    && logger.getLevel() == null) {
                logger.setLevel(Level.WARN);
            }
        }
    }
}
