package dev.plt.jobs;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The product's packages point one way (docs/ARCHITECTURE.md): no two packages depend on each other,
 * directly or around a loop, and the modules stay layered (model <- datasets <- udfs <- jobs, the
 * model without Spark). Checked on the compiled classes of the four modules this one sees, tests excluded.
 */
class PackageDependenciesTest {
    private static final JavaClasses PRODUCT = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            // model's test jar (Mutations) is on this module's test classpath as a jar when Maven packages first
            .withImportOption(location -> !location.contains("-tests.jar"))
            .importPackages("dev.plt");

    @Test
    void noPackageCycles() {
        slices().matching("dev.plt.(**)").should().beFreeOfCycles().check(PRODUCT);
    }

    @Test
    void theModelNeedsNeitherSparkNorTheLayersAboveIt() {
        noClasses().that().resideInAPackage("dev.plt.model..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.spark..", "dev.plt.datasets..",
                        "dev.plt.udfs..", "dev.plt.jobs..")
                .check(PRODUCT);
    }

    @Test
    void datasetsAndUdfsDoNotReachUp() {
        noClasses().that().resideInAPackage("dev.plt.datasets..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.plt.udfs..", "dev.plt.jobs..")
                .check(PRODUCT);
        noClasses().that().resideInAPackage("dev.plt.udfs..")
                .should().dependOnClassesThat().resideInAPackage("dev.plt.jobs..")
                .check(PRODUCT);
    }

    @Test
    void theRuleSeesEveryModule() {
        // A rule over no classes passes whatever the code: make sure each module's classes were imported.
        for (String pkg : new String[] {"dev.plt.model.inference", "dev.plt.datasets.tasks", "dev.plt.udfs.batch",
            "dev.plt.jobs.cli"}) {
            org.junit.jupiter.api.Assertions.assertTrue(PRODUCT.containPackage(pkg), "no classes imported from " + pkg);
        }
    }
}
