package org.strongroom.customer.api;

import java.time.LocalDate;
import org.axonframework.serialization.Revision;

/** A customer was registered with verified identity and contact data (values normalised). */
@Revision("1")
public record CustomerRegisteredEvent(
        String customerId,
        String fullName,
        LocalDate dateOfBirth,
        IdentityDocument identityDocument,
        String email,
        String phoneNumber,
        String residentialCountryCode,
        LocalDate registrationBusinessDate) {
}
