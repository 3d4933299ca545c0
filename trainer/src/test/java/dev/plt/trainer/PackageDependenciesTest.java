package dev.plt.trainer;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The trainer's packages point one way, like the product's (see jobs' PackageDependenciesTest). */
class PackageDependenciesTest {
    @Test
    void noPackageCycles() {
        JavaClasses trainer = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.plt.trainer");
        assertTrue(trainer.containPackage("dev.plt.trainer.model"), "the trainer's classes were imported");
        slices().matching("dev.plt.(**)").should().beFreeOfCycles().check(trainer);
    }
}
