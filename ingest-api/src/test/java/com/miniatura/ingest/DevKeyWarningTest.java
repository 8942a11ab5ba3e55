package com.miniatura.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.miniatura.common.config.MiniaturaDefaults;
import com.miniatura.common.config.Problems;
import com.miniatura.ingest.auth.AuthSettings;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/** The ingest jar accepts MINIATURA_DEV_API_KEY as one more key, and says so in its log without printing it. */
@ExtendWith(OutputCaptureExtension.class)
class DevKeyWarningTest {
    private static AuthSettings load(Map<String, Object> values) {
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources().addFirst(new MapPropertySource("test", values));
        MiniaturaDefaults.load("miniatura/ingest-api-defaults.yml").forEach(env.getPropertySources()::addLast);
        Problems problems = new Problems();
        AuthSettings auth = AuthSettings.load(env, problems);
        problems.throwIfAny();
        return auth;
    }

    @Test
    void theDevKeyIsAcceptedWithAWarningThatNeverShowsIt(CapturedOutput output) {
        AuthSettings auth = load(Map.of(
                "miniatura.ingest.auth.dev-key",
                "dev-key-0123456789abcdef",
                "miniatura.ingest.auth.api-keys.hook.sha256",
                "a".repeat(64),
                "miniatura.ingest.auth.api-keys.hook.scopes",
                "upload"));
        new IngestConfiguration().authSettings(new IngestConfiguration.Settings(null, null, auth, null, null));
        assertThat(output.getOut() + output.getErr())
                .contains(
                        "MINIATURA_DEV_API_KEY (miniatura.ingest.auth.dev-key) is set: it is accepted as the API key "
                                + "\"dev\" with every scope. Configure hashed keys in miniatura.ingest.auth.api-keys for production.")
                .contains("Writes accepted from 2 API key(s) [hook, dev] and 0 signing key(s) []")
                .doesNotContain("dev-key-0123456789abcdef");
    }

    @Test
    void withoutItThereIsNoWarning(CapturedOutput output) {
        AuthSettings auth = load(Map.of(
                "miniatura.ingest.auth.dev-key",
                "",
                "miniatura.ingest.auth.api-keys.hook.sha256",
                "a".repeat(64),
                "miniatura.ingest.auth.api-keys.hook.scopes",
                "upload"));
        new IngestConfiguration().authSettings(new IngestConfiguration.Settings(null, null, auth, null, null));
        assertThat(output.getOut() + output.getErr())
                .doesNotContain("MINIATURA_DEV_API_KEY")
                .contains("Writes accepted from 1 API key(s) [hook]");
    }
}
