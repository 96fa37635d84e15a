package org.strongroom.gateway.admin;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;
import org.strongroom.gateway.command.LockingOperationScope;
import org.strongroom.gateway.grpc.CallerContext;
import org.strongroom.gateway.grpc.ErrorStatuses;
import org.strongroom.gateway.idempotency.OnlineWrites;
import org.strongroom.gateway.loan.LoanDesk;
import org.strongroom.gateway.payment.ScheduledTransfers;
import org.strongroom.kernel.Channel;
import org.strongroom.kernel.DomainException;
import org.strongroom.kernel.ErrorReason;
import org.strongroom.kernel.Role;
import org.strongroom.node.loan.LoanProperties;
import org.strongroom.node.time.BusinessDateService;
import org.strongroom.projections.loan.LoanViews;

/**
 * Close of business for the current business date: the transfers scheduled for it start, then every
 * active loan is closed for the date (collection, accrual, penalty interest, ageing) by a few workers over
 * disjoint segments of loans, a batch of a segment's loans per transaction
 * ({@code strongroom.loans.cob-batch-size}); then the business date advances. One run at a time across nodes (a PostgreSQL session lock).
 * A run that stops part-way (error, shutdown, crash) is resumed by running the date again: every loan
 * knows the last date it was closed for, so nothing happens twice.
 */
@Component
public class CloseOfBusiness {

    private static final Logger log = LoggerFactory.getLogger(CloseOfBusiness.class);
    /** Session advisory lock held by the node running close of business ("STRONGCO"). */
    static final long RUN_LOCK = 0x5354524F4E47434FL;

    public enum State {
        RUNNING,
        COMPLETED,
        INTERRUPTED
    }

    /** A run as recorded, with its progress summed over the segments. */
    public record Run(LocalDate businessDate, State state, long loansTotal, long loansDone, long transfersTotal,
                      long transfersDone, long collections, long shortfalls, Instant startTime, Instant endTime,
                      String error) {
    }

    private final JdbcTemplate jdbc;
    private final DataSource dataSource;
    private final TransactionTemplate transactions;
    private final BusinessDateService businessDate;
    private final LoanViews loans;
    private final LoanDesk desk;
    private final LoanProperties properties;
    private final ScheduledTransfers scheduledTransfers;
    private final Clock clock;
    /** All the workers' batches at once while the channels are quiet, fewer while they write. */
    private final BatchGate batches;
    private final ExecutorService runner = Executors.newSingleThreadExecutor(r -> daemon(r, "close-of-business"));
    private final AtomicReference<Future<?>> current = new AtomicReference<>();
    /** Tests: stop a run after this many loans, as a crash would (0: never). */
    volatile int stopAfterLoans;

    public CloseOfBusiness(JdbcTemplate jdbc, DataSource dataSource, PlatformTransactionManager transactionManager,
                           BusinessDateService businessDate, LoanViews loans, LoanDesk desk,
                           LoanProperties properties,
                           ScheduledTransfers scheduledTransfers, Clock clock, OnlineWrites onlineWrites) {
        this.scheduledTransfers = scheduledTransfers;
        this.jdbc = jdbc;
        this.dataSource = dataSource;
        this.transactions = new TransactionTemplate(transactionManager);
        this.transactions.setIsolationLevel(TransactionDefinition.ISOLATION_READ_COMMITTED);
        this.businessDate = businessDate;
        this.loans = loans;
        this.desk = desk;
        this.properties = properties;
        this.clock = clock;
        this.batches = new BatchGate(() -> onlineWrites.busy() ? properties.getCobThreadsWhileOnline()
                : properties.getCobThreads());
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }

    /**
     * Starts (or resumes) close of business for {@code date}, which must be the current business date;
     * a date already closed answers with its run. Returns at once.
     */
    public Run start(LocalDate date) {
        LocalDate today = businessDate.refresh();
        if (date.isBefore(today)) {
            return find(date).filter(run -> run.state() == State.COMPLETED).orElseThrow(() -> mismatch(today));
        }
        if (!date.equals(today)) {
            throw mismatch(today);
        }
        synchronized (current) {
            Future<?> running = current.get();
            if (running != null && !running.isDone()) {
                Optional<Run> same = find(date).filter(run -> run.state() == State.RUNNING);
                if (same.isPresent()) {
                    return same.get();
                }
                // The previous date's run records its end just before its thread lets go: wait for that.
                try {
                    running.get(5, java.util.concurrent.TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    throw ErrorStatuses.exception(com.google.rpc.Code.ABORTED, ErrorReason.CLOSE_OF_BUSINESS_RUNNING,
                            "close of business is still running; retry when it has ended",
                            Map.of("business_date", date.toString()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                } catch (java.util.concurrent.ExecutionException e) {
                    // the run recorded itself as INTERRUPTED
                }
                running = current.get();
            }
            if (running == null || running.isDone()) {
                jdbc.update("INSERT INTO cob_run (business_date, state, start_time) VALUES (?, 'RUNNING', ?) "
                                + "ON CONFLICT (business_date) DO UPDATE SET state = 'RUNNING', error = NULL",
                        date, Timestamp.from(clock.instant()));
                current.set(runner.submit(() -> runGuarded(date)));
            }
        }
        return find(date).orElseThrow();
    }

    /** Runs close of business for {@code date} in the calling thread (the CLI's and tests' entry point). */
    public Run runAndWait(LocalDate date) throws Exception {
        start(date);
        Future<?> running = current.get();
        if (running != null) {
            running.get();
        }
        return find(date).orElseThrow();
    }

    private static DomainException mismatch(LocalDate today) {
        return DomainException.rule(ErrorReason.BUSINESS_DATE_MISMATCH, "the business date is " + today
                + "; close of business runs for it (or reports a date already closed)",
                Map.of("business_date", today.toString()));
    }

    private void runGuarded(LocalDate date) {
        try (Connection lockHolder = dataSource.getConnection()) {
            if (!tryLock(lockHolder)) {
                // Another node runs it: that node records the outcome.
                return;
            }
            try {
                new CallerContext("close-of-business", Role.SYSTEM, Channel.SYSTEM, null, "cob-" + date, null, null,
                        null).run(() -> {
                            run(date);
                            return null;
                        });
            } finally {
                unlock(lockHolder);
            }
        } catch (Exception e) {
            log.error("close of business for {} stopped; running it again resumes it", date, e);
            jdbc.update("UPDATE cob_run SET state = 'INTERRUPTED', error = ? WHERE business_date = ?",
                    String.valueOf(e.getMessage()), date);
        }
    }

    private void run(LocalDate date) throws Exception {
        // The views that list the work (scheduled transfers, loans) are written in each write's own
        // transaction, so everything committed before this run is already listed.
        List<String> transfers = scheduledTransfers.dueOn(date);
        jdbc.update("UPDATE cob_run SET transfers_total = transfers_done + ? WHERE business_date = ?",
                transfers.size(), date);
        for (String transferId : transfers) {
            // Each starts once (the transfer refuses a second start); the transfer process carries it out.
            scheduledTransfers.execute(transferId, date);
            jdbc.update("UPDATE cob_run SET transfers_done = transfers_done + 1 WHERE business_date = ?", date);
        }
        List<LoanViews.OpenLoan> open = loans.openFor(date);
        long done = jdbc.queryForObject("SELECT COALESCE(SUM(loans_done), 0) FROM cob_segment WHERE business_date = ?",
                Long.class, date);
        jdbc.update("UPDATE cob_run SET loans_total = ? WHERE business_date = ?", done + open.size(), date);
        int segments = properties.getCobSegments();
        int batchSize = properties.getCobBatchSize();
        List<List<String>> bySegment = new ArrayList<>();
        for (int s = 0; s < segments; s++) {
            bySegment.add(new ArrayList<>());
            jdbc.update("INSERT INTO cob_segment (business_date, segment) VALUES (?, ?) ON CONFLICT DO NOTHING", date, s);
        }
        // Segments by account: a borrower's loans are all in one segment, so two workers never wait for
        // the same account's lock.
        for (LoanViews.OpenLoan loan : open) {
            bySegment.get(Math.floorMod(loan.accountId().hashCode(), segments)).add(loan.loanId());
        }
        CallerContext system = CallerContext.current();
        ExecutorService workers = Executors.newFixedThreadPool(properties.getCobThreads(),
                r -> daemon(r, "close-of-business-worker"));
        java.util.concurrent.atomic.AtomicLong processed = new java.util.concurrent.atomic.AtomicLong();
        // The first failure stops every worker before its next loan; loans in flight finish their own
        // transaction rather than being interrupted half-way.
        AtomicReference<Exception> failure = new AtomicReference<>();
        try {
            List<Future<?>> tasks = new ArrayList<>();
            for (int s = 0; s < segments; s++) {
                int segment = s;
                tasks.add(workers.submit(() -> {
                    try {
                        system.run(() -> {
                            List<String> loans = bySegment.get(segment);
                            for (int from = 0; from < loans.size() && failure.get() == null; from += batchSize) {
                                List<String> batch = loans.subList(from, Math.min(loans.size(), from + batchSize));
                                if (stopAfterLoans > 0) {
                                    // A crash between transactions: the loans up to the limit commit.
                                    long allowed = stopAfterLoans - processed.getAndAdd(batch.size());
                                    if (allowed < batch.size()) {
                                        if (allowed > 0) {
                                            closeBatch(batch.subList(0, (int) allowed), date, segment);
                                        }
                                        throw new IllegalStateException("stopped after " + stopAfterLoans
                                                + " loans (test)");
                                    }
                                }
                                closeBatch(batch, date, segment);
                            }
                            return null;
                        });
                    } catch (Exception e) {
                        failure.compareAndSet(null, e);
                    }
                }));
            }
            for (Future<?> task : tasks) {
                task.get();
            }
        } finally {
            workers.shutdown();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        transactions.executeWithoutResult(tx -> {
            businessDate.advance(date);
            jdbc.update("UPDATE cob_run SET state = 'COMPLETED', end_time = ? WHERE business_date = ?",
                    Timestamp.from(clock.instant()), date);
        });
        log.info("close of business for {} completed: {} loans", date, find(date).map(Run::loansDone).orElse(0L));
    }

    /**
     * A batch of one segment's loans closed in one transaction and one unit of work, with the segment's
     * progress: their events are appended together and the loan and account views written once. The
     * view writers' lock and the loans' locks are taken first, then the paying accounts' (LoanDesk).
     */
    private void closeBatch(List<String> loanIds, LocalDate date, int segment) throws InterruptedException {
        batches.enter();
        try {
            closeBatchNow(loanIds, date, segment);
        } finally {
            batches.leave();
        }
    }

    private void closeBatchNow(List<String> loanIds, LocalDate date, int segment) {
        transactions.executeWithoutResult(tx -> LockingOperationScope.inOneUnitOfWork(() -> {
            LoanDesk.Closed closed = desk.closeDays(loanIds, date, "cob-" + date,
                    aggregates -> LockingOperationScope.lockAll(jdbc, aggregates));
            if (closed.loansClosed() > 0) {
                jdbc.update("UPDATE cob_segment SET loans_done = loans_done + ?, collections = collections + ?, "
                                + "shortfalls = shortfalls + ? WHERE business_date = ? AND segment = ?",
                        closed.loansClosed(), closed.collections(), closed.shortfalls(), date, segment);
            }
            return null;
        }));
    }

    public Optional<Run> find(LocalDate date) {
        Optional<Run> run = read(date);
        if (run.isPresent() && run.get().state() == State.RUNNING && !lockHeld()) {
            // Read as running, but nobody holds the run lock now: either the run ended between the read and
            // the lock check (it records its end before it lets go of the lock, so a second read shows that
            // end), or it crashed (the second read still says running).
            run = read(date).map(again -> again.state() == State.RUNNING ? interrupted(again) : again);
        }
        return run;
    }

    private static Run interrupted(Run run) {
        return new Run(run.businessDate(), State.INTERRUPTED, run.loansTotal(), run.loansDone(), run.transfersTotal(),
                run.transfersDone(), run.collections(), run.shortfalls(), run.startTime(), run.endTime(), run.error());
    }

    private Optional<Run> read(LocalDate date) {
        return jdbc.query("""
                SELECT r.*, COALESCE(SUM(s.loans_done), 0) AS loans_done, COALESCE(SUM(s.collections), 0) AS collections,
                       COALESCE(SUM(s.shortfalls), 0) AS shortfalls
                FROM cob_run r LEFT JOIN cob_segment s ON s.business_date = r.business_date
                WHERE r.business_date = ? GROUP BY r.business_date
                """, (rs, n) -> run(rs), date).stream().findFirst();
    }

    public Optional<Run> latest() {
        return jdbc.queryForList("SELECT business_date FROM cob_run ORDER BY business_date DESC LIMIT 1",
                LocalDate.class).stream().findFirst().flatMap(this::find);
    }

    private Run run(ResultSet rs) throws SQLException {
        State state = State.valueOf(rs.getString("state"));
        Timestamp end = rs.getTimestamp("end_time");
        return new Run(rs.getObject("business_date", LocalDate.class), state, rs.getLong("loans_total"),
                rs.getLong("loans_done"), rs.getLong("transfers_total"), rs.getLong("transfers_done"),
                rs.getLong("collections"), rs.getLong("shortfalls"), rs.getTimestamp("start_time").toInstant(),
                end == null ? null : end.toInstant(), rs.getString("error"));
    }

    /** Whether some node holds the run lock: this node's run, or another's (the lock is not free). */
    private boolean lockHeld() {
        Future<?> running = current.get();
        if (running != null && !running.isDone()) {
            return true;
        }
        try (Connection probe = dataSource.getConnection()) {
            if (tryLock(probe)) {
                unlock(probe);
                return false;
            }
            return true;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the close-of-business lock", e);
        }
    }

    private static boolean tryLock(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
            statement.setLong(1, RUN_LOCK);
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private static void unlock(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT pg_advisory_unlock(?)")) {
            statement.setLong(1, RUN_LOCK);
            statement.execute();
        }
    }
}
