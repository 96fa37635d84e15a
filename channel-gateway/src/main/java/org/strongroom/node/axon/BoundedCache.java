package org.strongroom.node.axon;

import java.util.Map;
import org.axonframework.common.Registration;
import org.axonframework.common.caching.Cache;
import org.strongroom.kernel.BoundedMap;

/**
 * An Axon {@link Cache} holding at most {@code maxEntries} entries, the least recently used leaving
 * first. Aggregate repositories use one each, so memory stays bounded however many aggregates exist.
 */
public final class BoundedCache implements Cache {

    private final Map<Object, Object> entries;

    public BoundedCache(int maxEntries) {
        this.entries = new BoundedMap<>(maxEntries);
    }

    @Override
    @SuppressWarnings("unchecked")
    public synchronized <K, V> V get(K key) {
        return (V) entries.get(key);
    }

    @Override
    public synchronized void put(Object key, Object value) {
        entries.put(key, value);
    }

    @Override
    public synchronized boolean putIfAbsent(Object key, Object value) {
        return entries.putIfAbsent(key, value) == null;
    }

    @Override
    public synchronized boolean remove(Object key) {
        return entries.remove(key) != null;
    }

    @Override
    public synchronized void removeAll() {
        entries.clear();
    }

    @Override
    public synchronized boolean containsKey(Object key) {
        return entries.containsKey(key);
    }

    public synchronized int size() {
        return entries.size();
    }

    /** Nothing here listens to entries (Axon's aggregate repositories do not); refused rather than ignored. */
    @Override
    public Registration registerCacheEntryListener(EntryListener cacheEntryListener) {
        throw new UnsupportedOperationException("BoundedCache does not notify listeners");
    }
}
