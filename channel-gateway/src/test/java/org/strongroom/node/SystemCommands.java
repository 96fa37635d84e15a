package org.strongroom.node;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Currency;
import java.util.UUID;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.messaging.MetaData;
import org.strongroom.account.api.AccountCommands.DepositFundsCommand;
import org.strongroom.account.api.AccountCommands.OpenAccountCommand;
import org.strongroom.account.api.AccountProduct;
import org.strongroom.account.api.Counterparty;
import org.strongroom.account.api.CounterpartyType;
import org.strongroom.kernel.MetadataKeys;
import org.strongroom.kernel.Money;

/**
 * Commands sent straight to the command bus as SYSTEM on the tests' business date, for tests of the node's
 * plumbing (transactions, processors, caches) below the gRPC services. Runs in the caller's transaction.
 */
public final class SystemCommands {

    private final CommandGateway commands;
    private final MetaData metadata;
    private final Counterparty clearing;

    public SystemCommands(CommandGateway commands, String principal) {
        this.commands = commands;
        this.metadata = MetaData.with(MetadataKeys.BUSINESS_DATE, "2026-11-23")
                .and(MetadataKeys.CHANNEL, "SYSTEM").and(MetadataKeys.ROLE, "SYSTEM")
                .and(MetadataKeys.PRINCIPAL_ID, principal).and(MetadataKeys.REQUEST_ID, principal);
        this.clearing = new Counterparty(CounterpartyType.EXTERNAL_CLEARING, principal);
    }

    public static Money eur(String amount) {
        return new Money(new BigDecimal(amount), Currency.getInstance("EUR"));
    }

    public MetaData metadata() {
        return metadata;
    }

    public Counterparty clearing() {
        return clearing;
    }

    public <R> R send(Object command) {
        return commands.sendAndWait(GenericCommandMessage.asCommandMessage(command).andMetaData(metadata));
    }

    /** A new EUR current account with nothing on it. */
    public String openAccount() {
        String accountId = UUID.randomUUID().toString();
        send(new OpenAccountCommand(accountId, UUID.randomUUID().toString(), LocalDate.of(1980, 1, 1),
                AccountProduct.CURRENT, "EUR", null));
        return accountId;
    }

    public void deposit(String accountId, String transactionId, String amount) {
        send(new DepositFundsCommand(accountId, transactionId, eur(amount), clearing));
    }
}
