package com.miniatura.worker;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.simpleName;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.simpleNameStartingWith;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.miniatura.worker.render.boundaryviolation.Violations;
import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The worker's boundaries (docs/architecture.md): {@code render} is a library of pure functions from bytes to bytes,
 * usable without Spring, Kafka, object storage or a file system, and {@code com.miniatura.worker.render} is its only
 * exported package, so its subpackages can be rearranged without touching the service around it.
 */
@AnalyzeClasses(packages = "com.miniatura.worker", importOptions = ImportOption.DoNotIncludeTests.class)
class WorkerBoundariesTest {
    static final String RENDER = "com.miniatura.worker.render";

    /** java.io's file classes (File, FileInputStream, FileOutputStream, FileReader...) and RandomAccessFile. */
    private static final DescribedPredicate<JavaClass> FILE_IO = resideInAPackage("java.io")
            .and(simpleNameStartingWith("File").or(simpleName("RandomAccessFile")))
            .as("are java.io's file classes (File*, RandomAccessFile)");

    @ArchTest
    static final ArchRule renderUsesNoFrameworkNoMessagingNoStorage = noClasses()
            .that()
            .resideInAPackage(RENDER + "..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "org.springframework..", "org.apache.kafka..", "io.minio..", "com.miniatura.common.storage..")
            .because(
                    "render turns bytes into bytes; the service around it (consume) talks to Spring, Kafka and storage");

    @ArchTest
    static final ArchRule renderDoesNoFileOrNetworkIo = noClasses()
            .that()
            .resideInAPackage(RENDER + "..")
            .should()
            .dependOnClassesThat(
                    resideInAnyPackage("java.nio.file..", "java.net..").as("are in java.nio.file or java.net"))
            .orShould()
            .dependOnClassesThat(FILE_IO)
            .because(
                    "render gets its input as bytes and returns bytes; reading files or the network is the caller's job");

    @ArchTest
    static final ArchRule onlyRenderItselfIsExported = noClasses()
            .that()
            .resideOutsideOfPackage(RENDER + "..")
            .should()
            .dependOnClassesThat(resideInAPackage(RENDER + "..")
                    .and(not(resideInAPackage(RENDER)))
                    .as("are in a subpackage of " + RENDER))
            .because(RENDER + " is the only exported package of render; its subpackages are internal");

    /** Test code outside render that reaches into a render subpackage. */
    static final class UsesARenderInternal {
        static byte[] read() throws Exception {
            return Violations.readsAFile(null);
        }
    }

    private static final JavaClasses VIOLATIONS =
            new ClassFileImporter().importClasses(Violations.class, Violations.ABean.class, UsesARenderInternal.class);

    @Test
    void theRulesCatchCodeThatBreaksThem() {
        assertThat(details(renderUsesNoFrameworkNoMessagingNoStorage))
                .anyMatch(line ->
                        line.contains("Violations$ABean") && line.contains("org.springframework.stereotype.Component"));
        assertThat(details(renderDoesNoFileOrNetworkIo))
                .anyMatch(line -> line.contains("Violations.readsAFile") && line.contains("java.nio.file.Files"))
                .anyMatch(line ->
                        line.contains("Violations.opensAFileStream") && line.contains("java.io.FileInputStream"))
                .anyMatch(line -> line.contains("Violations.namesAHost") && line.contains("java.net.URI"));
        assertThat(details(onlyRenderItselfIsExported))
                .anyMatch(line -> line.contains("UsesARenderInternal.read") && line.contains("Violations.readsAFile"));
    }

    private static List<String> details(ArchRule rule) {
        return rule.evaluate(VIOLATIONS).getFailureReport().getDetails();
    }
}
