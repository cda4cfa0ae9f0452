package org.regmail.benchmarks.mailflow;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

import org.regmail.benchmarks.BenchChain;
import org.regmail.benchmarks.BenchOptions;
import org.regmail.benchmarks.MachineFacts;
import org.regmail.benchmarks.Percentiles;
import org.regmail.contracts.Status;
import org.regmail.core.store.LedgerEntry;
import org.regmail.core.store.OutboxEntry;
import org.regmail.core.store.ServerStore;
import org.regmail.mailets.RegisteredMailMetrics;
import org.regmail.mailets.RegisteredMailRuntime;
import org.regmail.mailets.testing.JamesTestServer;
import org.web3j.crypto.Credentials;

/**
 * Benchmarks 1 and 2 of BENCHMARKS.md in one run on a fresh local anvil (automine):
 *
 * <ul>
 *   <li><b>Mail throughput</b>: the same messages submitted over SMTP, from several client
 *       threads, to a sender's James 3.8.1 with the extension (each message a registered
 *       mail, registered on chain before the clock starts) and to the same James without it,
 *       each relaying to its recipient's James (with and without the extension). Messages per
 *       second accepted over SMTP and delivered end to end, and the time from the final dot
 *       of DATA to the 250, for both.</li>
 *   <li><b>Time to evidence</b>, under that load: from the sender's 250 to SUBMITTED mined,
 *       and from the recipient's delivery decision to DELIVERED mined.</li>
 * </ul>
 *
 * <p>Arguments, all optional, as {@code key=value}: {@code messages} (2000), {@code threads}
 * (SMTP client threads, 4), {@code rounds} (alternating rounds the messages are split into,
 * 2), {@code warmup} (messages per flow before measuring, 200),
 * {@code body} (body bytes, 3000), {@code batch} (outbox.batch-size, 50), {@code interval}
 * (outbox.interval-ms, 1000), {@code delivery} (the senders' RemoteDelivery threads, 4 as in
 * james-conf; more makes the run CPU-bound rather than bound by SMTP round trips),
 * {@code recipient} ({@code registered}, or {@code plain}: the
 * registered flow's recipient James runs without the extension, like the plain flow's, so that
 * the two flows differ only in the sender's James, which is what issue 8's throughput ratio is
 * about; then only SUBMITTED and HANDED_OFF are recorded), {@code block-time} (seconds
 * between blocks once the messages are registered, as on a real chain; 0, the default, keeps
 * anvil's automine, a block per transaction).
 *
 * <p>Run: {@code ./mvnw -q -pl benchmarks compile exec:exec@mail-flow
 * -Dbench.args="messages=2000"}.
 */
public final class MailFlowBenchmark {
    private static final String PASSWORD = ServerProperties.PASSWORD;
    private static final Duration DELIVERY_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration EVIDENCE_TIMEOUT = Duration.ofMinutes(5);

    private final BenchOptions options;
    private final Path work;
    private final BenchChain chain;
    private final JamesServers servers = new JamesServers();
    private final Map<String, Path> configurations = new HashMap<>();
    /** Whether the registered flow's recipient James has the extension. */
    private final boolean registeredRecipientSide;
    private long firstTimedBlock;

    private MailFlowBenchmark(BenchOptions options, Path work, BenchChain chain) {
        this.options = options;
        this.work = work;
        this.chain = chain;
        this.registeredRecipientSide =
            options.choice("recipient", "registered", "plain").equals("registered");
    }

    int option(String key, int defaultValue) {
        return options.integer(key, defaultValue);
    }

    /** One flow's measured rounds, added up. */
    static final class Flow {
        final String name;
        final Map<String, Long> acceptedAt = new HashMap<>();
        final List<Double> acceptMillis = new ArrayList<>();
        int messages;
        long submittingNanos;
        long deliveringNanos;
        long jvmCpuNanos;
        long chainCpuNanos;

        Flow(String name) {
            this.name = name;
        }

        void add(List<PreRegistration.BenchMessage> round, SmtpLoad.Submission submission,
                 long lastDelivered) {
            for (int i = 0; i < round.size(); i++) {
                acceptedAt.put(round.get(i).messageId(), submission.acceptedAt()[i]);
                acceptMillis.add(submission.acceptMillis()[i]);
            }
            messages += round.size();
            submittingNanos += submission.endedAt() - submission.startedAt();
            deliveringNanos += lastDelivered - submission.startedAt();
        }

        double acceptedPerSecond() {
            return messages * 1e9 / submittingNanos;
        }

        double deliveredPerSecond() {
            return messages * 1e9 / deliveringNanos;
        }

        void addCpu(long[] before, long[] after) {
            jvmCpuNanos += after[0] - before[0];
            chainCpuNanos += after[1] - before[1];
        }
    }

    /**
     * CPU time used so far by this JVM (every James, the SMTP clients) and by the anvil child
     * process (the chain, which in production runs on other machines), in nanoseconds.
     */
    static long[] cpuNow() {
        long jvm = ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
        long chain = ProcessHandle.current().children()
            .filter(p -> p.info().command().map(c -> c.endsWith("anvil")).orElse(false))
            .mapToLong(p -> p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L))
            .sum();
        return new long[] {jvm, chain};
    }

    public static void main(String[] args) throws Exception {
        BenchOptions options = BenchOptions.parse(args);
        PrintStream out = System.out;
        MachineFacts.print(out, "Mail throughput and time to evidence");
        Path work = Files.createTempDirectory("regmail-mail-flow-");
        int status;
        try (BenchChain chain = BenchChain.start()) {
            MailFlowBenchmark benchmark = new MailFlowBenchmark(options, work, chain);
            try {
                benchmark.run(out);
                status = 0;
            } finally {
                benchmark.stop();
            }
        }
        out.println("- load average at the end (1/5/15 min): " + MachineFacts.loadAverage());
        System.exit(status);
    }

    private void run(PrintStream out) throws Exception {
        int messages = option("messages", 2000);
        int threads = option("threads", 4);
        int warmup = option("warmup", Math.min(200, Math.max(20, messages / 10)));
        int body = option("body", 3000);
        int rounds = option("rounds", 2);
        int delivery = option("delivery", 4);

        JamesTestServer plainRecipient = servers.start(JamesTestServer.builder()
            .mailetContainer(JamesConfigs.recipient(false)));
        JamesTestServer plainSender = servers.start(JamesTestServer.builder()
            .mailetContainer(JamesConfigs.sender(false, plainRecipient.smtpPort(), delivery)));
        JamesTestServer registeredRecipient = servers.start(registeredRecipientSide
            ? JamesTestServer.builder()
                .mailetContainer(JamesConfigs.recipient(true))
                .pop3Handlers("org.regmail.mailets.RecordPop3Download")
                .imapPackages("org.regmail.mailets.RegisteredMailImapPackage")
                .mailboxListener("org.regmail.mailets.RecordMailboxActions")
                .configurationFile("registered-mail.properties",
                    properties(BenchChain.RECIPIENT_SERVER, "recipient.example", "recipient"))
            : JamesTestServer.builder().mailetContainer(
                JamesConfigs.recipient(false, JamesConfigs.deliveredPoint(true))));
        JamesTestServer registeredSender = servers.start(JamesTestServer.builder()
            .mailetContainer(JamesConfigs.sender(true, registeredRecipient.smtpPort(), delivery))
            .configurationFile("registered-mail.properties",
                properties(BenchChain.SENDER_SERVER, "sender.example", "sender")));
        // The nodes James runs are found by the files James reads (another path would start
        // a second node on the same store).
        configurations.put("sender", ServerProperties.inJames(registeredSender));
        if (registeredRecipientSide) {
            configurations.put("recipient", ServerProperties.inJames(registeredRecipient));
        } else {
            out.println("The registered flow's recipient James runs without the extension, as "
                + "the plain flow's: the flows differ only in the sender's James.");
            out.println();
        }
        for (JamesTestServer sender : List.of(plainSender, registeredSender)) {
            sender.addUser(PreRegistration.FROM, PASSWORD);
        }
        for (JamesTestServer recipient : List.of(plainRecipient, registeredRecipient)) {
            recipient.addUser(PreRegistration.TO, PASSWORD);
        }

        String rpc = chain.anvil().rpcUrl();
        String master = chain.deployment().master().getContractAddress();
        long registering = System.nanoTime();
        List<PreRegistration.BenchMessage> warm =
            PreRegistration.register(rpc, master, "warmup", warmup, body);
        List<PreRegistration.BenchMessage> measured =
            PreRegistration.register(rpc, master, "letter", messages, body);
        out.printf("Registered %d + %d messages on chain before timing, in %.1f s "
            + "(the client's cost, not the server's).%n%n", warmup, messages,
            (System.nanoTime() - registering) / 1e9);

        int blockTime = option("block-time", 0);
        if (blockTime > 0) {
            chain.anvil().setAutomine(false);
            chain.anvil().setIntervalMining(blockTime);
            out.printf("From here on anvil mines a block every %d s (interval mining), as a "
                + "chain with a block time does.%n%n", blockTime);
        }
        firstTimedBlock = chain.anvil().web3j().ethBlockNumber().send().getBlockNumber()
            .longValueExact() + 1;
        try (EvidenceWatcher watcher = new EvidenceWatcher(chain.anvil().web3j(), 10)) {
            Flow ignored = new Flow("warm-up");
            round(plainSender, false, warm, threads, ignored);
            round(registeredSender, true, warm, threads, ignored);
            awaitEvidence(watcher, warm);

            // Rounds alternate which flow goes first (plain, registered; registered, plain; …)
            // so that noise from the rest of the machine falls on both alike.
            Flow plain = new Flow("plain");
            Flow registered = new Flow("registered");
            int size = (measured.size() + rounds - 1) / rounds;
            for (int r = 0; r < rounds; r++) {
                List<PreRegistration.BenchMessage> round = measured.subList(r * size,
                    Math.min(measured.size(), (r + 1) * size));
                if (r % 2 == 0) {
                    long[] cpu = cpuNow();
                    round(plainSender, false, round, threads, plain);
                    plain.addCpu(cpu, cpuNow());
                }
                long[] cpu = cpuNow();
                round(registeredSender, true, round, threads, registered);
                awaitEvidence(watcher, round);
                registered.addCpu(cpu, cpuNow());
                if (r % 2 == 1) {
                    cpu = cpuNow();
                    round(plainSender, false, round, threads, plain);
                    plain.addCpu(cpu, cpuNow());
                }
            }

            printThroughput(out, plain, registered, threads, delivery, rounds);
            printEvidence(out, watcher, registered, measured);
            printSenderLedger(out, measured.size() + warm.size());
        }
    }

    private String properties(Credentials server, String domain, String name) throws Exception {
        return ServerProperties.write(work.resolve(name), chain, server, domain,
            option("batch", 50), option("interval", 1000));
    }

    /** Submits one round of messages to a sender and waits until all are delivered. */
    private void round(JamesTestServer sender, boolean registered,
                       List<PreRegistration.BenchMessage> messages, int threads, Flow flow)
        throws Exception {
        Map<String, Long> delivered = ArrivalStamp.at(JamesConfigs.deliveredPoint(registered));
        SmtpLoad.Submission submission = SmtpLoad.submit(sender.smtpPort(), PreRegistration.FROM,
            PASSWORD, messages, threads);
        long deadline = System.nanoTime() + DELIVERY_TIMEOUT.toNanos();
        long last = 0;
        for (PreRegistration.BenchMessage message : messages) {
            Long at;
            while ((at = delivered.get(message.messageId())) == null) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(flow.name + ": " + message.messageId()
                        + " not delivered within " + DELIVERY_TIMEOUT);
                }
                Thread.sleep(5);
            }
            last = Math.max(last, at);
        }
        flow.add(messages, submission, last);
    }

    private void awaitEvidence(EvidenceWatcher watcher,
                               List<PreRegistration.BenchMessage> messages) throws Exception {
        long deadline = System.nanoTime() + EVIDENCE_TIMEOUT.toNanos();
        for (PreRegistration.BenchMessage message : messages) {
            for (Status status : recorded()) {
                while (watcher.minedAt(message.registration(), 0, status) == null) {
                    watcher.check();
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(message.messageId() + ": " + status
                            + " not mined within " + EVIDENCE_TIMEOUT);
                    }
                    Thread.sleep(20);
                }
            }
        }
    }

    /** The statuses the registered flow records for each mail. */
    private List<Status> recorded() {
        return registeredRecipientSide
            ? List.of(Status.SUBMITTED, Status.HANDED_OFF, Status.DELIVERED)
            : List.of(Status.SUBMITTED, Status.HANDED_OFF);
    }

    private static void printThroughput(PrintStream out, Flow plain, Flow registered,
                                        int threads, int delivery, int rounds) {
        out.printf("### Mail throughput (%d messages per flow, %d SMTP client threads, %d "
            + "delivery threads per sender, %d alternating rounds)%n%n", plain.messages, threads,
            delivery, rounds);
        out.println("| flow | accepted msg/s | delivered msg/s (end to end) | accept p50 ms "
            + "| accept p95 ms | accept p99 ms | accept max ms |");
        out.println("|---|---:|---:|---:|---:|---:|---:|");
        for (Flow f : List.of(plain, registered)) {
            Percentiles p = new Percentiles(f.acceptMillis);
            out.printf("| %s | %.1f | %.1f | %.2f | %.2f | %.2f | %.2f |%n", f.name,
                f.acceptedPerSecond(), f.deliveredPerSecond(), p.at(50), p.at(95), p.at(99),
                p.max());
        }
        out.printf("| registered ÷ plain | %.3f | %.3f | | | | |%n%n",
            registered.acceptedPerSecond() / plain.acceptedPerSecond(),
            registered.deliveredPerSecond() / plain.deliveredPerSecond());
        out.println("CPU used per message, from the first submission until every message was "
            + "delivered (registered: and until every record it makes was mined):");
        out.println();
        out.println("| flow | JVM (4 James servers, SMTP clients) ms/msg | anvil ms/msg "
            + "| total ms/msg |");
        out.println("|---|---:|---:|---:|");
        for (Flow f : List.of(plain, registered)) {
            out.printf("| %s | %.2f | %.2f | %.2f |%n", f.name, f.jvmCpuNanos / 1e6 / f.messages,
                f.chainCpuNanos / 1e6 / f.messages,
                (f.jvmCpuNanos + f.chainCpuNanos) / 1e6 / f.messages);
        }
        out.println();
    }

    private void printEvidence(PrintStream out, EvidenceWatcher watcher, Flow registered,
                                      List<PreRegistration.BenchMessage> messages) {
        Map<String, Long> delivered = ArrivalStamp.at(JamesConfigs.deliveredPoint(true));
        ToLongFunction<PreRegistration.BenchMessage> acceptedAt =
            m -> registered.acceptedAt.get(m.messageId());
        ToLongFunction<PreRegistration.BenchMessage> deliveredAt =
            m -> delivered.get(m.messageId());

        out.printf("### Time to evidence (same run, registered flow, %d messages)%n%n",
            messages.size());
        out.println("| from | to | p50 ms | p95 ms | p99 ms | max ms |");
        out.println("|---|---|---:|---:|---:|---:|");
        row(out, watcher, messages, "sender's SMTP 250", acceptedAt, Status.SUBMITTED);
        row(out, watcher, messages, "sender's SMTP 250", acceptedAt, Status.HANDED_OFF);
        if (registeredRecipientSide) {
            row(out, watcher, messages, "recipient's delivery", deliveredAt, Status.DELIVERED);
            row(out, watcher, messages, "sender's SMTP 250", acceptedAt, Status.DELIVERED);
        }
        out.println();
    }

    private static void row(PrintStream out, EvidenceWatcher watcher,
                            List<PreRegistration.BenchMessage> messages, String from,
                            ToLongFunction<PreRegistration.BenchMessage> start, Status status) {
        List<Double> millis = new ArrayList<>();
        for (PreRegistration.BenchMessage m : messages) {
            millis.add((watcher.minedAt(m.registration(), 0, status) - start.applyAsLong(m)) / 1e6);
        }
        Percentiles p = new Percentiles(millis);
        out.printf("| %s | %s mined | %.0f | %.0f | %.0f | %.0f |%n", from, status, p.at(50),
            p.at(95), p.at(99), p.max());
    }

    private void printSenderLedger(PrintStream out, int mails) throws Exception {
        long deadline = System.nanoTime() + EVIDENCE_TIMEOUT.toNanos();
        for (String name : configurations.keySet()) {
            ServerStore store = RegisteredMailRuntime.node(null,
                configurations.get(name).toString()).store();
            while (store.countByState().getOrDefault(OutboxEntry.State.PENDING, 0L)
                + store.countByState().getOrDefault(OutboxEntry.State.SENT, 0L) > 0) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(name + "'s outbox not settled within "
                        + EVIDENCE_TIMEOUT + ": " + store.countByState());
                }
                Thread.sleep(50);
            }
        }
        out.println("### What the servers' outboxes sent (warm-up and measured mails)");
        out.println();
        out.println("| server | transactions (its ledger) | on chain | of which empty "
            + "| records landed | gas per record landed |");
        out.println("|---|---:|---:|---:|---:|---:|");
        long head = chain.anvil().web3j().ethBlockNumber().send().getBlockNumber()
            .longValueExact();
        for (String name : List.of("sender", "recipient")) {
            if (!configurations.containsKey(name)) {
                continue;
            }
            List<LedgerEntry> ledger = RegisteredMailRuntime.node(null,
                configurations.get(name).toString()).store().ledger();
            Credentials account = name.equals("sender") ? BenchChain.SENDER_SERVER
                : BenchChain.RECIPIENT_SERVER;
            BenchChain.Tally tally = chain.tally(account.getAddress(), firstTimedBlock, head);
            out.printf("| %s | %d | %d | %d | %d | %,d |%n", name, ledger.size(),
                tally.transactions(), tally.emptyTransactions(), tally.landed(),
                tally.landed() == 0 ? 0 : tally.gas() / tally.landed());
        }
        out.println();
        out.println("Extension counters: " + RegisteredMailMetrics.snapshot() + " (for "
            + mails + " mails)");
        out.println();
    }

    private void stop() {
        servers.close();
    }
}
