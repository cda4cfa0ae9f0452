package org.regmail.client;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Progress lines on the error stream for anything that waits on the chain: one line when the
 * wait starts, one every few seconds while it lasts, so nobody wonders whether it hangs.
 */
public final class Progress {
    static final long TICK_SECONDS = 5;

    private Progress() {
    }

    /** Runs {@code action}, saying {@code what} is going on until it returns. */
    public static <T> T waitFor(PrintWriter err, String what, Callable<T> action) throws Exception {
        err.println(what + " …");
        err.flush();
        long start = System.nanoTime();
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "regmail-progress");
            thread.setDaemon(true);
            return thread;
        });
        ticker.scheduleAtFixedRate(() -> {
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            err.println("  still " + what + " (" + seconds + " s)");
            err.flush();
        }, TICK_SECONDS, TICK_SECONDS, TimeUnit.SECONDS);
        try {
            return action.call();
        } finally {
            ticker.shutdownNow();
        }
    }
}
