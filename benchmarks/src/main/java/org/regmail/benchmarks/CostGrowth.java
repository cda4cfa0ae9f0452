package org.regmail.benchmarks;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.jfree.chart.JFreeChart;
import org.jfree.data.xy.XYSeries;

/**
 * How cost grows: gas and outbox throughput as the recipients of a mail grow from 1 to 100,
 * and as the outbox's batch size grows from 1 to 100. Gas from receipts (our contracts and the
 * naive baseline), throughput through the real outbox (H2 store and publisher) to a local
 * anvil with automine. Prints two tables and draws {@code results/cost-growth.png}.
 *
 * <p>Argument (optional): records per throughput point (default 200).
 *
 * <p>Run: {@code ./mvnw -q -pl benchmarks compile exec:exec@cost-growth}.
 */
public final class CostGrowth {
    static final int[] RECIPIENTS = {1, 2, 5, 10, 20, 50, 100};
    static final int[] BATCH_SIZES = {1, 2, 5, 10, 20, 50, 100};
    static final int OUTBOX_BATCH = 100;
    /** Throughput points are the median of this many runs. */
    static final int REPEATS = 3;
    static final Path PLOT = Path.of("results", "cost-growth.png");

    private CostGrowth() {
    }

    record RecipientPoint(int recipients, GasPerMailLife.Life batched,
                          GasPerMailLife.Life direct, GasPerMailLife.Life naive,
                          OutboxRun.Result outbox, int mails) {
    }

    record BatchPoint(int batchSize, OutboxRun.Result outbox) {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        PrintStream out = System.out;
        MachineFacts.print(out, "Cost growth");

        List<RecipientPoint> byRecipients = new ArrayList<>();
        List<BatchPoint> byBatch = new ArrayList<>();
        try (BenchChain chain = BenchChain.start()) {
            GasPerMailLife.warmUp(chain);
            for (int recipients : RECIPIENTS) {
                int mails = Math.max(1, (records + recipients - 1) / recipients);
                byRecipients.add(new RecipientPoint(recipients,
                    GasPerMailLife.batched(chain, recipients),
                    GasPerMailLife.direct(chain, recipients),
                    GasPerMailLife.naive(chain, recipients),
                    medianRun(chain, mails, recipients, OUTBOX_BATCH), mails));
            }
        }
        // A fresh chain for the batch sizes: the recipients' runs leave a long chain behind,
        // on which anvil answers more slowly.
        try (BenchChain chain = BenchChain.start()) {
            GasPerMailLife.warmUp(chain);
            for (int batchSize : BATCH_SIZES) {
                byBatch.add(new BatchPoint(batchSize, medianRun(chain, records, 1, batchSize)));
            }
        }

        out.printf("### Recipients per mail (gas of a whole life; outbox: SUBMITTED for "
            + "about %d records, %d per tx, median of %d runs)%n%n", records, OUTBOX_BATCH,
            REPEATS);
        out.println("| recipients | create, ours | create, naive | life, ours batched "
            + "| life, ours 1 tx/record | life, naive | naive ÷ ours batched "
            + "| ours batched per recipient | outbox records/s | outbox mails/s "
            + "| outbox txs (empty) |");
        out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (RecipientPoint p : byRecipients) {
            double seconds = p.outbox().seconds();
            out.printf("| %d | %,.0f | %,.0f | %,.0f | %,.0f | %,.0f | %.2f× | %,.0f | %.0f "
                + "| %.1f | %d (%d) |%n", p.recipients(), p.batched().create(), p.naive().create(),
                p.batched().total(), p.direct().total(), p.naive().total(),
                p.naive().total() / p.batched().total(),
                p.batched().total() / p.recipients(), p.outbox().recordsPerSecond(),
                p.mails() / seconds, p.outbox().transactions(), p.outbox().emptyTransactions());
        }
        out.println();
        out.printf("### Batch size (outbox, %d SUBMITTED records of 1-recipient mails, median of "
            + "%d runs)%n%n", records, REPEATS);
        out.println("| batch size | transactions | of which empty | gas per record | records/s |");
        out.println("|---:|---:|---:|---:|---:|");
        for (BatchPoint p : byBatch) {
            out.printf("| %d | %d | %d | %,.0f | %.0f |%n", p.batchSize(),
                p.outbox().transactions(), p.outbox().emptyTransactions(),
                p.outbox().gasPerRecord(), p.outbox().recordsPerSecond());
        }
        out.println();
        plot(byRecipients, byBatch);
        out.println("Plot: benchmarks/" + PLOT);
        out.println("- load average at the end (1/5/15 min): " + MachineFacts.loadAverage());
        System.exit(0);
    }

    /** The run with the median records/s of {@link #REPEATS}, each on fresh mails. */
    private static OutboxRun.Result medianRun(BenchChain chain, int mails, int recipients,
                                              int batchSize) throws Exception {
        List<OutboxRun.Result> runs = new ArrayList<>();
        for (int i = 0; i < REPEATS; i++) {
            runs.add(OutboxRun.submitted(chain, create(chain, mails, recipients), batchSize));
        }
        runs.sort(java.util.Comparator.comparingDouble(OutboxRun.Result::recordsPerSecond));
        return runs.get(REPEATS / 2);
    }

    private static List<BenchChain.Mail> create(BenchChain chain, int mails, int recipients)
        throws Exception {
        List<BenchChain.Mail> created = new ArrayList<>();
        for (int i = 0; i < mails; i++) {
            created.add(chain.create(recipients));
        }
        return created;
    }

    private static void plot(List<RecipientPoint> byRecipients, List<BatchPoint> byBatch)
        throws Exception {
        XYSeries batched = new XYSeries("ours, batched 100/tx");
        XYSeries direct = new XYSeries("ours, 1 tx per record");
        XYSeries naive = new XYSeries("naive, 1 contract per mail");
        XYSeries recipientRate = new XYSeries("records/s");
        for (RecipientPoint p : byRecipients) {
            batched.add(p.recipients(), p.batched().total());
            direct.add(p.recipients(), p.direct().total());
            naive.add(p.recipients(), p.naive().total());
            recipientRate.add(p.recipients(), p.outbox().recordsPerSecond());
        }
        XYSeries gasPerRecord = new XYSeries("gas per record");
        XYSeries batchRate = new XYSeries("records/s");
        for (BatchPoint p : byBatch) {
            gasPerRecord.add(p.batchSize(), p.outbox().gasPerRecord());
            batchRate.add(p.batchSize(), p.outbox().recordsPerSecond());
        }
        List<JFreeChart> charts = List.of(
            chart("Gas of a whole mail life", "recipients per mail", "gas", true,
                batched, direct, naive),
            chart("Outbox gas per record", "records per transaction", "gas per record", false,
                gasPerRecord),
            chart("Outbox throughput by recipients (100/tx)", "recipients per mail",
                "records per second", false, recipientRate),
            chart("Outbox throughput by batch size", "records per transaction",
                "records per second", false, batchRate));

        Plots.write(PLOT, 2, charts);
    }

    private static JFreeChart chart(String title, String x, String y, boolean logY,
                                    XYSeries... series) {
        return Plots.chart(title, x, y, logY ? Plots.Scale.LOG_XY : Plots.Scale.LOG_X, true,
            series);
    }
}
