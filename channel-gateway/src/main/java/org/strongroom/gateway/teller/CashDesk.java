package org.strongroom.gateway.teller;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Component;
import org.strongroom.account.api.AccountCommands.DepositFundsCommand;
import org.strongroom.account.api.AccountCommands.WithdrawFundsCommand;
import org.strongroom.account.api.AccountDetails;
import org.strongroom.account.api.Counterparty;
import org.strongroom.account.api.CounterpartyType;
import org.strongroom.account.api.DebitLimits;
import org.strongroom.gateway.command.CommandDispatcher;
import org.strongroom.gateway.grpc.CallerContext;
import org.strongroom.kernel.DomainException;
import org.strongroom.kernel.ErrorReason;
import org.strongroom.kernel.Money;
import org.strongroom.kernel.Role;
import org.strongroom.node.NodeProperties;
import org.strongroom.teller.api.TillApi.CashCounterpartyType;
import org.strongroom.teller.api.TillApi.CashDirection;
import org.strongroom.teller.api.TillApi.InspectTillCommand;
import org.strongroom.teller.api.TillApi.MoveTillCashCommand;
import org.strongroom.teller.api.TillApi.TillDetails;

/**
 * Cash at a branch counter: a customer's account and the teller's till change together, in the caller's
 * transaction, with one transaction id in both histories (double entry: account credit = till cash in).
 */
@Component
public class CashDesk {

    static final CommandDispatcher.NotFound TILL_NOT_FOUND = new CommandDispatcher.NotFound(
            ErrorReason.TILL_NOT_FOUND, "till_id", "no such till");
    static final CommandDispatcher.NotFound ACCOUNT_NOT_FOUND = new CommandDispatcher.NotFound(
            ErrorReason.ACCOUNT_NOT_FOUND, "account_id", "no such account");

    private final CommandDispatcher commands;
    private final NodeProperties properties;

    public CashDesk(CommandDispatcher commands, NodeProperties properties) {
        this.commands = commands;
        this.properties = properties;
    }

    /** One till per teller, branch and business day: its id follows from the three. */
    public static String tillId(String branchId, String tellerId, LocalDate businessDate) {
        return UUID.nameUUIDFromBytes(("till\n" + branchId + "\n" + tellerId + "\n" + businessDate)
                .getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** Refuses cash for anyone but branch staff: cash exists only in tills. */
    public static void requireCashier() {
        CallerContext caller = CallerContext.current();
        if (caller.role() != Role.TELLER && caller.role() != Role.SUPERVISOR) {
            throw DomainException.forbidden(ErrorReason.CASH_NOT_PERMITTED,
                    "cash moves only through a teller's till at a branch counter",
                    Map.of("role", caller.role().name()));
        }
    }

    /** The caller's own till, read through the aggregate (consistent with the movement that follows). */
    public TillDetails ownTill(String tillId, String requestId) {
        CallerContext caller = CallerContext.current();
        return commands.send(new InspectTillCommand(tillId, caller.principalId(), caller.branchId(), true), requestId,
                TILL_NOT_FOUND);
    }

    /** Whether a cash amount is above the branch's approval threshold for its currency. */
    public boolean needsApproval(Money amount) {
        BigDecimal threshold = properties.getApprovals().getCashThreshold().get(amount.currency().getCurrencyCode());
        return threshold != null && amount.amount().compareTo(threshold) > 0;
    }

    /** A posted cash movement: the account after it and the shared transaction id. */
    public record Posted(AccountDetails account, String transactionId) {
    }

    /**
     * Posts cash into (deposit) or out of (withdrawal) an account through a till.
     *
     * @param ownerOnly false when a supervisor executes an approved request on the maker's till
     * @param more      extra event metadata (an approval's maker and checker)
     */
    public Posted post(CashDirection intoTill, String accountId, String tillId, Money amount, DebitLimits limits,
                       boolean ownerOnly, String requestId, Map<String, String> more) {
        String transactionId = UUID.randomUUID().toString();
        Counterparty till = new Counterparty(CounterpartyType.TILL, tillId);
        Map<String, String> metadata = new java.util.HashMap<>(more);
        metadata.put(org.strongroom.kernel.MetadataKeys.TILL_ID, tillId);
        AccountDetails account = intoTill == CashDirection.IN
                ? commands.send(new DepositFundsCommand(accountId, transactionId, amount, till), requestId,
                        ACCOUNT_NOT_FOUND, metadata)
                : commands.send(new WithdrawFundsCommand(accountId, transactionId, amount, till, limits), requestId,
                        ACCOUNT_NOT_FOUND, metadata);
        commands.send(new MoveTillCashCommand(tillId, transactionId, intoTill, amount, CashCounterpartyType.ACCOUNT,
                accountId, CallerContext.current().principalId(), ownerOnly), requestId, TILL_NOT_FOUND, metadata);
        return new Posted(account, transactionId);
    }
}
