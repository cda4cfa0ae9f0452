package org.regmail.benchmarks.mailflow;

import java.io.PrintStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.jfree.data.xy.XYSeries;
import org.regmail.benchmarks.BenchChain;
import org.regmail.benchmarks.BenchOptions;
import org.regmail.benchmarks.MachineFacts;
import org.regmail.benchmarks.Plots;
import org.regmail.contracts.ContractErrors;
import org.regmail.contracts.Status;
import org.regmail.contracts.generated.EmailRegistration;
import org.regmail.contracts.generated.EmailRegistrationMaster;
import org.regmail.core.store.OutboxEntry;
import org.regmail.core.store.ServerStore;
import org.regmail.mailets.RegisteredMailRuntime;
import org.regmail.mailets.testing.JamesTestServer;
import org.web3j.abi.EventEncoder;
import org.web3j.protocol.core.DefaultBlockParameterNumber;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.utils.Numeric;

import com.sun.management.GcInfo;

/**
 * Issue 7's load test, run by hand: a burst of registered mails through the sender's server
 * with the outbox bounded. A sender's James 3.8.1 with the extension relays to a recipient's
 * James with the extension (the mail-flow configurations), on a fresh local anvil (automine).
 * Every mail is registered on chain first; then all of them are submitted over SMTP as fast
 * as the client threads can, and every {@code sample} ms the benchmark notes the mails
 * accepted and delivered, each server's outbox backlog (records queued, records in sent and
 * unsettled transactions) read from its store, the transactions in flight, this JVM's heap
 * (now, and after the last collection) and the size of both H2 store files, until every mail
 * is delivered and its SUBMITTED, HANDED_OFF and DELIVERED are mined. At the end it reads the
 * chain's StatusRecorded and RecordRejected events for the burst: each record must be there
 * exactly once. Prints a time series and a summary; draws {@code results/burst.png}.
 *
 * <p>Arguments, all optional, as {@code key=value}: {@code mails} (1000), {@code threads}
 * (SMTP client threads, 8), {@code warmup} (mails sent and settled before the burst, 20),
 * {@code body} (body bytes, 3000), {@code batch} (outbox.batch-size, 50), {@code interval}
 * (outbox.interval-ms, 1000), {@code sample} (ms between samples, 500).
 *
 * <p>Run: {@code ./mvnw -q -pl benchmarks compile exec:exec@burst -Dbench.args="mails=1000"}.
 */
public final class BurstBenchmark {
    static final Path PLOT = Path.of("results", "burst.png");
    /** Transactions an outbox keeps sent and unsettled at most (OutboxPublisher's bound). */
    static final int MAX_IN_FLIGHT = 4;
    private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(10);
    private static final List<Status> SENDER_RECORDS = List.of(Status.SUBMITTED,
        Status.HANDED_OFF);
    private static final List<Status> EXPECTED = List.of(Status.SUBMITTED, Status.HANDED_OFF,
        Status.DELIVERED);
    private static final String STATUS_RECORDED =
        EventEncoder.encode(EmailRegistration.STATUSRECORDED_EVENT);
    private static final String RECORD_REJECTED =
        EventEncoder.encode(EmailRegistrationMaster.RECORDREJECTED_EVENT);

    private final BenchOptions options;
    private final Path work;
    private final BenchChain chain;
    private final JamesServers servers = new JamesServers();

    private BurstBenchmark(BenchOptions options, Path work, BenchChain chain) {
        this.options = options;
        this.work = work;
        this.chain = chain;
    }

    int option(String key, int defaultValue) {
        return options.integer(key, defaultValue);
    }

    /** One server's outbox as its store shows it. */
    record Outbox(long queued, long inFlightRecords, int inFlightTransactions) {
        long backlog() {
            return queued + inFlightRecords;
        }

        static Outbox of(ServerStore store) {
            Map<OutboxEntry.State, Long> counts = store.countByState();
            return new Outbox(counts.getOrDefault(OutboxEntry.State.PENDING, 0L),
                counts.getOrDefault(OutboxEntry.State.SENT, 0L),
                store.unsettledTransactions().size());
        }
    }

    /** What the benchmark saw at one instant, {@code seconds} after the burst began. */
    record Sample(double seconds, int accepted, int delivered, int recorded, int mined,
                  Outbox sender, Outbox recipient, long heapUsed, long heapAfterGc,
                  long senderStoreBytes, long recipientStoreBytes) {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        BenchOptions options = BenchOptions.parse(args);
        PrintStream out = System.out;
        MachineFacts.print(out, "Burst of registered mails through the sender's server");
        Path work = Files.createTempDirectory("regmail-burst-");
        try (BenchChain chain = BenchChain.start()) {
            BurstBenchmark benchmark = new BurstBenchmark(options, work, chain);
            try {
                benchmark.run(out);
            } finally {
                benchmark.stop();
            }
        }
        out.printf("H2 store files once the servers closed them (H2 compacts on close): "
            + "%.1f + %.1f MiB (sender + recipient)%n%n",
            mib(Files.size(ServerProperties.storeFile(work.resolve("sender")))),
            mib(Files.size(ServerProperties.storeFile(work.resolve("recipient")))));
        out.println("- load average at the end (1/5/15 min): " + MachineFacts.loadAverage());
        System.exit(0);
    }

    private void run(PrintStream out) throws Exception {
        int mails = option("mails", 1000);
        int threads = option("threads", 8);
        int warmup = option("warmup", 20);
        int body = option("body", 3000);
        int batch = option("batch", 50);
        int interval = option("interval", 1000);
        int sampleMillis = option("sample", 500);

        Path recipientDir = work.resolve("recipient");
        Path senderDir = work.resolve("sender");
        JamesTestServer recipient = servers.start(JamesTestServer.builder()
            .mailetContainer(JamesConfigs.recipient(true))
            .pop3Handlers("org.regmail.mailets.RecordPop3Download")
            .imapPackages("org.regmail.mailets.RegisteredMailImapPackage")
            .mailboxListener("org.regmail.mailets.RecordMailboxActions")
            .configurationFile("registered-mail.properties", ServerProperties.write(recipientDir,
                chain, BenchChain.RECIPIENT_SERVER, "recipient.example", batch, interval)));
        JamesTestServer sender = servers.start(JamesTestServer.builder()
            .mailetContainer(JamesConfigs.sender(true, recipient.smtpPort()))
            .configurationFile("registered-mail.properties", ServerProperties.write(senderDir,
                chain, BenchChain.SENDER_SERVER, "sender.example", batch, interval)));
        sender.addUser(PreRegistration.FROM, ServerProperties.PASSWORD);
        recipient.addUser(PreRegistration.TO, ServerProperties.PASSWORD);

        String rpc = chain.anvil().rpcUrl();
        String master = chain.deployment().master().getContractAddress();
        long registering = System.nanoTime();
        List<PreRegistration.BenchMessage> warm =
            PreRegistration.register(rpc, master, "burst-warmup", warmup, body);
        List<PreRegistration.BenchMessage> burst =
            PreRegistration.register(rpc, master, "burst", mails, body);
        out.printf("Registered %d + %d mails on chain before the burst, in %.1f s (the client's "
            + "cost, not the server's). Outbox: batch size %d, interval %d ms, at most %d "
            + "transactions in flight; %d SMTP client threads; a sample every %d ms.%n%n",
            warmup, mails, (System.nanoTime() - registering) / 1e9, batch, interval,
            MAX_IN_FLIGHT, threads, sampleMillis);

        try (EvidenceWatcher watcher = new EvidenceWatcher(chain.anvil().web3j(), 20)) {
            SmtpLoad.submit(sender.smtpPort(), PreRegistration.FROM, ServerProperties.PASSWORD,
                warm, threads);
            awaitDelivered(warm);
            ServerStore senderStore = store(sender);
            ServerStore recipientStore = store(recipient);
            checkTwoPublishers();
            awaitDrained(watcher, warm, senderStore, recipientStore);

            long firstBlock = chain.anvil().web3j().ethBlockNumber().send().getBlockNumber()
                .longValueExact() + 1;
            System.gc();
            Probe probe = new Probe(watcher, burst, senderStore, recipientStore,
                ServerProperties.storeFile(senderDir), ServerProperties.storeFile(recipientDir));
            long heapBefore = probe.heapAfterGc();

            AtomicInteger accepted = new AtomicInteger();
            ExecutorService client = Executors.newSingleThreadExecutor();
            long start = System.nanoTime();
            List<Sample> samples = new ArrayList<>();
            SmtpLoad.Submission submission;
            try {
                Future<SmtpLoad.Submission> submitting = client.submit(() -> SmtpLoad.submit(
                    sender.smtpPort(), PreRegistration.FROM, ServerProperties.PASSWORD, burst,
                    threads, accepted));
                samples.add(probe.sample(start, accepted.get()));
                long deadline = start + DRAIN_TIMEOUT.toNanos();
                long next = start;
                while (!probe.drained(samples.get(samples.size() - 1), mails)) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("burst not drained within "
                            + DRAIN_TIMEOUT + "; last sample " + samples.get(samples.size() - 1));
                    }
                    next += sampleMillis * 1_000_000L;
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
                    }
                    watcher.check();
                    if (submitting.isDone()) {
                        submitting.get(); // throws what failed the submission, if anything
                    }
                    samples.add(probe.sample(start, accepted.get()));
                }
                submission = submitting.get();
            } finally {
                client.shutdownNow();
            }

            System.gc();
            long heapAfter = probe.heapAfterGc();
            long head = chain.anvil().web3j().ethBlockNumber().send().getBlockNumber()
                .longValueExact();
            printSeries(out, samples);
            printSummary(out, burst, submission, samples, watcher, heapBefore, heapAfter);
            printChainCheck(out, burst, firstBlock, head, batch, senderStore, recipientStore);
            plot(samples);
            out.println("Plot: benchmarks/" + PLOT);
            out.println();
        }
    }

    /**
     * The store of the node James runs, found by the configuration file James read: a node
     * asked for by another path would be a second node with a second publisher on the same
     * store and account.
     */
    private static ServerStore store(JamesTestServer james) throws Exception {
        return RegisteredMailRuntime.node(null, ServerProperties.inJames(james).toString())
            .store();
    }

    /** Fails unless exactly the two James servers' outbox publishers run in this JVM. */
    private static void checkTwoPublishers() {
        long publishers = Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().equals("regmail-outbox")).count();
        if (publishers != 2) {
            throw new IllegalStateException(publishers + " outbox publishers run, expected 2");
        }
    }

    /** Waits until James delivered every mail (by then both servers' nodes run). */
    private static void awaitDelivered(List<PreRegistration.BenchMessage> mails)
        throws Exception {
        Map<String, Long> arrived = ArrivalStamp.at(JamesConfigs.deliveredPoint(true));
        long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
        while (!mails.stream().allMatch(m -> arrived.containsKey(m.messageId()))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("warm-up not delivered within " + DRAIN_TIMEOUT);
            }
            Thread.sleep(50);
        }
    }

    private void awaitDrained(EvidenceWatcher watcher, List<PreRegistration.BenchMessage> mails,
                              ServerStore senderStore, ServerStore recipientStore)
        throws Exception {
        Probe probe = new Probe(watcher, mails, senderStore, recipientStore, null, null);
        long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
        while (!probe.drained(probe.sample(System.nanoTime(), mails.size()), mails.size())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("warm-up not drained within " + DRAIN_TIMEOUT);
            }
            watcher.check();
            Thread.sleep(100);
        }
    }

    /** Reads what a sample holds. */
    static final class Probe {
        private final EvidenceWatcher watcher;
        private final List<PreRegistration.BenchMessage> mails;
        private final ServerStore senderStore;
        private final ServerStore recipientStore;
        private final Path senderFile;
        private final Path recipientFile;
        private final Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName)
            .collect(Collectors.toSet());

        Probe(EvidenceWatcher watcher, List<PreRegistration.BenchMessage> mails,
              ServerStore senderStore, ServerStore recipientStore, Path senderFile,
              Path recipientFile) {
            this.watcher = watcher;
            this.mails = mails;
            this.senderStore = senderStore;
            this.recipientStore = recipientStore;
            this.senderFile = senderFile;
            this.recipientFile = recipientFile;
        }

        Sample sample(long start, int accepted) throws Exception {
            Map<String, Long> arrived = ArrivalStamp.at(JamesConfigs.deliveredPoint(true));
            int delivered = 0;
            int recorded = 0;
            int mined = 0;
            for (PreRegistration.BenchMessage m : mails) {
                delivered += arrived.containsKey(m.messageId()) ? 1 : 0;
                int minedOfMail = 0;
                for (Status status : EXPECTED) {
                    minedOfMail += watcher.minedAt(m.registration(), 0, status) == null ? 0 : 1;
                }
                mined += minedOfMail;
                recorded += minedOfMail == EXPECTED.size() ? 1 : 0;
            }
            return new Sample((System.nanoTime() - start) / 1e9, accepted, delivered, recorded,
                mined, Outbox.of(senderStore), Outbox.of(recipientStore),
                ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(),
                heapAfterGc(), size(senderFile), size(recipientFile));
        }

        boolean drained(Sample s, int count) {
            return s.delivered() == count && s.recorded() == count
                && s.sender().backlog() == 0 && s.recipient().backlog() == 0;
        }

        /** Heap in use right after the most recent collection, young or full. */
        long heapAfterGc() {
            GcInfo latest = null;
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                if (gc instanceof com.sun.management.GarbageCollectorMXBean withInfo) {
                    GcInfo info = withInfo.getLastGcInfo();
                    if (info != null
                        && (latest == null || info.getEndTime() > latest.getEndTime())) {
                        latest = info;
                    }
                }
            }
            if (latest == null) {
                return 0;
            }
            return latest.getMemoryUsageAfterGc().entrySet().stream()
                .filter(e -> heapPools.contains(e.getKey()))
                .mapToLong(e -> e.getValue().getUsed()).sum();
        }

        private static long size(Path file) throws Exception {
            return file == null || !Files.exists(file) ? 0 : Files.size(file);
        }
    }

    private static double mib(long bytes) {
        return bytes / (double) (1 << 20);
    }

    private static void printSeries(PrintStream out, List<Sample> samples) {
        out.println("### Time series (t = seconds since the first MAIL FROM of the burst)");
        out.println();
        out.println("Backlog = records queued in the store + records in sent, unsettled "
            + "transactions; mined = SUBMITTED, HANDED_OFF and DELIVERED records of the burst "
            + "seen on chain; recorded = mails with all three mined.");
        out.println();
        out.println("| t s | accepted | delivered | recorded | mined | sender queued "
            + "| sender in flight (txs) | recipient queued | recipient in flight (txs) "
            + "| heap MiB | heap after GC MiB | stores MiB (sender + recipient) |");
        out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Sample s : samples) {
            out.printf("| %.1f | %d | %d | %d | %d | %d | %d (%d) | %d | %d (%d) | %.0f | %.0f "
                + "| %.1f + %.1f |%n", s.seconds(), s.accepted(), s.delivered(), s.recorded(),
                s.mined(), s.sender().queued(), s.sender().inFlightRecords(),
                s.sender().inFlightTransactions(), s.recipient().queued(),
                s.recipient().inFlightRecords(), s.recipient().inFlightTransactions(),
                mib(s.heapUsed()), mib(s.heapAfterGc()), mib(s.senderStoreBytes()),
                mib(s.recipientStoreBytes()));
        }
        out.println();
    }

    private static void printSummary(PrintStream out, List<PreRegistration.BenchMessage> burst,
                                     SmtpLoad.Submission submission, List<Sample> samples,
                                     EvidenceWatcher watcher, long heapBefore, long heapAfter) {
        long start = submission.startedAt();
        Map<String, Long> arrived = ArrivalStamp.at(JamesConfigs.deliveredPoint(true));
        long lastDelivered = 0;
        long lastSenderRecord = 0;
        long lastMined = 0;
        for (PreRegistration.BenchMessage m : burst) {
            lastDelivered = Math.max(lastDelivered, arrived.get(m.messageId()));
            for (Status status : EXPECTED) {
                long at = watcher.minedAt(m.registration(), 0, status);
                lastMined = Math.max(lastMined, at);
                if (SENDER_RECORDS.contains(status)) {
                    lastSenderRecord = Math.max(lastSenderRecord, at);
                }
            }
        }
        Sample peakSender = samples.get(0);
        Sample peakBoth = samples.get(0);
        Sample peakHeap = samples.get(0);
        Sample peakAfterGc = samples.get(0);
        int peakSenderTxs = 0;
        int peakRecipientTxs = 0;
        for (Sample s : samples) {
            peakSender = s.sender().backlog() > peakSender.sender().backlog() ? s : peakSender;
            peakBoth = s.sender().backlog() + s.recipient().backlog()
                > peakBoth.sender().backlog() + peakBoth.recipient().backlog() ? s : peakBoth;
            peakHeap = s.heapUsed() > peakHeap.heapUsed() ? s : peakHeap;
            peakAfterGc = s.heapAfterGc() > peakAfterGc.heapAfterGc() ? s : peakAfterGc;
            peakSenderTxs = Math.max(peakSenderTxs, s.sender().inFlightTransactions());
            peakRecipientTxs = Math.max(peakRecipientTxs, s.recipient().inFlightTransactions());
        }
        Sample first = samples.get(0);
        Sample last = samples.get(samples.size() - 1);
        double accepting = (submission.endedAt() - start) / 1e9;

        out.printf("### Summary (%d mails)%n%n", burst.size());
        out.println("| measure | value |");
        out.println("|---|---:|");
        out.printf("| burst accept rate (SMTP 250s, first MAIL FROM → last 250) | %.1f mails/s "
            + "(%.1f s) |%n", burst.size() / accepting, accepting);
        out.printf("| last mail delivered at the recipient's James | %.1f s |%n",
            (lastDelivered - start) / 1e9);
        out.printf("| last SUBMITTED / HANDED_OFF mined (sender's outbox drained) | %.1f s |%n",
            (lastSenderRecord - start) / 1e9);
        out.printf("| last record mined (both outboxes drained) | %.1f s |%n",
            (lastMined - start) / 1e9);
        out.printf("| drain time after the last 250 | %.1f s |%n",
            (lastMined - submission.endedAt()) / 1e9);
        out.printf("| peak backlog, sender's outbox | %d records at %.1f s (%d queued, %d in "
            + "flight) |%n", peakSender.sender().backlog(), peakSender.seconds(),
            peakSender.sender().queued(), peakSender.sender().inFlightRecords());
        out.printf("| peak backlog, both outboxes | %d records at %.1f s |%n",
            peakBoth.sender().backlog() + peakBoth.recipient().backlog(), peakBoth.seconds());
        out.printf("| peak transactions in flight (sender / recipient; bound %d each) "
            + "| %d / %d |%n", MAX_IN_FLIGHT, peakSenderTxs, peakRecipientTxs);
        out.printf("| heap after GC before the burst (System.gc) | %.0f MiB |%n", mib(heapBefore));
        out.printf("| peak heap used (sampled) | %.0f MiB at %.1f s |%n",
            mib(peakHeap.heapUsed()), peakHeap.seconds());
        out.printf("| peak heap after a collection (sampled) | %.0f MiB at %.1f s |%n",
            mib(peakAfterGc.heapAfterGc()), peakAfterGc.seconds());
        out.printf("| heap after GC once drained (System.gc) | %.0f MiB |%n", mib(heapAfter));
        out.printf("| H2 store files, before → after (sender + recipient) | %.1f + %.1f → "
            + "%.1f + %.1f MiB |%n", mib(first.senderStoreBytes()),
            mib(first.recipientStoreBytes()), mib(last.senderStoreBytes()),
            mib(last.recipientStoreBytes()));
        out.println();
    }

    /** Every record of the burst on chain exactly once, and the batches it took. */
    private void printChainCheck(PrintStream out, List<PreRegistration.BenchMessage> burst,
                                 long from, long to, int batch, ServerStore senderStore,
                                 ServerStore recipientStore) throws Exception {
        EthFilter filter = new EthFilter(new DefaultBlockParameterNumber(from),
            new DefaultBlockParameterNumber(to), List.of());
        filter.addOptionalTopics(STATUS_RECORDED, RECORD_REJECTED);
        EthLog answer = chain.anvil().web3j().ethGetLogs(filter).send();
        if (answer.hasError()) {
            throw new IllegalStateException("eth_getLogs: " + answer.getError().getMessage());
        }
        Map<String, Integer> recordedTimes = new HashMap<>();
        Map<String, Map<String, Integer>> recordsPerTx = new HashMap<>();
        Map<String, Integer> refusals = new TreeMap<>();
        for (EthLog.LogResult<?> result : answer.getLogs()) {
            Log log = (Log) result.get();
            if (STATUS_RECORDED.equals(log.getTopics().get(0))) {
                EmailRegistration.StatusRecordedEventResponse e =
                    EmailRegistration.getStatusRecordedEventFromLog(log);
                recordedTimes.merge(EvidenceWatcher.key(log.getAddress(),
                    e.recipientIndex.intValueExact(), Status.of(e.status)), 1, Integer::sum);
                recordsPerTx.computeIfAbsent(e.server.toLowerCase(), k -> new HashMap<>())
                    .merge(log.getTransactionHash(), 1, Integer::sum);
            } else {
                EmailRegistrationMaster.RecordRejectedEventResponse e =
                    EmailRegistrationMaster.getRecordRejectedEventFromLog(log);
                refusals.merge(ContractErrors.nameOf(Numeric.toHexString(e.reason))
                    .orElse(Numeric.toHexString(e.reason)), 1, Integer::sum);
            }
        }
        int missing = 0;
        int twice = 0;
        for (PreRegistration.BenchMessage m : burst) {
            for (Status status : EXPECTED) {
                int times = recordedTimes.getOrDefault(
                    EvidenceWatcher.key(m.registration(), 0, status), 0);
                missing += times == 0 ? 1 : 0;
                twice += times > 1 ? 1 : 0;
            }
        }

        out.printf("### On chain, blocks %d–%d: every record exactly once?%n%n", from, to);
        out.printf("- expected records: %d (SUBMITTED, HANDED_OFF, DELIVERED for each of %d "
            + "mails); StatusRecorded events: %d; missing: %d; recorded more than once: %d%n",
            EXPECTED.size() * burst.size(), burst.size(),
            recordedTimes.values().stream().mapToInt(Integer::intValue).sum(), missing, twice);
        out.println("- repeats refused by the contracts (RecordRejected, by reason): "
            + (refusals.isEmpty() ? "none" : refusals));
        out.println();
        out.println("| server | transactions | of which empty | records per transaction: max "
            + "| mean | outbox states at the end |");
        out.println("|---|---:|---:|---:|---:|---|");
        for (boolean isSender : List.of(true, false)) {
            String account = (isSender ? BenchChain.SENDER_SERVER : BenchChain.RECIPIENT_SERVER)
                .getAddress();
            BenchChain.Tally tally = chain.tally(account, from, to);
            Map<String, Integer> perTx = recordsPerTx.getOrDefault(account.toLowerCase(),
                Map.of());
            int max = perTx.values().stream().mapToInt(Integer::intValue).max().orElse(0);
            double mean = perTx.values().stream().mapToInt(Integer::intValue).average()
                .orElse(0);
            out.printf("| %s | %d | %d | %d (batch size %d) | %.1f | %s |%n",
                isSender ? "sender" : "recipient", tally.transactions(),
                tally.emptyTransactions(), max, batch, mean,
                (isSender ? senderStore : recipientStore).countByState());
        }
        out.println();
        out.println(missing == 0 && twice == 0
            ? "Exactly once: every record of the burst is on chain, once."
            : "**Exactly once: FAILED** (" + missing + " missing, " + twice + " twice).");
        out.println();
    }

    private static void plot(List<Sample> samples) throws Exception {
        XYSeries accepted = new XYSeries("accepted (SMTP 250)");
        XYSeries delivered = new XYSeries("delivered");
        XYSeries recorded = new XYSeries("all 3 records mined");
        XYSeries senderQueued = new XYSeries("sender: queued");
        XYSeries senderInFlight = new XYSeries("sender: in flight");
        XYSeries recipientQueued = new XYSeries("recipient: queued");
        XYSeries recipientInFlight = new XYSeries("recipient: in flight");
        XYSeries heap = new XYSeries("heap used");
        XYSeries heapAfterGc = new XYSeries("heap after last GC");
        XYSeries senderStore = new XYSeries("sender's store");
        XYSeries recipientStore = new XYSeries("recipient's store");
        for (Sample s : samples) {
            accepted.add(s.seconds(), s.accepted());
            delivered.add(s.seconds(), s.delivered());
            recorded.add(s.seconds(), s.recorded());
            senderQueued.add(s.seconds(), s.sender().queued());
            senderInFlight.add(s.seconds(), s.sender().inFlightRecords());
            recipientQueued.add(s.seconds(), s.recipient().queued());
            recipientInFlight.add(s.seconds(), s.recipient().inFlightRecords());
            heap.add(s.seconds(), mib(s.heapUsed()));
            heapAfterGc.add(s.seconds(), mib(s.heapAfterGc()));
            senderStore.add(s.seconds(), mib(s.senderStoreBytes()));
            recipientStore.add(s.seconds(), mib(s.recipientStoreBytes()));
        }
        String time = "seconds since the burst began";
        Plots.write(PLOT, 2, List.of(
            Plots.chart("Mails", time, "mails", Plots.Scale.LINEAR, false,
                accepted, delivered, recorded),
            Plots.chart("Outbox backlog", time, "records", Plots.Scale.LINEAR, false,
                senderQueued, senderInFlight, recipientQueued, recipientInFlight),
            Plots.chart("JVM heap (both James servers, clients)", time, "MiB",
                Plots.Scale.LINEAR, false, heap, heapAfterGc),
            Plots.chart("H2 store files", time, "MiB", Plots.Scale.LINEAR, false,
                senderStore, recipientStore)));
    }

    private void stop() {
        servers.close();
    }
}
