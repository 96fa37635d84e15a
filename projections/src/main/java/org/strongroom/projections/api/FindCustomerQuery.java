package org.strongroom.projections.api;

/** Finds one customer by id; answered with {@code Optional<CustomerDetails>}. */
public record FindCustomerQuery(String customerId) {
}
