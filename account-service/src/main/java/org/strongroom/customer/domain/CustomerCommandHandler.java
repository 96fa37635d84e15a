package org.strongroom.customer.domain;

import java.time.LocalDate;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.messaging.annotation.MetaDataValue;
import org.axonframework.modelling.command.Repository;
import org.strongroom.customer.api.CustomerDetails;
import org.strongroom.customer.api.IdentityDocumentRegistry;
import org.strongroom.customer.api.RegisterCustomerCommand;
import org.strongroom.kernel.MetadataKeys;

/**
 * Creates customers. A constructor command handler can only answer with the new id; registering through
 * the repository lets the command answer with the registered customer, which the idempotency store keeps
 * as the first outcome.
 */
public class CustomerCommandHandler {

    private final Repository<Customer> repository;
    private final IdentityDocumentRegistry documents;

    public CustomerCommandHandler(Repository<Customer> repository, IdentityDocumentRegistry documents) {
        this.repository = repository;
        this.documents = documents;
    }

    @CommandHandler
    public CustomerDetails handle(RegisterCustomerCommand command,
                                  @MetaDataValue(MetadataKeys.BUSINESS_DATE) String businessDate) throws Exception {
        if (businessDate == null) {
            // Programmer error: the gateway stamps every command with the business date.
            throw new IllegalStateException("command metadata lacks " + MetadataKeys.BUSINESS_DATE);
        }
        LocalDate date = LocalDate.parse(businessDate);
        return repository.newInstance(() -> new Customer(command, date, documents)).invoke(Customer::details);
    }
}
