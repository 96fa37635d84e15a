package org.strongroom.customer.api;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Change email and/or phone; a null value means "leave unchanged". */
public record UpdateCustomerContactCommand(
        @TargetAggregateIdentifier String customerId,
        String email,
        String phoneNumber) {
}
