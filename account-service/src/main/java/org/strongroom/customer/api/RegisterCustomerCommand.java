package org.strongroom.customer.api;

import java.time.LocalDate;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Register a new customer under a server-assigned id. Fields are raw input; the aggregate validates. */
public record RegisterCustomerCommand(
        @TargetAggregateIdentifier String customerId,
        String fullName,
        LocalDate dateOfBirth,
        IdentityDocument identityDocument,
        String email,
        String phoneNumber,
        String residentialCountryCode) {
}
