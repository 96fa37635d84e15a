package org.strongroom.projections.api;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import org.strongroom.account.api.AccountDetails;
import org.strongroom.account.api.Counterparty;
import org.strongroom.kernel.Money;

/** Queries on the account read models and their answers. Lists are bounded pages, keyset-paginated. */
public final class AccountQueries {

    private AccountQueries() {
    }

    /** Answered with {@code Optional<AccountDetails>}. */
    public record FindAccountQuery(String accountId) {
    }

    /**
     * A customer's accounts in opening order, after the given opening position (-1 for the first page).
     *
     * @param onlyAccountIds when not null, only these accounts (a partner's consent); null for all
     */
    public record ListAccountsQuery(String customerId, long afterPosition, int limit, Set<String> onlyAccountIds) {

        public ListAccountsQuery {
            onlyAccountIds = onlyAccountIds == null ? null : Set.copyOf(onlyAccountIds);
        }
    }

    public record AccountPage(List<AccountDetails> accounts, long lastPosition, boolean more) {
    }

    /** An account's postings newest first, before the given posting sequence (Long.MAX_VALUE for the first page). */
    public record ListTransactionsQuery(String accountId, long beforeSequence, int limit) {
    }

    public record TransactionPage(List<TransactionView> transactions, long lastSequence, boolean more) {
    }

    public enum Direction {
        CREDIT,
        DEBIT
    }

    /** One posting with the running balance after it and who made it through which channel. */
    public record TransactionView(String transactionId, String accountId, long sequence, Direction direction,
                                  Money amount, Money balanceAfter, Counterparty counterparty, String requestId,
                                  String channel, LocalDate businessDate, Instant createTime) {
    }
}
