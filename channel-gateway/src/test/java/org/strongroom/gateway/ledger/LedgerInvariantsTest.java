package org.strongroom.gateway.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.strongroom.gateway.GrpcErrors.assertError;

import io.grpc.Status;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.strongroom.gateway.AccountFixtures;
import org.strongroom.node.NodeTest;
import org.strongroom.node.TestTokens;
import org.strongroom.proto.account.v1.AccountProduct;
import org.strongroom.proto.account.v1.Counterparty;
import org.strongroom.proto.account.v1.CounterpartyType;
import org.strongroom.proto.account.v1.DepositFundsRequest;
import org.strongroom.proto.account.v1.OpenAccountRequest;
import org.strongroom.proto.account.v1.WithdrawFundsRequest;
import org.strongroom.proto.admin.v1.ListProjectionsRequest;
import org.strongroom.proto.admin.v1.Projection;
import org.strongroom.proto.admin.v1.ProjectionAdminServiceGrpc;
import org.strongroom.proto.ledger.v1.GetTrialBalanceRequest;
import org.strongroom.proto.ledger.v1.GetTrialBalanceResponse;
import org.strongroom.proto.ledger.v1.JournalEntry;
import org.strongroom.proto.ledger.v1.LedgerServiceGrpc;
import org.strongroom.proto.ledger.v1.ListJournalEntriesRequest;
import org.strongroom.proto.payment.v1.PaymentServiceGrpc;
import org.strongroom.proto.payment.v1.TransferFundsRequest;
import org.strongroom.proto.teller.v1.CashCounterpartyType;
import org.strongroom.proto.teller.v1.CashDirection;
import org.strongroom.proto.teller.v1.CloseTillRequest;
import org.strongroom.proto.teller.v1.OpenTillRequest;
import org.strongroom.proto.teller.v1.TellerServiceGrpc;
import org.strongroom.proto.teller.v1.TransferCashRequest;

/**
 * The general ledger's invariants after every kind of monetary event: the trial balance is zero per
 * currency, the customer-deposit control accounts equal the sum of customer balances, and transit is
 * zero when no transfer is in flight. Every journal entry balances.
 */
class LedgerInvariantsTest extends NodeTest {

    @Autowired
    JdbcTemplate jdbc;

    private LedgerServiceGrpc.LedgerServiceBlockingStub auditor() {
        return as(LedgerServiceGrpc.newBlockingStub(channel()),
                TestTokens.headers("auditor-gl", "AUDITOR", "SYSTEM", claims -> { }))
                .withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    private static String id() {
        return UUID.randomUUID().toString();
    }

    /** Waits until every event processor has handled every event (lag 0). */
    private void awaitCaughtUp() throws InterruptedException {
        var admin = as(ProjectionAdminServiceGrpc.newBlockingStub(channel()),
                TestTokens.headers("ops-gl", "OPERATOR", "SYSTEM", claims -> { }));
        Instant giveUp = Instant.now().plusSeconds(30);
        while (Instant.now().isBefore(giveUp)) {
            List<Projection> projections = admin.withDeadlineAfter(10, TimeUnit.SECONDS)
                    .listProjections(ListProjectionsRequest.getDefaultInstance()).getProjectionsList();
            long pending = jdbc.queryForObject("SELECT count(*) FROM transfer_view WHERE status = 'PENDING'",
                    Long.class);
            if (pending == 0 && projections.stream().allMatch(p -> p.getLag() == 0)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("processors did not catch up");
    }

    /** The cash over and short account's EUR balance (debit: short). */
    private static BigDecimal overShort(GetTrialBalanceResponse trial) {
        return trial.getBalancesList().stream().filter(balance -> balance.getLedgerAccount().equals("5900-CASH-OVER-SHORT")
                        && balance.getBalance().getCurrencyCode().equals("EUR"))
                .map(balance -> amount(balance.getBalance())).findFirst().orElse(BigDecimal.ZERO);
    }

    private static BigDecimal amount(com.google.type.Money money) {
        return BigDecimal.valueOf(money.getUnits()).add(BigDecimal.valueOf(money.getNanos(), 9));
    }

    @Test
    void theBooksBalanceAfterEveryKindOfMovement() throws Exception {
        // Other tests' tills may have been counted short or over before: this test's count is the change.
        awaitCaughtUp();
        BigDecimal overShortBefore = overShort(auditor().getTrialBalance(GetTrialBalanceRequest.getDefaultInstance()));
        AccountFixtures fixtures = new AccountFixtures(channel());
        String a = fixtures.fundedAccount(500);
        String b = fixtures.fundedAccount(100);
        String savings = fixtures.accounts().openAccount(OpenAccountRequest.newBuilder().setRequestId(id())
                .setCustomerId(fixtures.customer()).setCurrencyCode("EUR")
                .setProduct(AccountProduct.ACCOUNT_PRODUCT_SAVINGS).build()).getAccount().getAccountId();
        String usd = fixtures.accounts().openAccount(OpenAccountRequest.newBuilder().setRequestId(id())
                .setCustomerId(fixtures.customer()).setCurrencyCode("USD")
                .setProduct(AccountProduct.ACCOUNT_PRODUCT_CURRENT).build()).getAccount().getAccountId();
        fixtures.accounts().depositFunds(DepositFundsRequest.newBuilder().setRequestId(id()).setAccountId(usd)
                .setAmount(com.google.type.Money.newBuilder().setCurrencyCode("USD").setUnits(75))
                .setCounterparty(AccountFixtures.clearing("USD-IN")).build());
        fixtures.clearingFeed().withdrawFunds(WithdrawFundsRequest.newBuilder().setRequestId(id()).setAccountId(a)
                .setAmount(AccountFixtures.eur(20, 50)).setCounterparty(AccountFixtures.clearing("OUT")).build());
        var payments = as(PaymentServiceGrpc.newBlockingStub(channel()), AccountFixtures.teller())
                .withDeadlineAfter(30, TimeUnit.SECONDS);
        for (String[] pair : new String[][] {{a, b}, {b, savings}, {a, usd}, {b, a}}) {
            payments.transferFunds(TransferFundsRequest.newBuilder().setRequestId(id()).setSourceAccountId(pair[0])
                    .setTargetAccountId(pair[1]).setAmount(AccountFixtures.eur(30, 0)).setReference("gl").build());
        }
        // Cash: a till's float, a customer's cash in and out, cash back to the vault, a short count.
        var teller = as(TellerServiceGrpc.newBlockingStub(channel()), TestTokens.staff("teller-gl", "TELLER", "branch-gl"))
                .withDeadlineAfter(30, TimeUnit.SECONDS);
        String till = teller.openTill(OpenTillRequest.newBuilder().setRequestId(id())
                .setOpeningFloat(AccountFixtures.eur(1000, 0)).build()).getTill().getTillId();
        var counter = as(org.strongroom.proto.account.v1.AccountServiceGrpc.newBlockingStub(channel()),
                TestTokens.staff("teller-gl", "TELLER", "branch-gl")).withDeadlineAfter(30, TimeUnit.SECONDS);
        Counterparty cash = Counterparty.newBuilder().setType(CounterpartyType.COUNTERPARTY_TYPE_TILL)
                .setReference(till).build();
        counter.depositFunds(DepositFundsRequest.newBuilder().setRequestId(id()).setAccountId(b)
                .setAmount(AccountFixtures.eur(250, 0)).setCounterparty(cash).build());
        counter.withdrawFunds(WithdrawFundsRequest.newBuilder().setRequestId(id()).setAccountId(b)
                .setAmount(AccountFixtures.eur(40, 0)).setCounterparty(cash).build());
        teller.transferCash(TransferCashRequest.newBuilder().setRequestId(id()).setTillId(till)
                .setDirection(CashDirection.CASH_DIRECTION_OUT).setAmount(AccountFixtures.eur(500, 0))
                .setCounterpartyType(CashCounterpartyType.CASH_COUNTERPARTY_TYPE_VAULT).build());
        teller.closeTill(CloseTillRequest.newBuilder().setRequestId(id()).setTillId(till)
                .setCounted(AccountFixtures.eur(705, 0)).build());
        awaitCaughtUp();

        GetTrialBalanceResponse trial = auditor().getTrialBalance(GetTrialBalanceRequest.getDefaultInstance());
        assertThat(trial.getCurrenciesList()).isNotEmpty().allSatisfy(totals -> {
            assertThat(totals.getBalanced()).as(totals.getCurrencyCode()).isTrue();
            assertThat(totals.getDebits()).isEqualTo(totals.getCredits());
        });
        Map<String, BigDecimal> balanceOf = trial.getBalancesList().stream().collect(Collectors.toMap(
                balance -> balance.getLedgerAccount() + "/" + balance.getBalance().getCurrencyCode(),
                balance -> amount(balance.getBalance())));
        // Control accounts = the customers' balances, per currency.
        for (String currency : List.of("EUR", "USD")) {
            BigDecimal customers = jdbc.queryForObject("SELECT COALESCE(SUM(balance), 0) FROM account_view "
                    + "WHERE currency_code = ?", BigDecimal.class, currency);
            BigDecimal control = balanceOf.getOrDefault("2100-DEPOSITS-CURRENT/" + currency, BigDecimal.ZERO)
                    .add(balanceOf.getOrDefault("2110-DEPOSITS-SAVINGS/" + currency, BigDecimal.ZERO));
            assertThat(control).as("deposits control %s", currency).isEqualByComparingTo(customers);
            assertThat(balanceOf.getOrDefault("1900-TRANSIT/" + currency, BigDecimal.ZERO))
                    .as("transit %s with no transfer in flight", currency).isZero();
        }
        assertThat(overShort(trial).subtract(overShortBefore)).as("the till was counted 5 short")
                .isEqualByComparingTo("5");
        // Each entry balances on its own.
        List<JournalEntry> entries = auditor().listJournalEntries(ListJournalEntriesRequest.newBuilder()
                .setSubjectId(till).build()).getEntriesList();
        assertThat(entries).extracting(JournalEntry::getEventType)
                .contains("TillOpenedEvent", "TillCashMovedEvent", "TillClosedEvent");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM (SELECT entry_position, currency_code FROM journal_line "
                + "GROUP BY entry_position, currency_code HAVING SUM(CASE WHEN direction = 'DEBIT' THEN amount "
                + "ELSE -amount END) <> 0) unbalanced", Long.class)).isZero();
        // Every line belongs to an entry (no foreign key checks it: the projection writes lines only for the
        // entries its insert returned, in the same transaction).
        assertThat(jdbc.queryForObject("SELECT count(*) FROM journal_line l WHERE NOT EXISTS "
                + "(SELECT 1 FROM journal_entry e WHERE e.entry_position = l.entry_position)", Long.class)).isZero();
    }

    @Test
    void onlyOperatorsAuditorsAndTheSystemReadTheLedger() {
        assertError(() -> as(LedgerServiceGrpc.newBlockingStub(channel()), AccountFixtures.teller())
                        .getTrialBalance(GetTrialBalanceRequest.getDefaultInstance()),
                Status.Code.PERMISSION_DENIED, "ROLE_NOT_PERMITTED");
        assertError(() -> auditor().listJournalEntries(ListJournalEntriesRequest.newBuilder()
                .setLedgerAccount("9999-NOT-AN-ACCOUNT").build()), Status.Code.INVALID_ARGUMENT, "INVALID_FIELD");
    }
}
