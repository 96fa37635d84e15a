package org.strongroom.customer.api;

import java.time.Instant;
import java.time.LocalDate;

/** The outcome of a customer command: the customer as the aggregate now knows it. */
public record CustomerDetails(
        String customerId,
        String fullName,
        LocalDate dateOfBirth,
        IdentityDocument identityDocument,
        String email,
        String phoneNumber,
        String residentialCountryCode,
        LocalDate registrationBusinessDate,
        Instant createTime,
        Instant updateTime) {
}
