package org.strongroom.gateway.ledger;

import io.grpc.stub.StreamObserver;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Currency;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.stereotype.Service;
import org.strongroom.gateway.grpc.MoneyMapper;
import org.strongroom.gateway.grpc.PageTokens;
import org.strongroom.gateway.grpc.ProtoTime;
import org.strongroom.gateway.projection.ProjectionReads;
import org.strongroom.kernel.DomainException;
import org.strongroom.kernel.Money;
import org.strongroom.projections.api.LedgerQueries.JournalPage;
import org.strongroom.projections.api.LedgerQueries.LedgerBalance;
import org.strongroom.projections.api.LedgerQueries.LedgerBalancesQuery;
import org.strongroom.projections.api.LedgerQueries.ListJournalEntriesQuery;
import org.strongroom.projections.api.Projections;
import org.strongroom.projections.api.LedgerAccounts;
import org.strongroom.proto.ledger.v1.CurrencyTotals;
import org.strongroom.proto.ledger.v1.EntryDirection;
import org.strongroom.proto.ledger.v1.GetTrialBalanceRequest;
import org.strongroom.proto.ledger.v1.GetTrialBalanceResponse;
import org.strongroom.proto.ledger.v1.JournalEntry;
import org.strongroom.proto.ledger.v1.JournalLine;
import org.strongroom.proto.ledger.v1.LedgerServiceGrpc;
import org.strongroom.proto.ledger.v1.ListJournalEntriesRequest;
import org.strongroom.proto.ledger.v1.ListJournalEntriesResponse;
import org.strongroom.proto.ledger.v1.ListLedgerBalancesRequest;
import org.strongroom.proto.ledger.v1.ListLedgerBalancesResponse;

/** strongroom.ledger.v1.LedgerService: the general ledger projection, read. */
@Service
public class LedgerGrpcService extends LedgerServiceGrpc.LedgerServiceImplBase {

    static final int ENTRIES_PAGE_DEFAULT = 50;
    static final int ENTRIES_PAGE_MAX = 200;

    private final QueryGateway queries;
    private final ProjectionReads reads;

    public LedgerGrpcService(QueryGateway queries, ProjectionReads reads) {
        this.queries = queries;
        this.reads = reads;
    }

    @Override
    public void listJournalEntries(ListJournalEntriesRequest request,
                                   StreamObserver<ListJournalEntriesResponse> response) {
        int pageSize = PageTokens.pageSize(request.getPageSize(), ENTRIES_PAGE_DEFAULT, ENTRIES_PAGE_MAX);
        Instant from = request.hasStartTime() ? ProtoTime.fromProto(request.getStartTime()) : null;
        Instant to = request.hasEndTime() ? ProtoTime.fromProto(request.getEndTime()) : null;
        if (from != null && to != null && !from.isBefore(to)) {
            throw DomainException.invalidField("end_time", "must be after start_time");
        }
        String ledgerAccount = request.getLedgerAccount().isEmpty() ? null : request.getLedgerAccount();
        if (ledgerAccount != null && LedgerAccounts.CHART.stream().noneMatch(a -> a.code().equals(ledgerAccount))) {
            throw DomainException.invalidField("ledger_account", "must be a code of the chart of accounts");
        }
        String subject = request.getSubjectId().isEmpty() ? null : request.getSubjectId();
        String list = "journal:" + subject + ":" + ledgerAccount + ":" + from + ":" + to;
        long before = PageTokens.decodePosition(list, request.getPageToken(), Long.MAX_VALUE);
        reads.requireServing(Projections.GENERAL_LEDGER);
        JournalPage page = queries.query(new ListJournalEntriesQuery(subject, ledgerAccount, from, to, before,
                pageSize), JournalPage.class).join();
        ListJournalEntriesResponse.Builder answer = ListJournalEntriesResponse.newBuilder();
        for (var entry : page.entries()) {
            JournalEntry.Builder proto = JournalEntry.newBuilder().setPosition(entry.position())
                    .setEventId(entry.eventId()).setEventType(entry.eventType()).setSubjectId(entry.subjectId())
                    .setDescription(entry.description()).setCreateTime(ProtoTime.toProto(entry.createTime()));
            if (entry.businessDate() != null) {
                proto.setBusinessDate(ProtoTime.toProto(entry.businessDate()));
            }
            for (var line : entry.lines()) {
                proto.addLines(JournalLine.newBuilder().setLedgerAccount(line.ledgerAccount())
                        .setDirection(line.direction().equals("DEBIT") ? EntryDirection.ENTRY_DIRECTION_DEBIT
                                : EntryDirection.ENTRY_DIRECTION_CREDIT)
                        .setAmount(money(line.amount(), line.currencyCode())));
            }
            answer.addEntries(proto);
        }
        if (page.more()) {
            answer.setNextPageToken(PageTokens.encode(list, Long.toString(page.lastPosition())));
        }
        reply(response, answer.build());
    }

    @Override
    public void listLedgerBalances(ListLedgerBalancesRequest request,
                                   StreamObserver<ListLedgerBalancesResponse> response) {
        ListLedgerBalancesResponse.Builder answer = ListLedgerBalancesResponse.newBuilder();
        balances().forEach(balance -> answer.addBalances(toProto(balance)));
        reply(response, answer.build());
    }

    @Override
    public void getTrialBalance(GetTrialBalanceRequest request, StreamObserver<GetTrialBalanceResponse> response) {
        List<LedgerBalance> balances = balances();
        Map<String, BigDecimal[]> totals = new TreeMap<>();
        for (LedgerBalance balance : balances) {
            BigDecimal[] sums = totals.computeIfAbsent(balance.currencyCode(),
                    currency -> new BigDecimal[] {BigDecimal.ZERO, BigDecimal.ZERO});
            sums[0] = sums[0].add(balance.debits());
            sums[1] = sums[1].add(balance.credits());
        }
        GetTrialBalanceResponse.Builder answer = GetTrialBalanceResponse.newBuilder();
        totals.forEach((currency, sums) -> answer.addCurrencies(CurrencyTotals.newBuilder().setCurrencyCode(currency)
                .setDebits(money(sums[0], currency)).setCredits(money(sums[1], currency))
                .setBalanced(sums[0].compareTo(sums[1]) == 0)));
        balances.forEach(balance -> answer.addBalances(toProto(balance)));
        reply(response, answer.build());
    }

    private List<LedgerBalance> balances() {
        reads.requireServing(Projections.GENERAL_LEDGER);
        return queries.query(new LedgerBalancesQuery(), ResponseTypes.multipleInstancesOf(LedgerBalance.class)).join();
    }

    private static org.strongroom.proto.ledger.v1.LedgerBalance toProto(LedgerBalance balance) {
        LedgerAccounts.LedgerAccount account = LedgerAccounts.CHART.stream()
                .filter(a -> a.code().equals(balance.ledgerAccount())).findFirst()
                .orElseThrow(() -> new IllegalStateException("not in the chart: " + balance.ledgerAccount()));
        BigDecimal net = account.normalSide() == LedgerAccounts.Side.DEBIT
                ? balance.debits().subtract(balance.credits()) : balance.credits().subtract(balance.debits());
        return org.strongroom.proto.ledger.v1.LedgerBalance.newBuilder().setLedgerAccount(account.code())
                .setName(account.name()).setDebits(money(balance.debits(), balance.currencyCode()))
                .setCredits(money(balance.credits(), balance.currencyCode()))
                .setBalance(money(net, balance.currencyCode())).build();
    }

    private static com.google.type.Money money(BigDecimal amount, String currencyCode) {
        Currency currency = Currency.getInstance(currencyCode);
        return MoneyMapper.toProto(new Money(amount.setScale(Money.scaleOf(currency)), currency));
    }

    private static <R> void reply(StreamObserver<R> response, R answer) {
        response.onNext(answer);
        response.onCompleted();
    }
}
