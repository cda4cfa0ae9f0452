package org.regmail.benchmarks;

import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.regmail.contracts.Status;
import org.regmail.core.store.H2ServerStore;
import org.regmail.core.store.OutboxEntry;
import org.regmail.core.store.RecordRequest;
import org.regmail.core.store.SentTransaction;

/**
 * The embedded store's cost per record on the outbox's path — enqueue (the mail's path), and
 * settle with one commit per record versus one commit per transaction (the fix the profile of
 * the mail-flow benchmark led to) — side by side, alternating, on one H2 file. No chain.
 *
 * <p>Argument (optional): records per round (default 400). Run: {@code ./mvnw -q -pl benchmarks
 * compile exec:exec@store-cost}.
 */
public final class OutboxStoreCost {
    private static final int ROUNDS = 10;

    private OutboxStoreCost() {
    }

    public static void main(String[] args) throws Exception {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 400;
        PrintStream out = System.out;
        MachineFacts.print(out, "Outbox store cost per record (H2, WRITE_DELAY=0)");
        Path dir = Files.createTempDirectory("regmail-store-cost-");
        Random random = new Random(1);
        List<Double> enqueue = new ArrayList<>();
        List<Double> each = new ArrayList<>();
        List<Double> batched = new ArrayList<>();
        try (H2ServerStore store = H2ServerStore.open(dir.resolve("store"))) {
            for (int round = 0; round < ROUNDS; round++) {
                long start = System.nanoTime();
                for (int i = 0; i < records; i++) {
                    byte[] salt = new byte[32];
                    random.nextBytes(salt);
                    store.enqueue(new RecordRequest(
                        String.format("0x%040x", random.nextLong() & Long.MAX_VALUE), salt, 0,
                        Status.SUBMITTED, null));
                }
                long enqueued = System.nanoTime();
                List<Long> ids = store.duePending(records, Instant.now()).stream()
                    .map(OutboxEntry::id).toList();
                store.markSent(ids, new SentTransaction("0x" + round, BigInteger.valueOf(round),
                    "0x00", Instant.now()));
                long settling = System.nanoTime();
                boolean oneByOne = round % 2 == 0;
                if (oneByOne) {
                    for (long id : ids) {
                        store.markConfirmed(id, "reimbursed 1 wei");
                    }
                } else {
                    Map<Long, String> outcomes = new LinkedHashMap<>();
                    ids.forEach(id -> outcomes.put(id, "reimbursed 1 wei"));
                    store.markConfirmed(outcomes);
                }
                double settleMillis = (System.nanoTime() - settling) / 1e6 / records;
                if (round >= 2) { // the first two rounds warm the JIT and H2's caches
                    enqueue.add((enqueued - start) / 1e6 / records);
                    (oneByOne ? each : batched).add(settleMillis);
                }
            }
        }
        out.printf("%d records per round, %d measured rounds (alternating), ms per record:%n%n",
            records, ROUNDS - 2);
        out.println("| step | p50 ms/record | max ms/record |");
        out.println("|---|---:|---:|");
        Percentiles enqueued = new Percentiles(enqueue);
        Percentiles one = new Percentiles(each);
        Percentiles all = new Percentiles(batched);
        out.printf("| enqueue (one commit per record, on the mail's path) | %.3f | %.3f |%n",
            enqueued.at(50), enqueued.max());
        out.printf("| settle, one commit per record (before) | %.3f | %.3f |%n", one.at(50),
            one.max());
        out.printf("| settle, one commit per transaction (after) | %.3f | %.3f |%n", all.at(50),
            all.max());
        out.println();
        out.println("- load average at the end (1/5/15 min): " + MachineFacts.loadAverage());
        System.exit(0);
    }
}
