package org.strongroom.gateway.payment;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;
import org.strongroom.gateway.command.LockingOperationScope;
import org.strongroom.gateway.projection.ProjectionReads;
import org.strongroom.kernel.Channel;
import org.strongroom.kernel.MetadataKeys;
import org.strongroom.kernel.OperationScope;
import org.strongroom.payment.application.InternalTransfers;
import org.strongroom.kernel.Role;
import org.strongroom.projections.api.Projections;
import org.strongroom.projections.api.TransferQueries.ScheduledTransfersDueQuery;

/**
 * Scheduled transfers for close of business: which are due on a business date, and carrying one out.
 * It is carried out in one transaction like any other transfer ({@link InternalTransfers}); the funds and
 * the daily limits are judged then, on the business date it runs on.
 */
@Component
public class ScheduledTransfers {

    /** The principal the started transfers' events name: no caller asks for them on their date. */
    public static final String PRINCIPAL = "system:scheduled-transfers";

    private final CommandGateway commands;
    private final QueryGateway queries;
    private final ProjectionReads reads;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final InternalTransfers transfers;

    public ScheduledTransfers(CommandGateway commands, QueryGateway queries, ProjectionReads reads, JdbcTemplate jdbc,
                              PlatformTransactionManager transactionManager, InternalTransfers transfers) {
        this.transfers = transfers;
        this.commands = commands;
        this.queries = queries;
        this.reads = reads;
        this.jdbc = jdbc;
        this.transactions = new TransactionTemplate(transactionManager);
        this.transactions.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.transactions.setIsolationLevel(TransactionDefinition.ISOLATION_READ_COMMITTED);
    }

    /**
     * Ids of the SCHEDULED transfers dated on or before the business date, earliest date first, as the
     * transfer view knows them: the caller waits for the view to catch up first.
     */
    public List<String> dueOn(LocalDate businessDate) {
        reads.requireServing(Projections.TRANSFER_VIEW);
        return queries.query(new ScheduledTransfersDueQuery(businessDate), ResponseTypes.multipleInstancesOf(String.class))
                .join();
    }

    /**
     * Starts a scheduled transfer on the business date, in a transaction of its own, as SYSTEM. Starting
     * one already started does nothing, so a close of business repeated after a crash moves no money twice.
     *
     * @throws org.strongroom.kernel.DomainException TRANSFER_NOT_DUE if it is dated after the business date
     * @throws org.axonframework.modelling.command.AggregateNotFoundException if there is no such transfer
     */
    public void execute(String transferId, LocalDate businessDate) {
        Map<String, String> metadata = Map.of(
                MetadataKeys.PRINCIPAL_ID, PRINCIPAL,
                MetadataKeys.ROLE, Role.SYSTEM.name(),
                MetadataKeys.CHANNEL, Channel.SYSTEM.name(),
                MetadataKeys.CORRELATION_ID, UUID.randomUUID().toString(),
                // the same on every run: the statements name the scheduled transfer
                MetadataKeys.REQUEST_ID, "scheduled-transfer:" + transferId,
                MetadataKeys.BUSINESS_DATE, businessDate.toString());
        OperationScope scope = new LockingOperationScope(jdbc) {
            @Override
            public <R> R send(Object command) {
                return commands.sendAndWait(GenericCommandMessage.asCommandMessage(command).andMetaData(metadata));
            }
        };
        // One transaction: the transfer's debit, credit and record, judged against the limits of the
        // caller who scheduled it.
        transactions.executeWithoutResult(tx -> transfers.executeScheduled(transferId, businessDate, scope));
    }
}
