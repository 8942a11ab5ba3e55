package com.miniatura.standalone;

import com.miniatura.common.config.ConfigurationReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * The standalone's API key, so the README's try-it works in one copy-paste: {@code MINIATURA_DEV_API_KEY} (or
 * {@code --miniatura.ingest.auth.dev-key}) if set, else the key kept in the data folder ({@code dev-api-key}),
 * else a new random one saved there, so it survives restarts as the data does.
 *
 * @param key       the key
 * @param generated whether the standalone made it (then it is printed; a key the user chose is not)
 * @param file      where it is kept, when the standalone made it
 */
record DevApiKey(String key, boolean generated, Path file) {
    static final String ENV = "MINIATURA_DEV_API_KEY";
    static final String PROPERTY = "miniatura.ingest.auth.dev-key";
    static final String FILE = "dev-api-key";

    static DevApiKey resolve(ConfigurableEnvironment environment, Path dataDir) throws IOException {
        String given = new ConfigurationReader(environment)
                .readFlat("miniatura.ingest.auth")
                .getOrDefault("dev-key", environment.getProperty(ENV, ""));
        if (given != null && !given.isBlank()) {
            return new DevApiKey(given.trim(), false, null);
        }
        Path file = dataDir.resolve(FILE);
        if (Files.isRegularFile(file)) {
            String kept = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (!kept.isEmpty()) {
                return new DevApiKey(kept, true, file);
            }
        }
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        String key = "mk_dev_" + HexFormat.of().formatHex(random);
        Files.createDirectories(dataDir);
        Files.writeString(file, key + "\n", StandardCharsets.UTF_8);
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system (Windows): the data folder's own permissions apply
        }
        return new DevApiKey(key, true, file);
    }
}
