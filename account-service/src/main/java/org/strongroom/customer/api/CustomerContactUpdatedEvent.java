package org.strongroom.customer.api;

import org.axonframework.serialization.Revision;

/** The customer's contact details changed; both values are the complete new state, not a diff. */
@Revision("1")
public record CustomerContactUpdatedEvent(String customerId, String email, String phoneNumber) {
}
