package org.strongroom.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Module boundaries from docs/architecture.md ("Module rules"), checked on the compiled classes of every module. */
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.strongroom");
    }

    @Test
    void domainKnowsNothingOfTransportsOrTheGateway() {
        noClasses().that().resideInAnyPackage("org.strongroom.kernel..", "org.strongroom.customer..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "io.grpc..", "com.google.protobuf..", "com.google.rpc..", "org.strongroom.proto..",
                        "org.strongroom.gateway..", "org.strongroom.node..", "org.strongroom.projections..",
                        "org.springframework.web..", "org.springframework.jdbc..")
                .check(classes);
    }

    @Test
    void projectionsUseOnlyTheDomainsPublishedApi() {
        noClasses().that().resideInAPackage("org.strongroom.projections..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "org.strongroom.customer.domain..", "org.strongroom.gateway..", "org.strongroom.node..",
                        "org.strongroom.proto..", "io.grpc..")
                .check(classes);
    }

    @Test
    void gatewayServicesTalkToTheDomainThroughMessagesOnly() {
        noClasses().that().resideInAPackage("org.strongroom.gateway..")
                .should().dependOnClassesThat().resideInAnyPackage("org.strongroom.customer.domain..",
                        "org.strongroom.projections.customer..")
                .check(classes);
    }
}
