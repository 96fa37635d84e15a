package org.strongroom.projections.api;

import java.time.LocalDate;
import java.util.List;
import org.strongroom.payment.api.TransferApi.TransferDetails;

/** Queries on the transfer read model. */
public final class TransferQueries {

    private TransferQueries() {
    }

    /** Answered with {@code Optional<TransferView>}. */
    public record FindTransferQuery(String transferId) {
    }

    /** A transfer and the event-store position of the last event applied to it. */
    public record TransferView(TransferDetails transfer, long lastPosition) {
    }

    /** Transfers from or to the account, newest first, before the position (Long.MAX_VALUE first). */
    public record ListTransfersQuery(String accountId, long beforePosition, int limit) {
    }

    /**
     * The SCHEDULED transfers dated on or before the business date, earliest date (then earliest request)
     * first. Answered with their ids, {@code List<String>}.
     */
    public record ScheduledTransfersDueQuery(LocalDate businessDate) {
    }

    public record TransferPage(List<TransferDetails> transfers, long lastPosition, boolean more) {
    }
}
