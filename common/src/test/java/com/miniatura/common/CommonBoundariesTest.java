package com.miniatura.common;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * {@code common} holds the contracts both services share (docs/architecture.md), so it depends on neither of them:
 * a contract that needs a service's class belongs in that service. Maven's module graph refuses such an import
 * today; this rule keeps refusing it if a dependency is ever added to common's pom.
 */
@AnalyzeClasses(packages = "com.miniatura.common", importOptions = ImportOption.DoNotIncludeTests.class)
class CommonBoundariesTest {
    @ArchTest
    static final ArchRule commonImportsNoService = noClasses()
            .that()
            .resideInAPackage("com.miniatura.common..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("com.miniatura.ingest..", "com.miniatura.worker..", "com.miniatura.standalone..")
            .because("common is shared by the ingest API and the worker, and depends on neither");
}
