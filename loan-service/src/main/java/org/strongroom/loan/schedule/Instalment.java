package org.strongroom.loan.schedule;

import java.time.LocalDate;
import org.strongroom.kernel.Money;

/** One scheduled instalment: principal + interest = total; outstanding is the principal left after it. */
public record Instalment(int number, LocalDate dueDate, Money principal, Money interest, Money total,
                         Money outstandingAfter) {
}
