package org.strongroom.node.customer;

import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.strongroom.customer.api.IdentityDocument;
import org.strongroom.customer.api.IdentityDocumentRegistry;

/**
 * Claims documents in a table with a unique key, inside the registering command's transaction: a
 * concurrent registration of the same document waits on the key and then sees the winner's claim.
 */
class JdbcIdentityDocumentRegistry implements IdentityDocumentRegistry {

    private final JdbcTemplate jdbc;

    JdbcIdentityDocumentRegistry(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public String claim(IdentityDocument document, String customerId) {
        int inserted = jdbc.update("INSERT INTO identity_document_claim (document_type, issuing_country_code, "
                        + "document_number, customer_id) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                document.type().name(), document.issuingCountryCode(), document.number(), customerId);
        if (inserted == 1) {
            return null;
        }
        List<String> holder = jdbc.queryForList("SELECT customer_id FROM identity_document_claim WHERE "
                        + "document_type = ? AND issuing_country_code = ? AND document_number = ?", String.class,
                document.type().name(), document.issuingCountryCode(), document.number());
        return holder.isEmpty() || holder.get(0).equals(customerId) ? null : holder.get(0);
    }
}
