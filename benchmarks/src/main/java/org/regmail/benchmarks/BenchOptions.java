package org.regmail.benchmarks;

import java.util.HashMap;
import java.util.Map;

/**
 * A benchmark's optional {@code key=value} arguments ({@code -Dbench.args="messages=2000"}).
 */
public final class BenchOptions {
    private final Map<String, String> values;

    private BenchOptions(Map<String, String> values) {
        this.values = values;
    }

    /** Reads {@code key=value} arguments; anything else is refused, naming the argument. */
    public static BenchOptions parse(String[] args) {
        Map<String, String> values = new HashMap<>();
        for (String arg : args) {
            int equals = arg.indexOf('=');
            if (equals < 1) {
                throw new IllegalArgumentException("arguments are key=value, got: " + arg);
            }
            values.put(arg.substring(0, equals), arg.substring(equals + 1));
        }
        return new BenchOptions(values);
    }

    /** The whole number given for {@code key}, or {@code defaultValue}. */
    public int integer(String key, int defaultValue) {
        return Integer.parseInt(values.getOrDefault(key, String.valueOf(defaultValue)));
    }

    /** The value given for {@code key}, one of {@code allowed}, or the first of them. */
    public String choice(String key, String... allowed) {
        String value = values.getOrDefault(key, allowed[0]);
        if (!java.util.List.of(allowed).contains(value)) {
            throw new IllegalArgumentException(key + " must be one of "
                + String.join(", ", allowed) + ", got: " + value);
        }
        return value;
    }
}
