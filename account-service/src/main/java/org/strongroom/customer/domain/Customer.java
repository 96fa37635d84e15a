package org.strongroom.customer.domain;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventhandling.Timestamp;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.serialization.Revision;
import org.axonframework.spring.stereotype.Aggregate;
import org.strongroom.customer.api.CustomerContactUpdatedEvent;
import org.strongroom.customer.api.CustomerDetails;
import org.strongroom.customer.api.CustomerRegisteredEvent;
import org.strongroom.customer.api.IdentityDocument;
import org.strongroom.customer.api.IdentityDocumentRegistry;
import org.strongroom.customer.api.RegisterCustomerCommand;
import org.strongroom.customer.api.UpdateCustomerContactCommand;
import org.strongroom.kernel.DomainException;
import org.strongroom.kernel.ErrorReason;
import org.strongroom.kernel.Violations;

/**
 * A customer of the bank. Holds the know-your-customer data the bank verified and the contact details
 * the customer keeps current. The whole record is small, so the aggregate keeps it all and answers
 * each command with the customer as it now stands.
 */
@Aggregate
// The form of its snapshots: raise it whenever a field changes, and older snapshots are ignored.
@Revision("1")
public class Customer {

    @AggregateIdentifier
    private String customerId;
    private String fullName;
    private LocalDate dateOfBirth;
    private IdentityDocument identityDocument;
    private String email;
    private String phoneNumber;
    private String residentialCountryCode;
    private LocalDate registrationBusinessDate;
    private Instant createTime;
    private Instant updateTime;

    protected Customer() {
        // Axon rebuilds the aggregate from its events through this constructor.
    }

    /** Registration; called by {@link CustomerCommandHandler} so the command can answer with details. */
    Customer(RegisterCustomerCommand command, LocalDate businessDate, IdentityDocumentRegistry documents) {
        Violations violations = new Violations();
        CustomerRules.checkFullName(command.fullName(), violations);
        CustomerRules.checkDateOfBirth(command.dateOfBirth(), businessDate, violations);
        IdentityDocument document = CustomerRules.checkIdentityDocument(command.identityDocument(), violations);
        CustomerRules.checkEmail("email", command.email(), violations);
        CustomerRules.checkPhone("phone_number", command.phoneNumber(), violations);
        CustomerRules.checkCountry("residential_country_code", command.residentialCountryCode(), violations);
        violations.throwIfAny();

        String holder = documents.claim(document, command.customerId());
        if (holder != null) {
            throw DomainException.alreadyExists(ErrorReason.DUPLICATE_IDENTITY_DOCUMENT,
                    "a customer is already registered with this identification document",
                    Map.of("document_type", document.type().name(),
                            "issuing_country_code", document.issuingCountryCode()));
        }
        apply(new CustomerRegisteredEvent(command.customerId(), command.fullName(), command.dateOfBirth(), document,
                command.email(), command.phoneNumber(), command.residentialCountryCode(), businessDate));
    }

    @CommandHandler
    public CustomerDetails handle(UpdateCustomerContactCommand command) {
        if (command.email() == null && command.phoneNumber() == null) {
            throw DomainException.invalidFields(new Violations()
                    .add("email", "at least one of email and phone_number must be set")
                    .add("phone_number", "at least one of email and phone_number must be set")
                    .list());
        }
        Violations violations = new Violations();
        if (command.email() != null) {
            CustomerRules.checkEmail("email", command.email(), violations);
        }
        if (command.phoneNumber() != null) {
            CustomerRules.checkPhone("phone_number", command.phoneNumber(), violations);
        }
        violations.throwIfAny();

        String newEmail = command.email() != null ? command.email() : email;
        String newPhone = command.phoneNumber() != null ? command.phoneNumber() : phoneNumber;
        if (!newEmail.equals(email) || !newPhone.equals(phoneNumber)) {
            apply(new CustomerContactUpdatedEvent(customerId, newEmail, newPhone));
        }
        return details();
    }

    CustomerDetails details() {
        return new CustomerDetails(customerId, fullName, dateOfBirth, identityDocument, email, phoneNumber,
                residentialCountryCode, registrationBusinessDate, createTime, updateTime);
    }

    @EventSourcingHandler
    void on(CustomerRegisteredEvent event, @Timestamp Instant occurredAt) {
        customerId = event.customerId();
        fullName = event.fullName();
        dateOfBirth = event.dateOfBirth();
        identityDocument = event.identityDocument();
        email = event.email();
        phoneNumber = event.phoneNumber();
        residentialCountryCode = event.residentialCountryCode();
        registrationBusinessDate = event.registrationBusinessDate();
        createTime = occurredAt;
        updateTime = occurredAt;
    }

    @EventSourcingHandler
    void on(CustomerContactUpdatedEvent event, @Timestamp Instant occurredAt) {
        email = event.email();
        phoneNumber = event.phoneNumber();
        updateTime = occurredAt;
    }
}
