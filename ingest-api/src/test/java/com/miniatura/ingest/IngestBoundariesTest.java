package com.miniatura.ingest;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The ingest API and the worker meet only through {@code common}'s contracts (the event, the manifest, the storage
 * layout; docs/architecture.md): the API never imports the worker. Maven's module graph refuses such an import
 * today; this rule keeps refusing it if the worker is ever added to ingest-api's pom.
 */
@AnalyzeClasses(packages = "com.miniatura.ingest", importOptions = ImportOption.DoNotIncludeTests.class)
class IngestBoundariesTest {
    @ArchTest
    static final ArchRule ingestNeverImportsTheWorker = noClasses()
            .that()
            .resideInAPackage("com.miniatura.ingest..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("com.miniatura.worker..")
            .because("the ingest API and the worker share only common's contracts");
}
