package io.github.netbackrx.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package arrows of the layout in docs/index.md: data flows one way, {@code core} depends on
 * nothing of ours, the model packages ({@code core}, {@code ring}, {@code xen}, {@code netback},
 * {@code netfront}, {@code trace}) never reach the wiring ({@code sim}), the bug catalogue ({@code
 * bugs}) or the command line ({@code cli}); nothing depends on {@code cli}, and only the command line
 * prints.
 */
class ArchitectureTest {
    private static final String ROOT = "io.github.netbackrx";
    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(ROOT);
    }

    @Test
    void coreDependsOnTheJdkOnly() {
        classes()
                .that()
                .resideInAPackage(ROOT + ".core..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage(ROOT + ".core..", "java..")
                .check(main);
    }

    @Test
    void ringUsesCoreAndTheJdkOnly() {
        classes()
                .that()
                .resideInAPackage(ROOT + ".ring..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage(ROOT + ".ring..", ROOT + ".core..", "java..")
                .check(main);
    }

    @Test
    void netbackUsesCoreRingXenAndLoggingOnly() {
        classes()
                .that()
                .resideInAPackage(ROOT + ".netback..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage(
                        ROOT + ".netback..",
                        ROOT + ".core..",
                        ROOT + ".ring..",
                        ROOT + ".xen..",
                        "org.slf4j..",
                        "java..")
                .check(main);
    }

    @Test
    void theEnginesAreBehindOneInterfaceAndNotPublic() {
        classes()
                .that()
                .resideInAPackage(ROOT + ".netback..")
                .and()
                .haveSimpleNameStartingWith("Xenvif")
                .or()
                .haveSimpleName("NetRxAction")
                .or()
                .haveSimpleName("XnbStart")
                .should()
                .implement(ROOT + ".netback.RxEngine")
                .andShould()
                .notBePublic()
                .check(main);
    }

    @Test
    void simUsesTheModelPackagesOnly() {
        classes()
                .that()
                .resideInAPackage(ROOT + ".sim..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage(
                        ROOT + ".sim..",
                        ROOT + ".core..",
                        ROOT + ".ring..",
                        ROOT + ".xen..",
                        ROOT + ".netback..",
                        ROOT + ".netfront..",
                        ROOT + ".trace..",
                        "java..")
                .check(main);
    }

    @Test
    void netfrontUsesCoreRingAndXenOnly() {
        classes()
                .that()
                .resideInAPackage(ROOT + ".netfront..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage(ROOT + ".netfront..", ROOT + ".core..", ROOT + ".ring..", ROOT + ".xen..", "java..")
                .check(main);
    }

    @Test
    void traceUsesCoreOnly() {
        classes()
                .that()
                .resideInAPackage(ROOT + ".trace..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage(ROOT + ".trace..", ROOT + ".core..", "java..")
                .check(main);
    }

    @Test
    void xenDependsOnTheJdkAndCoreOnly() {
        classes()
                .that()
                .resideInAPackage(ROOT + ".xen..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage(ROOT + ".xen..", ROOT + ".core..", "java..")
                .check(main);
    }

    @Test
    void theBugCatalogueSitsOnTopOfTheModelAndItsWiring() {
        classes()
                .that()
                .resideInAPackage(ROOT + ".bugs..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage(
                        ROOT + ".bugs..",
                        ROOT + ".core..",
                        ROOT + ".ring..",
                        ROOT + ".xen..",
                        ROOT + ".netback..",
                        ROOT + ".netfront..",
                        ROOT + ".sim..",
                        "java..")
                .check(main);
    }

    @Test
    void theModelPackagesNeverReachTheWiringTheCatalogueOrTheCommandLine() {
        noClasses()
                .that()
                .resideInAnyPackage(
                        ROOT + ".core..",
                        ROOT + ".ring..",
                        ROOT + ".xen..",
                        ROOT + ".netback..",
                        ROOT + ".netfront..",
                        ROOT + ".trace..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(ROOT + ".sim..", ROOT + ".bugs..", ROOT + ".cli..")
                .check(main);
    }

    @Test
    void publicClassesOfTheExportedPackagesAreFinal() {
        classes()
                .that()
                .resideOutsideOfPackage(ROOT + ".cli..")
                .and()
                .arePublic()
                .and()
                .areNotInterfaces()
                .and()
                .areNotEnums()
                .should()
                .haveModifier(JavaModifier.FINAL)
                .check(main);
    }

    @Test
    void nothingDependsOnTheCommandLine() {
        noClasses()
                .that()
                .resideOutsideOfPackage(ROOT + ".cli..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage(ROOT + ".cli..")
                .check(main);
    }

    @Test
    void onlyTheCommandLineAndTheBugCatalogueUseTheSimulationWiring() {
        noClasses()
                .that()
                .resideOutsideOfPackages(ROOT + ".cli..", ROOT + ".sim..", ROOT + ".bugs..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage(ROOT + ".sim..")
                .allowEmptyShould(true)
                .check(main);
    }

    @Test
    void onlyTheCommandLineUsesTheBugCatalogue() {
        noClasses()
                .that()
                .resideOutsideOfPackages(ROOT + ".cli..", ROOT + ".bugs..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage(ROOT + ".bugs..")
                .allowEmptyShould(true)
                .check(main);
    }

    @Test
    void packagesAreFreeOfCycles() {
        slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(main);
    }

    @Test
    void onlyTheCommandLinePrints() {
        noClasses()
                .that()
                .resideOutsideOfPackage(ROOT + ".cli..")
                .should()
                .accessField(System.class, "out")
                .orShould()
                .accessField(System.class, "err")
                .check(main);
    }
}
