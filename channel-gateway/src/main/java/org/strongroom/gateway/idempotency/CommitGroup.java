package org.strongroom.gateway.idempotency;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Group commit without a thread of its own: calls that arrive while the database is busy with earlier
 * ones queue here, and the next caller to find a free writer slot carries everything queued (up to a
 * bound) in one database transaction, its own call among them or not. With no queue, a call is a group
 * of one and waits for nobody. At most {@code writers} groups are open at once; a waiting caller sleeps
 * until its operation is done or a writer slot frees up for it.
 *
 * @param <T> a queued operation
 */
final class CommitGroup<T extends CommitGroup.Member> {

    /** An operation waiting for a group: the group's writer marks it done and wakes its caller. */
    abstract static class Member {
        private final Thread caller = Thread.currentThread();
        private volatile boolean done;

        /** Called by the writer once this member's outcome is set. */
        final void done() {
            done = true;
            LockSupport.unpark(caller);
        }

        final boolean isDone() {
            return done;
        }

        /** Wakes the caller to take a writer slot. */
        final void wake() {
            LockSupport.unpark(caller);
        }
    }

    /**
     * A safety net only: a waiting caller is woken when it is done or when a writer slot frees up for it (a
     * short timeout would have every waiting caller poll the slots, spending the CPU the writers need).
     */
    private static final long MAX_SLEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final ConcurrentLinkedQueue<T> queue = new ConcurrentLinkedQueue<>();
    private final Semaphore writers;
    private final int writerCount;
    private final int maxMembers;
    private final Consumer<List<T>> write;

    /**
     * @param writers    groups written at once (each on the thread of one of its callers)
     * @param maxMembers most operations in one group
     * @param write      writes a group and marks every member done, whatever happens
     */
    CommitGroup(int writers, int maxMembers, Consumer<List<T>> write) {
        if (writers < 1 || maxMembers < 1) {
            throw new IllegalArgumentException("a commit group needs at least one writer and one member");
        }
        this.writers = new Semaphore(writers);
        this.writerCount = writers;
        this.maxMembers = maxMembers;
        this.write = write;
    }

    /** Queues the member and returns once a group carrying it has been written. */
    void submit(T member) {
        queue.add(member);
        while (!member.isDone()) {
            if (writers.tryAcquire()) {
                try {
                    List<T> group = drain();
                    if (!group.isEmpty()) {
                        write.accept(group);
                    }
                } finally {
                    writers.release();
                }
                // Whoever waits longest gets the slot just freed, if it is still waiting.
                T next = queue.peek();
                if (next != null) {
                    next.wake();
                }
            } else {
                LockSupport.parkNanos(this, MAX_SLEEP_NANOS);
            }
        }
    }

    /** Groups written at once, at most. */
    int writers() {
        return writerCount;
    }

    /** Operations waiting for a group now. */
    int queued() {
        return queue.size();
    }

    private List<T> drain() {
        List<T> group = new ArrayList<>();
        T member;
        while (group.size() < maxMembers && (member = queue.poll()) != null) {
            group.add(member);
        }
        return group;
    }
}
