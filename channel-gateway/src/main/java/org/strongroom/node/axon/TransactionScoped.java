package org.strongroom.node.axon;

import java.util.function.ObjIntConsumer;
import java.util.function.Supplier;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * A value that lives as long as the current Spring transaction: created on first use, found again by a
 * map look-up (no copying of the synchronization list), set aside while a nested REQUIRES_NEW
 * transaction runs, and told how the transaction ended.
 */
public final class TransactionScoped {

    private TransactionScoped() {
    }

    /**
     * The value bound to {@code key} in the current transaction, created by {@code create} on first use;
     * null outside a transaction.
     *
     * @param afterCompletion called once the transaction has ended, with the value and Spring's completion status
     */
    @SuppressWarnings("unchecked")
    public static <T> T get(Object key, Supplier<T> create, ObjIntConsumer<T> afterCompletion) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            return null;
        }
        T value = (T) TransactionSynchronizationManager.getResource(key);
        if (value != null) {
            return value;
        }
        T created = create.get();
        TransactionSynchronizationManager.bindResource(key, created);
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void suspend() {
                TransactionSynchronizationManager.unbindResource(key);
            }

            @Override
            public void resume() {
                TransactionSynchronizationManager.bindResource(key, created);
            }

            @Override
            public void afterCompletion(int status) {
                TransactionSynchronizationManager.unbindResourceIfPossible(key);
                afterCompletion.accept(created, status);
            }
        });
        return created;
    }

    /** Whether {@code key} has a value in the current transaction. */
    public static boolean has(Object key) {
        return TransactionSynchronizationManager.hasResource(key);
    }
}
