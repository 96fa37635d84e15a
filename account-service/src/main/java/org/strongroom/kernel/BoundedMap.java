package org.strongroom.kernel;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A map holding at most {@code maxEntries} entries in access order, the least recently used leaving first
 * when a new one comes. Not thread-safe: a shared one is used under a lock or wrapped synchronized.
 */
public final class BoundedMap<K, V> extends LinkedHashMap<K, V> {

    private final int maxEntries;

    public BoundedMap(int maxEntries) {
        super(Math.min(maxEntries, 1024), 0.75f, true);
        if (maxEntries < 1) {
            throw new IllegalArgumentException("a bounded map holds at least one entry, not " + maxEntries);
        }
        this.maxEntries = maxEntries;
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > maxEntries;
    }
}
