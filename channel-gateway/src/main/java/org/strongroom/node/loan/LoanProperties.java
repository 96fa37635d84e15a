package org.strongroom.node.loan;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.strongroom.loan.product.LoanProduct;

/** Loan settings under {@code strongroom.loans}: the products on offer and how close of business runs. */
@ConfigurationProperties("strongroom.loans")
public class LoanProperties {

    /** Every version of every product; a loan keeps the version it was opened with. */
    private List<LoanProduct> products = new ArrayList<>();
    /** The desk (branch id) whose supervisors decide applications made outside a branch. */
    private String reviewBranch = "loan-desk";
    /** How long a referred application waits for a loan officer. */
    private Duration decisionExpireAfter = Duration.ofDays(3);
    /** A loan fewer days past due than this cannot be written off. */
    private int writeOffMinDaysPastDue = 90;
    /** Close of business: loans are split into this many segments by id ... */
    private int cobSegments = 8;
    /** ... worked on by this many threads, each segment by one thread at a time, ... */
    private int cobThreads = 2;
    /**
     * ... of which at most this many run a batch at once while the channels are writing (an operation
     * started within the last second): the transfers keep the cores they need, and close of business
     * takes all its threads again once the channels are quiet.
     */
    private int cobThreadsWhileOnline = 1;
    /**
     * ... in transactions of at most this many loans each: one append, one lock statement and one commit
     * for the batch, while its loans and paying accounts stay locked until it commits (a transfer on one of
     * those accounts waits for the batch).
     */
    private int cobBatchSize = 50;

    public List<LoanProduct> getProducts() {
        return products;
    }

    public void setProducts(List<LoanProduct> products) {
        this.products = products;
    }

    public String getReviewBranch() {
        return reviewBranch;
    }

    public void setReviewBranch(String reviewBranch) {
        this.reviewBranch = reviewBranch;
    }

    public Duration getDecisionExpireAfter() {
        return decisionExpireAfter;
    }

    public void setDecisionExpireAfter(Duration decisionExpireAfter) {
        this.decisionExpireAfter = decisionExpireAfter;
    }

    public int getWriteOffMinDaysPastDue() {
        return writeOffMinDaysPastDue;
    }

    public void setWriteOffMinDaysPastDue(int writeOffMinDaysPastDue) {
        if (writeOffMinDaysPastDue < 0) {
            throw new IllegalArgumentException("write-off-min-days-past-due is zero or more");
        }
        this.writeOffMinDaysPastDue = writeOffMinDaysPastDue;
    }

    public int getCobSegments() {
        return cobSegments;
    }

    public void setCobSegments(int cobSegments) {
        this.cobSegments = cobSegments;
    }

    public int getCobThreads() {
        return cobThreads;
    }

    public void setCobThreads(int cobThreads) {
        this.cobThreads = cobThreads;
    }

    public int getCobThreadsWhileOnline() {
        return cobThreadsWhileOnline;
    }

    public void setCobThreadsWhileOnline(int cobThreadsWhileOnline) {
        if (cobThreadsWhileOnline < 1) {
            throw new IllegalArgumentException("strongroom.loans.cob-threads-while-online must be at least 1");
        }
        this.cobThreadsWhileOnline = cobThreadsWhileOnline;
    }

    public int getCobBatchSize() {
        return cobBatchSize;
    }

    public void setCobBatchSize(int cobBatchSize) {
        if (cobBatchSize < 1) {
            throw new IllegalArgumentException("strongroom.loans.cob-batch-size must be at least 1");
        }
        this.cobBatchSize = cobBatchSize;
    }
}
