package org.strongroom.teller.domain;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventhandling.Timestamp;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.serialization.Revision;
import org.axonframework.spring.stereotype.Aggregate;
import org.strongroom.kernel.DomainException;
import org.strongroom.kernel.ErrorReason;
import org.strongroom.kernel.Money;
import org.strongroom.teller.api.TillApi.CashCounterpartyType;
import org.strongroom.teller.api.TillApi.CashDirection;
import org.strongroom.teller.api.TillApi.CashMovement;
import org.strongroom.teller.api.TillApi.CloseTillCommand;
import org.strongroom.teller.api.TillApi.InspectTillCommand;
import org.strongroom.teller.api.TillApi.MoveTillCashCommand;
import org.strongroom.teller.api.TillApi.OpenTillCommand;
import org.strongroom.teller.api.TillApi.TillCashMovedEvent;
import org.strongroom.teller.api.TillApi.TillClosedEvent;
import org.strongroom.teller.api.TillApi.TillDetails;
import org.strongroom.teller.api.TillApi.TillOpenedEvent;
import org.strongroom.teller.api.TillApi.TillStatus;

/**
 * A teller's cash drawer at one branch for one business day. Only its teller operates it; cash never
 * goes below zero; closing records what was counted against what the movements say it should hold.
 */
@Aggregate
// The form of its snapshots: raise it whenever a field changes, and older snapshots are ignored.
@Revision("1")
public class Till {

    @AggregateIdentifier
    private String tillId;
    private String branchId;
    private String tellerId;
    private LocalDate businessDate;
    private String currencyCode;
    private TillStatus status;
    private Money cash;
    private Money openingFloat;
    private Money counted;
    private Money variance;
    private final List<CashMovement> movements = new ArrayList<>();

    protected Till() {
        // rebuilt from events
    }

    Till(OpenTillCommand command) {
        Money opening = command.openingFloat();
        if (opening == null || opening.isNegative()) {
            throw DomainException.invalidField("opening_float", "is required and must not be negative");
        }
        apply(new TillOpenedEvent(command.tillId(), command.branchId(), command.tellerId(), command.businessDate(),
                opening.currency().getCurrencyCode(), opening));
    }

    @CommandHandler
    TillDetails handle(MoveTillCashCommand command) {
        requireOperable(command.actorId(), command.ownerOnly());
        Money amount = requireAmount(command.amount(), "amount");
        if (!amount.isPositive()) {
            throw DomainException.invalidField("amount", "must be greater than zero");
        }
        Money after = command.direction() == CashDirection.IN ? cash.plus(amount) : cash.minus(amount);
        if (after.isNegative()) {
            throw DomainException.rule(ErrorReason.TILL_CASH_INSUFFICIENT, "the till does not hold enough cash",
                    Map.of("till_id", tillId, "till_cash", cash.amount().toPlainString(),
                            "requested", amount.amount().toPlainString(), "currency_code", currencyCode));
        }
        apply(new TillCashMovedEvent(tillId, command.movementId(), command.direction(), amount,
                command.counterpartyType(), command.reference(), after));
        return details();
    }

    @CommandHandler
    TillDetails handle(CloseTillCommand command) {
        requireOperable(command.actorId(), true);
        Money countedCash = requireAmount(command.counted(), "counted");
        if (countedCash.isNegative()) {
            throw DomainException.invalidField("counted", "must not be negative");
        }
        apply(new TillClosedEvent(tillId, cash, countedCash, countedCash.minus(cash)));
        return details();
    }

    @CommandHandler
    TillDetails handle(InspectTillCommand command) {
        requireExists();
        if (command.ownerOnly() && !tellerId.equals(command.actorId())) {
            throw notYours();
        }
        if (command.branchId() != null && !branchId.equals(command.branchId())) {
            // Staff of another branch do not see this branch's tills.
            throw notFound();
        }
        return details();
    }

    TillDetails details() {
        return new TillDetails(tillId, branchId, tellerId, businessDate, currencyCode, status, cash, openingFloat,
                counted, variance, List.copyOf(movements));
    }

    private void requireExists() {
        if (tillId == null) {
            throw notFound();
        }
    }

    private DomainException notFound() {
        return DomainException.notFound(ErrorReason.TILL_NOT_FOUND, "no such till", Map.of());
    }

    private DomainException notYours() {
        return DomainException.forbidden(ErrorReason.TILL_NOT_YOURS,
                "a till is operated only by the teller who opened it", Map.of("till_id", tillId));
    }

    private void requireOperable(String actorId, boolean ownerOnly) {
        requireExists();
        if (ownerOnly && !tellerId.equals(actorId)) {
            throw notYours();
        }
        if (status != TillStatus.OPEN) {
            throw DomainException.rule(ErrorReason.TILL_CLOSED, "the till is closed", Map.of("till_id", tillId));
        }
    }

    private Money requireAmount(Money amount, String field) {
        if (amount == null) {
            throw DomainException.invalidField(field, "is required");
        }
        if (!amount.currency().getCurrencyCode().equals(currencyCode)) {
            throw DomainException.rule(ErrorReason.CURRENCY_MISMATCH,
                    "the amount is in " + amount.currency() + " but the till holds " + currencyCode,
                    Map.of("till_id", tillId, "till_currency_code", currencyCode,
                            "amount_currency_code", amount.currency().getCurrencyCode()));
        }
        return amount;
    }

    @EventSourcingHandler
    void on(TillOpenedEvent event, @Timestamp Instant occurredAt) {
        tillId = event.tillId();
        branchId = event.branchId();
        tellerId = event.tellerId();
        businessDate = event.businessDate();
        currencyCode = event.currencyCode();
        status = TillStatus.OPEN;
        openingFloat = event.openingFloat();
        cash = event.openingFloat();
        movements.add(new CashMovement("opening-float", CashDirection.IN, event.openingFloat(),
                CashCounterpartyType.VAULT, branchId, cash, occurredAt));
    }

    @EventSourcingHandler
    void on(TillCashMovedEvent event, @Timestamp Instant occurredAt) {
        cash = event.cashAfter();
        movements.add(new CashMovement(event.movementId(), event.direction(), event.amount(),
                event.counterpartyType(), event.reference(), event.cashAfter(), occurredAt));
    }

    @EventSourcingHandler
    void on(TillClosedEvent event, @Timestamp Instant occurredAt) {
        status = TillStatus.CLOSED;
        counted = event.counted();
        variance = event.variance();
        cash = Money.zero(cash.currency());
        movements.add(new CashMovement("closing-count", CashDirection.OUT, event.counted(),
                CashCounterpartyType.VAULT, branchId, cash, occurredAt));
    }
}
