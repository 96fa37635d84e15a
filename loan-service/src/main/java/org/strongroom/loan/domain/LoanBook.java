package org.strongroom.loan.domain;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import org.strongroom.kernel.Money;
import org.strongroom.loan.api.LoanApi.Allocation;
import org.strongroom.loan.api.LoanApi.InstalmentState;
import org.strongroom.loan.api.LoanApi.LineAmount;
import org.strongroom.loan.api.LoanApi.LinePayment;
import org.strongroom.loan.api.LoanApi.PrepaymentMode;
import org.strongroom.loan.api.LoanApi.ScheduledLine;
import org.strongroom.loan.product.AllocationBucket;
import org.strongroom.loan.product.LoanProduct;
import org.strongroom.loan.schedule.Amortization;
import org.strongroom.loan.schedule.ScheduleCalculator;

/**
 * The money of a disbursed loan: its instalments with what is accrued and paid of each, penalty interest
 * and the fee. Pure arithmetic on BigDecimal at the currency's scale; the aggregate asks it what a command
 * would do (on a {@link #copy()}), records the answer as an event, and applies the event to it.
 *
 * <p>Interest accrues per instalment, pro rata by days from the period's start (or from the last
 * prepayment) to its due date, so the accruals of a period add up to exactly its scheduled interest.
 */
final class LoanBook {

    private static final MathContext PRECISION = MathContext.DECIMAL128;
    private static final BigDecimal DAYS_PER_YEAR = BigDecimal.valueOf(365);

    /** One instalment. */
    static final class Line {
        final int number;
        final LocalDate start;
        final LocalDate due;
        BigDecimal principal;
        BigDecimal interest;
        BigDecimal paidPrincipal = BigDecimal.ZERO;
        BigDecimal paidInterest = BigDecimal.ZERO;
        BigDecimal accrued = BigDecimal.ZERO;
        /** Accrual runs from (baseDate, baseAmount) to (due, interest). */
        LocalDate baseDate;
        BigDecimal baseAmount = BigDecimal.ZERO;

        Line(int number, LocalDate start, LocalDate due, BigDecimal principal, BigDecimal interest) {
            this.number = number;
            this.start = start;
            this.due = due;
            this.principal = principal;
            this.interest = interest;
            this.baseDate = start;
        }

        /** For snapshots: the snapshot serializer sets every field after this. */
        private Line() {
            this.number = 0;
            this.start = null;
            this.due = null;
        }

        Line copy() {
            Line copy = new Line(number, start, due, principal, interest);
            copy.paidPrincipal = paidPrincipal;
            copy.paidInterest = paidInterest;
            copy.accrued = accrued;
            copy.baseDate = baseDate;
            copy.baseAmount = baseAmount;
            return copy;
        }

        BigDecimal unpaidPrincipal() {
            return principal.subtract(paidPrincipal);
        }

        BigDecimal unpaidInterest() {
            return interest.subtract(paidInterest);
        }

        boolean settled() {
            return unpaidPrincipal().signum() == 0 && unpaidInterest().signum() == 0;
        }
    }

    private final LoanProduct product;
    private final Currency currency;
    private final int scale;
    private final LocalDate disbursementDate;
    private final List<Line> lines = new ArrayList<>();
    private BigDecimal penalties = BigDecimal.ZERO;
    private BigDecimal fees;
    private BigDecimal regularPayment;
    private LocalDate accruedThrough;
    private LocalDate closedThrough;

    LoanBook(LoanProduct product, Money fee, LocalDate disbursementDate, List<ScheduledLine> schedule,
             BigDecimal regularPayment) {
        this.product = product;
        this.currency = fee.currency();
        this.scale = Money.scaleOf(currency);
        this.disbursementDate = disbursementDate;
        this.fees = fee.amount();
        this.regularPayment = regularPayment;
        LocalDate start = disbursementDate;
        for (ScheduledLine line : schedule) {
            lines.add(new Line(line.number(), start, line.dueDate(), line.principal().amount(),
                    line.interest().amount()));
            start = line.dueDate();
        }
        this.accruedThrough = disbursementDate;
        this.closedThrough = disbursementDate.minusDays(1);
    }

    /** For snapshots: the snapshot serializer sets every field after this. */
    private LoanBook() {
        this.product = null;
        this.currency = null;
        this.scale = 0;
        this.disbursementDate = null;
    }

    private LoanBook(LoanBook other) {
        this.product = other.product;
        this.currency = other.currency;
        this.scale = other.scale;
        this.disbursementDate = other.disbursementDate;
        other.lines.forEach(line -> lines.add(line.copy()));
        this.penalties = other.penalties;
        this.fees = other.fees;
        this.regularPayment = other.regularPayment;
        this.accruedThrough = other.accruedThrough;
        this.closedThrough = other.closedThrough;
    }

    LoanBook copy() {
        return new LoanBook(this);
    }

    LocalDate closedThrough() {
        return closedThrough;
    }

    LocalDate accruedThrough() {
        return accruedThrough;
    }

    Money money(BigDecimal amount) {
        return new Money(amount.setScale(scale, RoundingMode.UNNECESSARY), currency);
    }

    // ---- accrual ----

    /** Interest that accrues from the last accrual through {@code date}, per instalment. */
    List<LineAmount> accrualTo(LocalDate date) {
        List<LineAmount> accruals = new ArrayList<>();
        if (!date.isAfter(accruedThrough)) {
            return accruals;
        }
        for (Line line : lines) {
            if (!line.start.isBefore(date)) {
                break;
            }
            BigDecimal target = accruedAt(line, date);
            BigDecimal delta = target.subtract(line.accrued);
            if (delta.signum() > 0) {
                accruals.add(new LineAmount(line.number, money(delta)));
            }
        }
        return accruals;
    }

    private BigDecimal accruedAt(Line line, LocalDate date) {
        if (!date.isBefore(line.due)) {
            return line.interest;
        }
        long elapsed = ChronoUnit.DAYS.between(line.baseDate, date);
        long period = ChronoUnit.DAYS.between(line.baseDate, line.due);
        if (elapsed <= 0) {
            return line.accrued;
        }
        return line.baseAmount.add(line.interest.subtract(line.baseAmount)
                .multiply(BigDecimal.valueOf(elapsed), PRECISION)
                .divide(BigDecimal.valueOf(period), PRECISION)).setScale(scale, RoundingMode.HALF_UP);
    }

    void applyAccrual(List<LineAmount> accruals, LocalDate date) {
        for (LineAmount accrual : accruals) {
            line(accrual.number()).accrued = line(accrual.number()).accrued.add(accrual.amount().amount());
        }
        if (date.isAfter(accruedThrough)) {
            accruedThrough = date;
        }
    }

    // ---- ageing ----

    /** Principal of instalments whose due date is before {@code date} and that are not paid. */
    BigDecimal overduePrincipal(LocalDate date) {
        BigDecimal overdue = BigDecimal.ZERO;
        for (Line line : lines) {
            if (line.due.isBefore(date)) {
                overdue = overdue.add(line.unpaidPrincipal());
            }
        }
        return overdue;
    }

    /** Days since the oldest due date with anything unpaid (the fee counts with the first instalment). */
    int daysPastDue(LocalDate date) {
        for (Line line : lines) {
            if (!line.due.isBefore(date)) {
                return 0;
            }
            boolean feeUnpaid = line.number == lines.get(0).number && fees.signum() > 0;
            if (!line.settled() || feeUnpaid) {
                return (int) ChronoUnit.DAYS.between(line.due, date);
            }
        }
        return 0;
    }

    /** One day's penalty interest: overdue principal x penalty rate / 365, once the grace days have passed. */
    BigDecimal penaltyFor(LocalDate date) {
        if (daysPastDue(date) <= product.graceDays()) {
            return BigDecimal.ZERO;
        }
        return overduePrincipal(date).multiply(product.latePenaltyRate(), PRECISION)
                .divide(DAYS_PER_YEAR, PRECISION).setScale(scale, RoundingMode.HALF_UP);
    }

    void applyDayClosed(List<LineAmount> accruals, LocalDate date, BigDecimal penalty) {
        applyAccrual(accruals, date);
        penalties = penalties.add(penalty);
        closedThrough = date;
    }

    // ---- amounts ----

    /** What is due on {@code date} (accrued through it): penalties, a due fee, due interest and principal. */
    BigDecimal dueOn(LocalDate date) {
        BigDecimal due = penalties.add(feeDue(date));
        for (Line line : lines) {
            if (line.due.isAfter(date)) {
                break;
            }
            due = due.add(line.unpaidInterest()).add(line.unpaidPrincipal());
        }
        return due;
    }

    private BigDecimal feeDue(LocalDate date) {
        return lines.isEmpty() || lines.get(0).due.isAfter(date) ? BigDecimal.ZERO : fees;
    }

    BigDecimal principalOutstanding() {
        return lines.stream().map(Line::unpaidPrincipal).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    /** Interest accrued and not paid. */
    BigDecimal interestAccrued() {
        return lines.stream().map(line -> line.accrued.subtract(line.paidInterest))
                .reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    BigDecimal penalties() {
        return penalties;
    }

    BigDecimal fees() {
        return fees;
    }

    /** Everything owed as of the last accrual: what a payoff then costs. */
    BigDecimal owed() {
        return principalOutstanding().add(interestAccrued()).add(penalties).add(fees);
    }

    boolean repaid() {
        return owed().signum() == 0;
    }

    LocalDate nextDueDate() {
        return lines.stream().filter(line -> !line.settled()).map(line -> line.due).findFirst().orElse(null);
    }

    List<InstalmentState> instalments() {
        return lines.stream().map(line -> new InstalmentState(line.number, line.due, money(line.principal),
                money(line.interest), money(line.paidPrincipal), money(line.paidInterest))).toList();
    }

    BigDecimal regularPayment() {
        return regularPayment;
    }

    // ---- repayment ----

    /** A repayment's effect: where it goes and, after a prepayment, the new rest of the schedule. */
    record Payment(Allocation allocation, List<LinePayment> lines, List<ScheduledLine> rescheduled,
                   BigDecimal regularPayment) {
    }

    /**
     * Allocates a payment made on {@code date} (this book accrued through it): first what is due, in the
     * product's order; then, as a prepayment, the fee not yet due, the current period's accrued interest
     * and principal, rescheduling the rest. The caller has checked the amount is at most {@link #owed()}.
     *
     * @throws IllegalArgumentException when the amount reduces principal not yet due and {@code mode} is null
     */
    Payment allocate(BigDecimal amount, LocalDate date, PrepaymentMode mode) {
        BigDecimal left = amount;
        BigDecimal paidPenalties = BigDecimal.ZERO;
        BigDecimal paidFees = BigDecimal.ZERO;
        BigDecimal[] interest = new BigDecimal[lines.size()];
        BigDecimal[] principal = new BigDecimal[lines.size()];
        java.util.Arrays.fill(interest, BigDecimal.ZERO);
        java.util.Arrays.fill(principal, BigDecimal.ZERO);
        for (AllocationBucket bucket : product.allocationOrder()) {
            switch (bucket) {
                case PENALTIES -> {
                    paidPenalties = left.min(penalties);
                    left = left.subtract(paidPenalties);
                }
                case FEES -> {
                    paidFees = left.min(feeDue(date));
                    left = left.subtract(paidFees);
                }
                case INTEREST -> {
                    for (int i = 0; i < lines.size() && !lines.get(i).due.isAfter(date); i++) {
                        BigDecimal part = left.min(lines.get(i).unpaidInterest());
                        interest[i] = interest[i].add(part);
                        left = left.subtract(part);
                    }
                }
                case PRINCIPAL -> {
                    for (int i = 0; i < lines.size() && !lines.get(i).due.isAfter(date); i++) {
                        BigDecimal part = left.min(lines.get(i).unpaidPrincipal());
                        principal[i] = principal[i].add(part);
                        left = left.subtract(part);
                    }
                }
            }
        }
        List<ScheduledLine> rescheduled = List.of();
        BigDecimal newRegular = null;
        int current = firstNotDue(date);
        if (left.signum() > 0) {
            // Prepayment: the fee not yet due, then interest accrued in the current period, then principal.
            BigDecimal fee = left.min(fees.subtract(paidFees));
            paidFees = paidFees.add(fee);
            left = left.subtract(fee);
            if (current >= 0 && left.signum() > 0) {
                Line line = lines.get(current);
                BigDecimal part = left.min(line.accrued.subtract(line.paidInterest));
                interest[current] = interest[current].add(part);
                left = left.subtract(part);
            }
            if (left.signum() > 0) {
                BigDecimal remaining = BigDecimal.ZERO;
                for (int i = current; i < lines.size(); i++) {
                    remaining = remaining.add(lines.get(i).unpaidPrincipal());
                }
                if (left.compareTo(remaining) < 0 && mode == null) {
                    throw new IllegalArgumentException("prepayment mode required");
                }
                Reschedule plan = reschedule(current, date, remaining.subtract(left), remaining, left, mode);
                rescheduled = plan.lines();
                newRegular = plan.regularPayment();
                principal[current] = principal[current].add(left);
                left = BigDecimal.ZERO;
            }
        }
        List<LinePayment> payments = new ArrayList<>();
        BigDecimal paidInterest = BigDecimal.ZERO;
        BigDecimal paidPrincipal = BigDecimal.ZERO;
        for (int i = 0; i < lines.size(); i++) {
            if (interest[i].signum() > 0 || principal[i].signum() > 0) {
                payments.add(new LinePayment(lines.get(i).number, money(interest[i]), money(principal[i])));
                paidInterest = paidInterest.add(interest[i]);
                paidPrincipal = paidPrincipal.add(principal[i]);
            }
        }
        return new Payment(new Allocation(money(paidPenalties), money(paidFees), money(paidInterest),
                money(paidPrincipal)), payments, rescheduled, newRegular);
    }

    /** Index of the first instalment due after {@code date}, or -1. */
    private int firstNotDue(LocalDate date) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).due.isAfter(date)) {
                return i;
            }
        }
        return -1;
    }

    private record Reschedule(List<ScheduledLine> lines, BigDecimal regularPayment) {
    }

    /**
     * The rest of the schedule after a prepayment on {@code date} leaves {@code newPrincipal} of
     * {@code oldPrincipal}: the current instalment keeps the interest accrued to the prepayment and adds
     * interest on the new principal for its remaining days; due dates never move.
     */
    private Reschedule reschedule(int current, LocalDate date, BigDecimal newPrincipal, BigDecimal oldPrincipal,
                                  BigDecimal prepaid, PrepaymentMode mode) {
        List<ScheduledLine> result = new ArrayList<>();
        Line first = lines.get(current);
        if (newPrincipal.signum() == 0) {
            // Paid off: the current instalment ends with the interest accrued so far.
            result.add(new ScheduledLine(first.number, first.due, money(first.paidPrincipal.add(prepaid)),
                    money(first.accrued)));
            return new Reschedule(result, regularPayment);
        }
        int remainingCount = lines.size() - current;
        BigDecimal rate = product.annualRate();
        BigDecimal periodic = rate.divide(BigDecimal.valueOf(product.frequency().periodsPerYear()), PRECISION);
        Amortization amortization = product.amortization();
        // Flat interest not yet accrued shrinks with the principal.
        BigDecimal flatLeft = BigDecimal.ZERO;
        if (amortization == Amortization.FLAT) {
            for (int i = current; i < lines.size(); i++) {
                flatLeft = flatLeft.add(lines.get(i).interest.subtract(lines.get(i).accrued));
            }
            flatLeft = flatLeft.multiply(newPrincipal, PRECISION).divide(oldPrincipal, PRECISION)
                    .setScale(scale, RoundingMode.HALF_UP);
        }
        BigDecimal regular = switch (mode) {
            case REDUCE_INSTALMENT -> amortization == Amortization.ANNUITY
                    ? ScheduleCalculator.annuityInstalment(newPrincipal, periodic, remainingCount, scale)
                    : newPrincipal.divide(BigDecimal.valueOf(remainingCount), scale, RoundingMode.HALF_UP);
            case REDUCE_TERM -> regularPayment;
        };
        int count = remainingCount;
        if (mode == PrepaymentMode.REDUCE_TERM && amortization != Amortization.ANNUITY && regular.signum() > 0) {
            count = Math.min(remainingCount, newPrincipal.divide(regular, 0, RoundingMode.CEILING).intValue());
        }
        BigDecimal outstanding = newPrincipal;
        BigDecimal flatShare = amortization == Amortization.FLAT
                ? flatLeft.divide(BigDecimal.valueOf(count), scale, RoundingMode.HALF_UP) : BigDecimal.ZERO;
        BigDecimal flatRemaining = flatLeft;
        for (int i = current; i < lines.size() && outstanding.signum() > 0; i++) {
            Line line = lines.get(i);
            boolean last = i == lines.size() - 1 || (amortization != Amortization.ANNUITY && i == current + count - 1);
            BigDecimal periodInterest;
            if (amortization == Amortization.FLAT) {
                periodInterest = last ? flatRemaining : flatShare.min(flatRemaining);
                flatRemaining = flatRemaining.subtract(periodInterest);
            } else if (i == current) {
                periodInterest = ScheduleCalculator.brokenPeriodInterest(rate, product.frequency(), product.dayCount(),
                        outstanding, line.start, date, line.due, scale);
            } else {
                periodInterest = ScheduleCalculator.periodInterest(rate, product.frequency(), product.dayCount(),
                        outstanding, line.start, line.due).setScale(scale, RoundingMode.HALF_UP);
            }
            BigDecimal part = amortization == Amortization.ANNUITY
                    ? regular.subtract(periodInterest).max(BigDecimal.ZERO) : regular;
            BigDecimal repaid = last ? outstanding : part.min(outstanding);
            outstanding = outstanding.subtract(repaid);
            // The current instalment also keeps the principal paid on it (earlier in the period and now), so
            // the instalments keep adding up to what was lent; it keeps the interest accrued so far too.
            BigDecimal keptPrincipal = i == current ? line.paidPrincipal.add(prepaid) : BigDecimal.ZERO;
            BigDecimal keptInterest = i == current ? line.accrued : BigDecimal.ZERO;
            result.add(new ScheduledLine(line.number, line.due, money(keptPrincipal.add(repaid)),
                    money(keptInterest.add(periodInterest))));
        }
        return new Reschedule(result, regular);
    }

    /**
     * Applies a recorded repayment: the payments, then (after a prepayment) the new rest of the schedule,
     * whose first instalment accrues afresh from the payment date.
     */
    void applyRepayment(Allocation allocation, List<LinePayment> payments, List<ScheduledLine> rescheduled,
                        BigDecimal newRegular, LocalDate date) {
        penalties = penalties.subtract(allocation.penalties().amount());
        fees = fees.subtract(allocation.fees().amount());
        if (!rescheduled.isEmpty()) {
            int from = indexOf(rescheduled.get(0).number());
            List<Line> kept = new ArrayList<>(lines.subList(0, from));
            Line old = lines.get(from);
            for (ScheduledLine scheduled : rescheduled) {
                Line previous = lines.get(indexOf(scheduled.number()));
                Line line = new Line(scheduled.number(), previous.start, scheduled.dueDate(),
                        scheduled.principal().amount(), scheduled.interest().amount());
                if (scheduled.number() == old.number) {
                    line.paidPrincipal = old.paidPrincipal;
                    line.paidInterest = old.paidInterest;
                    line.accrued = old.accrued;
                    line.baseDate = date;
                    line.baseAmount = old.accrued;
                }
                kept.add(line);
            }
            lines.clear();
            lines.addAll(kept);
        }
        for (LinePayment payment : payments) {
            Line line = line(payment.number());
            line.paidInterest = line.paidInterest.add(payment.interest().amount());
            line.paidPrincipal = line.paidPrincipal.add(payment.principal().amount());
        }
        if (newRegular != null) {
            regularPayment = newRegular;
        }
    }

    private int indexOf(int number) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).number == number) {
                return i;
            }
        }
        throw new IllegalStateException("no instalment " + number);
    }

    private Line line(int number) {
        return lines.get(indexOf(number));
    }
}
