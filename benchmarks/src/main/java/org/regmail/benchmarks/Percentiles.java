package org.regmail.benchmarks;

import java.util.Arrays;
import java.util.Collection;

/** Nearest-rank percentiles of a sample of durations in milliseconds. */
public final class Percentiles {
    private final double[] sorted;

    public Percentiles(Collection<Double> millis) {
        this.sorted = millis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    }

    public int count() {
        return sorted.length;
    }

    /** The p-th percentile (0 < p ≤ 100) by nearest rank; NaN for an empty sample. */
    public double at(double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    public double max() {
        return sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1];
    }

    public double mean() {
        return Arrays.stream(sorted).average().orElse(Double.NaN);
    }
}
