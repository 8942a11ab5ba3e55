package com.miniatura.common.testing;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** A missing prerequisite skips a test on a developer's machine and fails it under CI. */
class PrerequisiteTest {
    @Test
    void aMissingPrerequisiteSkipsOnADevelopersMachine() {
        assertThatThrownBy(() -> Prerequisite.missing("dwebp is not on PATH", Map.of()))
                .isInstanceOf(TestAbortedException.class)
                .hasMessage("dwebp is not on PATH");
    }

    @Test
    void aMissingPrerequisiteFailsUnderCi() {
        assertThatThrownBy(() -> Prerequisite.missing("dwebp is not on PATH", Map.of("CI", "true")))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessage("dwebp is not on PATH");
    }

    @Test
    void missingFixturesAreAMissingPrerequisite() {
        // Locally a skip, under CI a failure: either way the test does not pass silently.
        assertThatThrownBy(() -> Fixtures.require("/nonexistent/shared/fixtures/images"))
                .isInstanceOfAny(TestAbortedException.class, AssertionFailedError.class)
                .hasMessage(
                        "fixture images not found at /nonexistent/shared/fixtures/images (../shared/fixtures/images)");
    }
}
