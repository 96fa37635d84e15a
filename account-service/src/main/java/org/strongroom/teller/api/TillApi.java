package org.strongroom.teller.api;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.strongroom.kernel.Money;

/** Commands, events and answers of the Till aggregate (a teller's cash drawer for one business day). */
public final class TillApi {

    private TillApi() {
    }

    public enum TillStatus {
        OPEN,
        CLOSED
    }

    /** Which way cash moved, seen from the till. */
    public enum CashDirection {
        IN,
        OUT
    }

    /** Where cash came from or went to. */
    public enum CashCounterpartyType {
        ACCOUNT,
        TILL,
        VAULT
    }

    /** Opens a till with a float from the branch vault. */
    public record OpenTillCommand(@TargetAggregateIdentifier String tillId, String branchId, String tellerId,
                                  LocalDate businessDate, Money openingFloat) {
    }

    /**
     * Moves cash in or out of the till.
     *
     * @param actorId   who moves it: the till's teller, unless {@code ownerOnly} is false (cash arriving
     *                  from another till, or a change a supervisor approved)
     */
    public record MoveTillCashCommand(@TargetAggregateIdentifier String tillId, String movementId,
                                      CashDirection direction, Money amount, CashCounterpartyType counterpartyType,
                                      String reference, String actorId, boolean ownerOnly) {
    }

    /** Closes the till with the cash counted; the counted cash returns to the vault. */
    public record CloseTillCommand(@TargetAggregateIdentifier String tillId, String actorId, Money counted) {
    }

    /** Reads the till through the aggregate, checking that the actor may operate it. Records nothing. */
    public record InspectTillCommand(@TargetAggregateIdentifier String tillId, String actorId, String branchId,
                                     boolean ownerOnly) {
    }

    public record TillOpenedEvent(String tillId, String branchId, String tellerId, LocalDate businessDate,
                                  String currencyCode, Money openingFloat) {
    }

    public record TillCashMovedEvent(String tillId, String movementId, CashDirection direction, Money amount,
                                     CashCounterpartyType counterpartyType, String reference, Money cashAfter) {
    }

    /** The counted cash went back to the vault; variance = counted - expected (negative when short). */
    public record TillClosedEvent(String tillId, Money expected, Money counted, Money variance) {
    }

    public record CashMovement(String movementId, CashDirection direction, Money amount,
                               CashCounterpartyType counterpartyType, String reference, Money cashAfter,
                               Instant createTime) {
    }

    public record TillDetails(String tillId, String branchId, String tellerId, LocalDate businessDate,
                              String currencyCode, TillStatus status, Money cash, Money openingFloat,
                              Money counted, Money variance, List<CashMovement> movements) {
    }
}
