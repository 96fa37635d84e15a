package org.strongroom.customer.api;

/**
 * Set-based guard that one identification document belongs to at most one customer. Implementations
 * must join the command's transaction, so a failed registration releases its claim.
 */
public interface IdentityDocumentRegistry {

    /**
     * Claims the document for the customer.
     *
     * @return the id of the customer already holding it, or {@code null} if the claim succeeded
     */
    String claim(IdentityDocument document, String customerId);
}
