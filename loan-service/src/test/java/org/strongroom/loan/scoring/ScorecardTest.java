package org.strongroom.loan.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Scorecard SC-2026.1 against a monthly instalment of 1,000.00 and a declared income of 10,000.00. The
 * perfect profile scores every point (20 + 20 + 10 + 20 + 20 + 10 = 100); each case changes one thing.
 */
class ScorecardTest {

    private static final BigDecimal INSTALMENT = new BigDecimal("1000.00");

    /** A profile built by changing a perfect one. */
    private record Profile(long accountAgeDays, BigDecimal averageBalance90d, BigDecimal minimumBalance90d,
                           int monthsWithInflows, BigDecimal existingExposure, BigDecimal existingMonthlyInstalments,
                           int worstDaysPastDue, int writtenOffLoans, BigDecimal declaredMonthlyIncome) {

        static Profile perfect() {
            return new Profile(365, new BigDecimal("3000.00"), new BigDecimal("0.00"), 3, BigDecimal.ZERO,
                    new BigDecimal("0.00"), 0, 0, new BigDecimal("10000.00"));
        }

        Profile age(long days) {
            return new Profile(days, averageBalance90d, minimumBalance90d, monthsWithInflows, existingExposure,
                    existingMonthlyInstalments, worstDaysPastDue, writtenOffLoans, declaredMonthlyIncome);
        }

        Profile averageBalance(String amount) {
            return new Profile(accountAgeDays, new BigDecimal(amount), minimumBalance90d, monthsWithInflows,
                    existingExposure, existingMonthlyInstalments, worstDaysPastDue, writtenOffLoans,
                    declaredMonthlyIncome);
        }

        Profile minimumBalance(String amount) {
            return new Profile(accountAgeDays, averageBalance90d, new BigDecimal(amount), monthsWithInflows,
                    existingExposure, existingMonthlyInstalments, worstDaysPastDue, writtenOffLoans,
                    declaredMonthlyIncome);
        }

        Profile inflows(int months) {
            return new Profile(accountAgeDays, averageBalance90d, minimumBalance90d, months, existingExposure,
                    existingMonthlyInstalments, worstDaysPastDue, writtenOffLoans, declaredMonthlyIncome);
        }

        Profile existingInstalments(String amount) {
            return new Profile(accountAgeDays, averageBalance90d, minimumBalance90d, monthsWithInflows,
                    existingExposure, new BigDecimal(amount), worstDaysPastDue, writtenOffLoans,
                    declaredMonthlyIncome);
        }

        Profile worstDaysPastDue(int days) {
            return new Profile(accountAgeDays, averageBalance90d, minimumBalance90d, monthsWithInflows,
                    existingExposure, existingMonthlyInstalments, days, writtenOffLoans, declaredMonthlyIncome);
        }

        Profile writtenOff(int loans) {
            return new Profile(accountAgeDays, averageBalance90d, minimumBalance90d, monthsWithInflows,
                    existingExposure, existingMonthlyInstalments, worstDaysPastDue, loans, declaredMonthlyIncome);
        }

        Profile income(String amount) {
            return new Profile(accountAgeDays, averageBalance90d, minimumBalance90d, monthsWithInflows,
                    existingExposure, existingMonthlyInstalments, worstDaysPastDue, writtenOffLoans,
                    new BigDecimal(amount));
        }

        CreditProfile toCreditProfile() {
            return new CreditProfile(accountAgeDays, averageBalance90d, minimumBalance90d, monthsWithInflows,
                    existingExposure, existingMonthlyInstalments, worstDaysPastDue, writtenOffLoans,
                    declaredMonthlyIncome);
        }
    }

    private static CreditDecision decide(Profile profile) {
        return Scorecard.decide(profile.toCreditProfile(), INSTALMENT);
    }

    @Test
    void aPerfectProfileScoresEveryPointWithNoReasons() {
        CreditDecision decision = decide(Profile.perfect());
        assertThat(decision.outcome()).isEqualTo(CreditOutcome.APPROVED);
        assertThat(decision.score()).isEqualTo(100);
        assertThat(decision.reasons()).isEmpty();
        assertThat(decision.scorecardVersion()).isEqualTo("SC-2026.1").isEqualTo(Scorecard.VERSION);
    }

    // ---------------------------------------------------------------- knock-outs

    @Test
    void aWrittenOffLoanKnocksOutAnOtherwisePerfectProfile() {
        CreditDecision decision = decide(Profile.perfect().writtenOff(1));
        assertThat(decision.outcome()).isEqualTo(CreditOutcome.REJECTED);
        assertThat(decision.score()).isZero();
        assertThat(decision.reasons()).containsExactly("WRITTEN_OFF_LOAN_HISTORY");
    }

    @Test
    void instalmentsAboveHalfTheIncomeKnockOut() {
        // 1000.00 against 1999.99 (half: 999.995) is above half; against 2000.00 it is exactly half, allowed.
        assertThat(decide(Profile.perfect().averageBalance("9000.00").income("1999.99")).reasons())
                .containsExactly("INSTALMENTS_ABOVE_HALF_OF_INCOME");
        CreditDecision half = decide(Profile.perfect().income("2000.00"));
        assertThat(half.reasons()).doesNotContain("INSTALMENTS_ABOVE_HALF_OF_INCOME")
                .containsExactly("INSTALMENTS_ABOVE_40_PERCENT_OF_INCOME");
        assertThat(half.score()).isEqualTo(80);
        // Existing instalments count: 4000.01 + 1000.00 > 5000.00
        CreditDecision existing = decide(Profile.perfect().existingInstalments("4000.01"));
        assertThat(existing.outcome()).isEqualTo(CreditOutcome.REJECTED);
        assertThat(existing.reasons()).containsExactly("INSTALMENTS_ABOVE_HALF_OF_INCOME");
    }

    @Test
    void noDeclaredIncomeKnocksOutWithoutDividingByIt() {
        for (String income : List.of("0.00", "-1.00")) {
            CreditDecision decision = decide(Profile.perfect().income(income));
            assertThat(decision.outcome()).isEqualTo(CreditOutcome.REJECTED);
            assertThat(decision.reasons()).containsExactly("INSTALMENTS_ABOVE_HALF_OF_INCOME");
        }
    }

    @Test
    void aPastDelinquencyOverNinetyDaysKnocksOut() {
        assertThat(decide(Profile.perfect().worstDaysPastDue(91)).reasons())
                .containsExactly("PAST_DELINQUENCY_OVER_90_DAYS");
        CreditDecision ninety = decide(Profile.perfect().worstDaysPastDue(90));
        assertThat(ninety.outcome()).isEqualTo(CreditOutcome.APPROVED);
        assertThat(ninety.score()).isEqualTo(90);
        assertThat(ninety.reasons()).containsExactly("PAST_DELINQUENCY_OVER_30_DAYS");
    }

    @Test
    void everyKnockOutIsNamedInTheScorecardsOrder() {
        CreditDecision decision = decide(Profile.perfect().worstDaysPastDue(120).income("1000.00").writtenOff(2));
        assertThat(decision.outcome()).isEqualTo(CreditOutcome.REJECTED);
        assertThat(decision.score()).isZero();
        assertThat(decision.reasons()).containsExactly("WRITTEN_OFF_LOAN_HISTORY", "INSTALMENTS_ABOVE_HALF_OF_INCOME",
                "PAST_DELINQUENCY_OVER_90_DAYS");
    }

    // ---------------------------------------------------------------- points and reasons

    static Stream<Arguments> onePointRuleAtATime() {
        return Stream.of(
                // account age: 20 from a year, 10 from 90 days
                Arguments.of("age 365", (UnaryOperator<Profile>) p -> p.age(365), 100, List.of()),
                Arguments.of("age 364", (UnaryOperator<Profile>) p -> p.age(364), 90,
                        List.of("ACCOUNT_YOUNGER_THAN_1_YEAR")),
                Arguments.of("age 90", (UnaryOperator<Profile>) p -> p.age(90), 90,
                        List.of("ACCOUNT_YOUNGER_THAN_1_YEAR")),
                Arguments.of("age 89", (UnaryOperator<Profile>) p -> p.age(89), 80,
                        List.of("ACCOUNT_YOUNGER_THAN_90_DAYS")),
                Arguments.of("age 0", (UnaryOperator<Profile>) p -> p.age(0), 80,
                        List.of("ACCOUNT_YOUNGER_THAN_90_DAYS")),
                // average balance: 20 from 3 instalments, 10 from 1
                Arguments.of("average 3000.00", (UnaryOperator<Profile>) p -> p.averageBalance("3000.00"), 100,
                        List.of()),
                Arguments.of("average 2999.99", (UnaryOperator<Profile>) p -> p.averageBalance("2999.99"), 90,
                        List.of("AVERAGE_BALANCE_BELOW_3_INSTALMENTS")),
                Arguments.of("average 1000.00", (UnaryOperator<Profile>) p -> p.averageBalance("1000.00"), 90,
                        List.of("AVERAGE_BALANCE_BELOW_3_INSTALMENTS")),
                Arguments.of("average 999.99", (UnaryOperator<Profile>) p -> p.averageBalance("999.99"), 80,
                        List.of("AVERAGE_BALANCE_BELOW_1_INSTALMENT")),
                // never overdrawn: 10
                Arguments.of("minimum 0.00", (UnaryOperator<Profile>) p -> p.minimumBalance("0.00"), 100, List.of()),
                Arguments.of("minimum -0.01", (UnaryOperator<Profile>) p -> p.minimumBalance("-0.01"), 90,
                        List.of("OVERDRAWN_IN_LAST_90_DAYS")),
                // inflows: 20 for 3 months, 10 for 2
                Arguments.of("inflows 2", (UnaryOperator<Profile>) p -> p.inflows(2), 90,
                        List.of("INFLOWS_IN_ONLY_2_OF_3_MONTHS")),
                Arguments.of("inflows 1", (UnaryOperator<Profile>) p -> p.inflows(1), 80,
                        List.of("NO_REGULAR_INFLOWS")),
                Arguments.of("inflows 0", (UnaryOperator<Profile>) p -> p.inflows(0), 80,
                        List.of("NO_REGULAR_INFLOWS")),
                // debt to income (existing + new) / income: 20 up to 30 %, 10 up to 40 %
                Arguments.of("dti 0.30", (UnaryOperator<Profile>) p -> p.existingInstalments("2000.00"), 100,
                        List.of()),
                Arguments.of("dti 0.300001", (UnaryOperator<Profile>) p -> p.existingInstalments("2000.01"), 90,
                        List.of("INSTALMENTS_ABOVE_30_PERCENT_OF_INCOME")),
                Arguments.of("dti 0.40", (UnaryOperator<Profile>) p -> p.existingInstalments("3000.00"), 90,
                        List.of("INSTALMENTS_ABOVE_30_PERCENT_OF_INCOME")),
                Arguments.of("dti 0.400001", (UnaryOperator<Profile>) p -> p.existingInstalments("3000.01"), 80,
                        List.of("INSTALMENTS_ABOVE_40_PERCENT_OF_INCOME")),
                // worst days past due: 10 for none, 5 up to 30
                Arguments.of("dpd 1", (UnaryOperator<Profile>) p -> p.worstDaysPastDue(1), 95,
                        List.of("PAST_DELINQUENCY_UP_TO_30_DAYS")),
                Arguments.of("dpd 30", (UnaryOperator<Profile>) p -> p.worstDaysPastDue(30), 95,
                        List.of("PAST_DELINQUENCY_UP_TO_30_DAYS")),
                Arguments.of("dpd 31", (UnaryOperator<Profile>) p -> p.worstDaysPastDue(31), 90,
                        List.of("PAST_DELINQUENCY_OVER_30_DAYS")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("onePointRuleAtATime")
    void eachRuleCostsItsPointsAndNamesItsReason(String name, UnaryOperator<Profile> change, int score,
                                                  List<String> reasons) {
        CreditDecision decision = decide(change.apply(Profile.perfect()));
        assertThat(decision.score()).isEqualTo(score);
        assertThat(decision.reasons()).containsExactlyElementsOf(reasons);
        assertThat(decision.outcome()).isEqualTo(CreditOutcome.APPROVED);
    }

    @Test
    void everyReasonIsNamedInTheScorecardsOrder() {
        // Nothing knocks out (DTI 0.45, worst 45 days), but every rule scores nothing.
        CreditDecision decision = decide(Profile.perfect().age(10).averageBalance("0.00").minimumBalance("-5.00")
                .inflows(0).existingInstalments("3500.00").worstDaysPastDue(45));
        assertThat(decision.score()).isZero();
        assertThat(decision.outcome()).isEqualTo(CreditOutcome.REJECTED);
        assertThat(decision.reasons()).containsExactly("ACCOUNT_YOUNGER_THAN_90_DAYS",
                "AVERAGE_BALANCE_BELOW_1_INSTALMENT", "OVERDRAWN_IN_LAST_90_DAYS", "NO_REGULAR_INFLOWS",
                "INSTALMENTS_ABOVE_40_PERCENT_OF_INCOME", "PAST_DELINQUENCY_OVER_30_DAYS");
    }

    // ---------------------------------------------------------------- bands

    @Test
    void sixtyPointsApproveAndFiftyFiveGoToReview() {
        // 100 - 20 (account age) - 20 (average balance) = 60
        CreditDecision sixty = decide(Profile.perfect().age(30).averageBalance("500.00"));
        assertThat(sixty.score()).isEqualTo(60);
        assertThat(sixty.outcome()).isEqualTo(CreditOutcome.APPROVED);
        // and 5 less for a short past delinquency: 55, the highest score below 60 (points come in fives)
        CreditDecision fiftyFive = decide(Profile.perfect().age(30).averageBalance("500.00").worstDaysPastDue(3));
        assertThat(fiftyFive.score()).isEqualTo(55);
        assertThat(fiftyFive.outcome()).isEqualTo(CreditOutcome.MANUAL_REVIEW);
    }

    @Test
    void fortyPointsGoToReviewAndThirtyFiveAreRejected() {
        // 100 - 20 - 20 - 10 (overdrawn) - 10 (inflows in 2 months) = 40
        Profile forty = Profile.perfect().age(30).averageBalance("500.00").minimumBalance("-1.00").inflows(2);
        assertThat(decide(forty).score()).isEqualTo(40);
        assertThat(decide(forty).outcome()).isEqualTo(CreditOutcome.MANUAL_REVIEW);
        CreditDecision thirtyFive = decide(forty.worstDaysPastDue(10));
        assertThat(thirtyFive.score()).isEqualTo(35);
        assertThat(thirtyFive.outcome()).isEqualTo(CreditOutcome.REJECTED);
        // a score-based rejection keeps its score, unlike a knock-out
        assertThat(thirtyFive.reasons()).hasSize(5);
    }

    /**
     * Every combination of every rule's levels (3 x 3 x 2 x 3 x 3 x 3 = 486): the outcome follows the bands
     * 60-100 APPROVED, 40-59 MANUAL_REVIEW, 0-39 REJECTED. Points come in fives, so no profile scores 59 or
     * 39; 55/60 and 35/40 are the boundaries a profile can reach.
     */
    @Test
    void theOutcomeFollowsTheScoreBandsForEveryCombination() {
        List<UnaryOperator<Profile>> ages = List.of(p -> p.age(400), p -> p.age(100), p -> p.age(10));
        List<UnaryOperator<Profile>> averages = List.of(p -> p.averageBalance("5000.00"),
                p -> p.averageBalance("1500.00"), p -> p.averageBalance("10.00"));
        List<UnaryOperator<Profile>> minimums = List.of(p -> p.minimumBalance("1.00"), p -> p.minimumBalance("-1.00"));
        List<UnaryOperator<Profile>> inflows = List.of(p -> p.inflows(3), p -> p.inflows(2), p -> p.inflows(0));
        List<UnaryOperator<Profile>> debts = List.of(p -> p.existingInstalments("0.00"),
                p -> p.existingInstalments("2500.00"), p -> p.existingInstalments("3500.00"));
        List<UnaryOperator<Profile>> histories = List.of(p -> p.worstDaysPastDue(0), p -> p.worstDaysPastDue(15),
                p -> p.worstDaysPastDue(60));
        List<Profile> profiles = new ArrayList<>(List.of(Profile.perfect()));
        for (List<UnaryOperator<Profile>> rule : List.of(ages, averages, minimums, inflows, debts, histories)) {
            List<Profile> next = new ArrayList<>();
            for (Profile profile : profiles) {
                rule.forEach(level -> next.add(level.apply(profile)));
            }
            profiles = next;
        }
        assertThat(profiles).hasSize(486);
        Set<Integer> scores = new TreeSet<>();
        for (Profile profile : profiles) {
            CreditDecision decision = decide(profile);
            int score = decision.score();
            scores.add(score);
            CreditOutcome expected = score >= 60 ? CreditOutcome.APPROVED
                    : score >= 40 ? CreditOutcome.MANUAL_REVIEW : CreditOutcome.REJECTED;
            assertThat(decision.outcome()).as("%s scoring %d", profile, score).isEqualTo(expected);
            assertThat(score % 5).isZero();
            assertThat(decision.reasons().isEmpty()).isEqualTo(score == 100);
        }
        assertThat(scores).contains(0, 35, 40, 55, 60, 100).doesNotContain(39, 59);
    }

    // ---------------------------------------------------------------- determinism

    @Test
    void theSameInputGivesAnEqualDecision() {
        Profile profile = Profile.perfect().age(200).inflows(2).worstDaysPastDue(12);
        CreditDecision first = decide(profile);
        assertThat(decide(profile)).isEqualTo(first);
        // an equal profile built anew, amounts at another scale, still decides the same
        CreditProfile rebuilt = new CreditProfile(200, new BigDecimal("3000"), new BigDecimal("0"), 2,
                BigDecimal.ZERO, new BigDecimal("0.0000"), 12, 0, new BigDecimal("10000.0"));
        assertThat(Scorecard.decide(rebuilt, new BigDecimal("1000"))).isEqualTo(first);
        assertThat(first.score()).isEqualTo(75); // 100 - 10 (age) - 10 (inflows) - 5 (delinquency)
    }

    @Test
    void aRecordedDecisionCannotBeChangedAfterwards() {
        CreditDecision decision = decide(Profile.perfect().age(10));
        assertThatThrownBy(() -> decision.reasons().add("ANYTHING"))
                .isInstanceOf(UnsupportedOperationException.class);
        List<String> reasons = new ArrayList<>(List.of("A"));
        CreditDecision copy = new CreditDecision(CreditOutcome.APPROVED, 60, reasons, Scorecard.VERSION);
        reasons.add("B");
        assertThat(copy.reasons()).containsExactly("A");
    }
}
