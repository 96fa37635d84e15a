package org.strongroom.node.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Descriptors.EnumDescriptor;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.RegexPatternTypeFilter;
import org.strongroom.account.api.AccountProduct;
import org.strongroom.account.api.CounterpartyType;
import org.strongroom.account.api.FreezeScope;
import org.strongroom.account.api.TransferStep;
import org.strongroom.approval.api.ApprovalApi.ApprovalKind;
import org.strongroom.customer.api.IdentityDocumentType;
import org.strongroom.teller.api.TillApi.CashCounterpartyType;
import org.strongroom.teller.api.TillApi.CashDirection;

/** Nothing the domain can store lacks a published form. */
class DomainEventCatalogueTest {

    private final DomainEventCatalogue catalogue = new DomainEventCatalogue();

    @Test
    void everyDomainEventTypeHasAPublishedForm() throws Exception {
        ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new RegexPatternTypeFilter(java.util.regex.Pattern.compile(".*Event")));
        Set<Class<?>> domainEvents = new LinkedHashSet<>();
        for (String domainPackage : List.of("org.strongroom.account", "org.strongroom.customer",
                "org.strongroom.payment", "org.strongroom.teller", "org.strongroom.approval", "org.strongroom.loan")) {
            for (BeanDefinition candidate : scanner.findCandidateComponents(domainPackage)) {
                Class<?> type = Class.forName(candidate.getBeanClassName());
                if (type.isRecord()) {
                    domainEvents.add(type);
                }
            }
        }
        assertThat(domainEvents).hasSizeGreaterThan(25);
        assertThat(catalogue.eventTypes()).containsExactlyInAnyOrderElementsOf(domainEvents);
    }

    @Test
    void everyDomainEnumValueHasAProtoTwin() {
        check(org.strongroom.proto.events.v1.AccountProduct.getDescriptor(), AccountProduct.values());
        check(org.strongroom.proto.events.v1.FreezeScope.getDescriptor(), FreezeScope.values());
        check(org.strongroom.proto.events.v1.CounterpartyType.getDescriptor(), CounterpartyType.values());
        check(org.strongroom.proto.events.v1.TransferStep.getDescriptor(), TransferStep.values());
        check(org.strongroom.proto.events.v1.ApprovalKind.getDescriptor(), ApprovalKind.values());
        check(org.strongroom.proto.events.v1.IdentityDocumentType.getDescriptor(), IdentityDocumentType.values());
        check(org.strongroom.proto.events.v1.CashCounterpartyType.getDescriptor(), CashCounterpartyType.values());
        check(org.strongroom.proto.events.v1.CashDirection.getDescriptor(), CashDirection.values());
        check(org.strongroom.proto.events.v1.LoanStatus.getDescriptor(),
                org.strongroom.loan.api.LoanApi.LoanStatus.values());
        check(org.strongroom.proto.events.v1.DelinquencyBucket.getDescriptor(),
                org.strongroom.loan.api.LoanApi.DelinquencyBucket.values());
        check(org.strongroom.proto.events.v1.RepaymentSource.getDescriptor(),
                org.strongroom.loan.api.LoanApi.RepaymentSource.values());
        check(org.strongroom.proto.events.v1.PrepaymentMode.getDescriptor(),
                org.strongroom.loan.api.LoanApi.PrepaymentMode.values());
    }

    @Test
    void anUnknownEventStopsPublicationInsteadOfBeingSkipped() {
        assertThatThrownBy(() -> catalogue.toOutgoing("not an event"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("java.lang.String");
    }

    private static void check(EnumDescriptor descriptor, Enum<?>[] values) {
        for (Enum<?> value : values) {
            assertThat(DomainEventCatalogue.number(descriptor, value)).as(value.name()).isPositive();
        }
        assertThat(descriptor.getValues()).as("no proto value without a domain twin").hasSize(values.length + 1);
    }
}
