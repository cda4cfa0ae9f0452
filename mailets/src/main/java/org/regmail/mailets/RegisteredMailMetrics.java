package org.regmail.mailets;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters an administrator can read (and tests assert on): how many registered mails were
 * accepted, and how many went on as ordinary mail, per reason.
 */
public final class RegisteredMailMetrics {
    private static final Map<String, AtomicLong> COUNTERS = new ConcurrentHashMap<>();

    private RegisteredMailMetrics() {
    }

    static void increment(String counter) {
        COUNTERS.computeIfAbsent(counter, name -> new AtomicLong()).incrementAndGet();
    }

    /** The counter's value, e.g. {@code refused.INVALID_HEADER} or {@code submitted}. */
    public static long get(String counter) {
        AtomicLong value = COUNTERS.get(counter);
        return value == null ? 0 : value.get();
    }

    /** A copy of every counter. */
    public static Map<String, Long> snapshot() {
        Map<String, Long> copy = new java.util.TreeMap<>();
        COUNTERS.forEach((name, value) -> copy.put(name, value.get()));
        return copy;
    }
}
