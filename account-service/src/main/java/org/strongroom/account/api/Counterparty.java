package org.strongroom.account.api;

/** The named source or destination of a deposit or withdrawal, with its reference (e.g. a payment id). */
public record Counterparty(CounterpartyType type, String reference) {
}
