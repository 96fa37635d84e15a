package org.strongroom.gateway.security;

/** What a customer's consent lets a partner (open-banking third party) do with the granted accounts. */
public enum PartnerScope {
    BALANCES_READ("balances:read"),
    TRANSACTIONS_READ("transactions:read"),
    PAYMENTS_INITIATE("payments:initiate");

    private final String claim;

    PartnerScope(String claim) {
        this.claim = claim;
    }

    /** The value in the token's space-separated {@code scope} claim. */
    public String claim() {
        return claim;
    }
}
