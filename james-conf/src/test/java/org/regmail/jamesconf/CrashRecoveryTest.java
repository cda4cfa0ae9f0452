package org.regmail.jamesconf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.regmail.jamesconf.StockDistributionTest.regmail;
import static org.regmail.jamesconf.StockDistributionTest.runDirectory;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.regmail.client.demo.Layout;
import org.regmail.client.demo.MailServer;
import org.regmail.client.demo.WebAdminClient;
import org.regmail.contracts.Status;
import org.regmail.contracts.devchain.Anvil;
import org.regmail.core.evidence.RegistrationTrail;
import org.regmail.core.evidence.TrailEvent;
import org.regmail.core.evidence.TrailReader;
import org.regmail.core.sending.PrivateFiles;
import org.regmail.core.sending.SentMail;
import org.regmail.core.sending.SentMailStore;
import org.regmail.mailets.testing.MailClients;
import org.web3j.protocol.core.DefaultBlockParameterName;

/**
 * The sender's James, a stock James 3.8.1 process with the drop-in JAR, killed with SIGKILL at
 * each step of a registered mail's pipeline and started again on the same working directory,
 * and the recipient's James killed with its DELIVERED still queued. After each restart: every
 * record the crash interrupted lands exactly once, the server's account has no transaction
 * stuck in the pool, its ledger bills every transaction it sent once, and the next mail goes
 * through in full.
 *
 * <p>The memory distribution keeps James's own mail queue in memory: a mail James accepted and
 * had not passed on yet dies with the process (the last test shows which way it went). What
 * this test holds us to is our own state, the store on disk.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CrashRecoveryTest {

    private static final Path ROLES = Path.of(System.getProperty("regmail.james.roles", "."));
    private static final Layout LAYOUT = new Layout(ROLES.toAbsolutePath().getParent());
    private static final String PASSWORD = "a-test-password";
    private static final int ALICE_ACCOUNT = 4;
    private static final int QUICK_OUTBOX_MILLIS = 200;
    private static final int IDLE_OUTBOX_MILLIS = 600_000;
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Pattern STATE_COUNT = Pattern.compile("\"(PENDING|SENT)\":(\\d+)");

    private static DeployedChain chain;
    private static MailServer sender;
    private static MailServer recipient;
    private static Path alice;
    private static int bobMails;
    private static int senderOutboxMillis;
    /** The sender's transactions before any mail: its directory registration. */
    private static BigInteger senderNonceBeforeMail;

    @BeforeAll
    static void startChainAndServers() throws Exception {
        chain = DeployedChain.start();
        sender = chain.server(LAYOUT, MailServer.Role.SENDER, "a.test");
        recipient = chain.server(LAYOUT, MailServer.Role.RECIPIENT, "b.test");
        chain.register(sender);
        chain.register(recipient);
        sender.systemProperty("regmail.nexthop.port", String.valueOf(recipient.ports().smtp()));
        startRecipient(QUICK_OUTBOX_MILLIS);
        startSender(QUICK_OUTBOX_MILLIS);
        senderNonceBeforeMail = nonce(sender.address(), DefaultBlockParameterName.LATEST);

        alice = runDirectory("alice");
        PrivateFiles.write(alice.resolve("smtp-password"),
            (PASSWORD + "\n").getBytes(StandardCharsets.UTF_8));
    }

    @AfterAll
    static void stopAll() {
        MailServer.closeAll(java.util.stream.Stream.of(sender, recipient)
            .filter(java.util.Objects::nonNull).toList());
        if (chain != null) {
            chain.close();
        }
    }

    /** Each test starts from a running sender with a quick outbox, whatever the last left. */
    @BeforeEach
    void senderRunningWithAQuickOutbox() throws Exception {
        chain.anvil.setAutomine(true);
        if (!sender.isRunning() || senderOutboxMillis != QUICK_OUTBOX_MILLIS) {
            restartSender(QUICK_OUTBOX_MILLIS);
        }
    }

    @Test
    @Order(1)
    void shouldPublishRecordsQueuedBeforeTheKillExactlyOnceAfterTheRestart() throws Exception {
        restartSender(IDLE_OUTBOX_MILLIS);
        SentMail sent = send("queued when killed");
        awaitBobHas(++bobMails);
        await("SUBMITTED and HANDED_OFF queued in the sender's outbox",
            () -> outbox(sender).getOrDefault("PENDING", 0) >= 2);
        assertThat(statuses(trail(sent)))
            .as("the recipient's server may record DELIVERED already; the sender's wait")
            .doesNotContainKeys(Status.SUBMITTED, Status.HANDED_OFF);

        sender.kill();
        startSender(QUICK_OUTBOX_MILLIS);

        assertRecordedOnce(sent, Status.SUBMITTED, Status.HANDED_OFF, Status.DELIVERED);
        assertServerHealthy();
    }

    @Test
    @Order(2)
    void shouldFinishATransactionSentButNotMinedWhenKilledWithoutSendingItTwice()
        throws Exception {
        chain.anvil.setAutomine(false);
        try {
            CompletableFuture<SentMail> sending =
                CompletableFuture.supplyAsync(() -> send("in the pool when killed"));
            // Mine only the client's registration: the sender's server has nothing to send
            // before the SMTP submission that follows it.
            while (!sending.isDone()) {
                if (hasPendingTransaction(Anvil.devAccount(ALICE_ACCOUNT).getAddress())) {
                    chain.anvil.mine();
                }
                Thread.sleep(20);
            }
            SentMail sent = sending.join();
            await("the sender's transaction broadcast and waiting in the pool",
                () -> hasPendingTransaction(sender.address())
                    && outbox(sender).getOrDefault("SENT", 0) >= 1);
            BigInteger nonceBeforeKill = nonce(sender.address(), DefaultBlockParameterName.LATEST);

            sender.kill();
            startSender(QUICK_OUTBOX_MILLIS);
            assertThat(nonce(sender.address(), DefaultBlockParameterName.LATEST))
                .as("nothing mined while automine is off")
                .isEqualTo(nonceBeforeKill);
            chain.anvil.setAutomine(true);
            chain.anvil.mine();

            awaitBobHas(++bobMails);
            assertRecordedOnce(sent, Status.SUBMITTED, Status.HANDED_OFF, Status.DELIVERED);
        } finally {
            chain.anvil.setAutomine(true);
        }
        assertServerHealthy();
    }

    @Test
    @Order(3)
    void shouldKeepItsOwnStateWhenKilledRightAfterTheSmtpAcceptance() throws Exception {
        SentMail sent = send("killed right after the 250");
        sender.kill();
        startSender(QUICK_OUTBOX_MILLIS);

        // Give a surviving copy every chance to arrive, then judge what is on chain.
        Thread.sleep(3_000);
        boolean delivered = bobCount() > bobMails;
        Map<Status, Long> recorded = statuses(trail(sent));
        System.out.printf("killed after the 250: mail %s; on chain %s%n",
            delivered ? "delivered" : "lost with James's in-memory queue", recorded);
        assertThat(recorded.values()).as("nothing recorded twice").allMatch(count -> count == 1);
        if (delivered) {
            bobMails++;
            assertRecordedOnce(sent, Status.SUBMITTED, Status.HANDED_OFF, Status.DELIVERED);
        } else {
            assertThat(recorded).as("no hand-off or delivery claimed for a mail that never left")
                .doesNotContainKeys(Status.HANDED_OFF, Status.DELIVERED);
        }
        assertServerHealthy();
    }

    @Test
    @Order(4)
    void shouldPublishTheRecipientsQueuedDeliveryOnceAfterTheRecipientsServerWasKilled()
        throws Exception {
        recipient.kill();
        startRecipient(IDLE_OUTBOX_MILLIS);
        SentMail sent = send("delivered, then the recipient's server killed");
        awaitBobHas(++bobMails);
        await("DELIVERED queued in the recipient's outbox",
            () -> outbox(recipient).getOrDefault("PENDING", 0) >= 1);
        assertThat(statuses(trail(sent))).doesNotContainKey(Status.DELIVERED);

        recipient.kill();
        startRecipient(QUICK_OUTBOX_MILLIS);

        assertRecordedOnce(sent, Status.SUBMITTED, Status.HANDED_OFF, Status.DELIVERED);
        assertServerHealthy();
    }

    /**
     * The server's account has nothing stuck in the pool, its ledger (read through WebAdmin)
     * counts each of its mined transactions once, and a new mail is recorded in full.
     */
    private static void assertServerHealthy() throws Exception {
        SentMail next = send("after the restart");
        awaitBobHas(++bobMails);
        assertRecordedOnce(next, Status.SUBMITTED, Status.HANDED_OFF, Status.DELIVERED);
        await("the sender's outbox drained", () -> {
            Map<String, Integer> outbox = outbox(sender);
            return outbox.getOrDefault("PENDING", 0) == 0 && outbox.getOrDefault("SENT", 0) == 0;
        });
        BigInteger mined = nonce(sender.address(), DefaultBlockParameterName.LATEST);
        assertThat(nonce(sender.address(), DefaultBlockParameterName.PENDING))
            .as("no transaction of the sender's server left in the pool").isEqualTo(mined);
        String ledger = new WebAdminClient(sender.ports().webadmin())
            .get("/registered-mail/ledger");
        assertThat(ledger).as("every transaction the server sent billed once")
            .contains("\"transactions\":" + mined.subtract(senderNonceBeforeMail) + ",");
    }

    private static void assertRecordedOnce(SentMail sent, Status... expected) throws Exception {
        await(List.of(expected) + " on chain for " + sent.registration(),
            () -> statuses(trail(sent)).keySet().containsAll(List.of(expected)));
        // A duplicate would come from a later transaction: let the outboxes finish first.
        await("the outboxes drained", () -> outbox(sender).getOrDefault("PENDING", 0) == 0
            && outbox(sender).getOrDefault("SENT", 0) == 0
            && outbox(recipient).getOrDefault("PENDING", 0) == 0
            && outbox(recipient).getOrDefault("SENT", 0) == 0);
        Map<Status, Long> recorded = statuses(trail(sent));
        for (Status status : expected) {
            assertThat(recorded.get(status)).as("%s events for %s", status, sent.registration())
                .isEqualTo(1L);
        }
    }

    private static Map<Status, Long> statuses(RegistrationTrail trail) {
        Map<Status, Long> counts = new TreeMap<>();
        trail.events().stream().filter(TrailEvent::isStatus)
            .forEach(e -> counts.merge(e.status(), 1L, Long::sum));
        return counts;
    }

    private static RegistrationTrail trail(SentMail sent) throws Exception {
        return new TrailReader(chain.anvil.web3j(), chain.anvil.rpcUrl())
            .read(chain.deployment.master(), sent.registration(), 0).orElseThrow();
    }

    private static SentMail send(String subject) {
        try {
            regmail(alice, "send", "--deployment", chain.deploymentFile.toString(),
                "--dev-account", String.valueOf(ALICE_ACCOUNT), "--from", "alice@a.test",
                "--to", "bob@b.test",
                "--subject", subject, "--body", "Registered, then the server crashed.",
                "--smtp-host", "127.0.0.1", "--smtp-port", String.valueOf(sender.ports().smtp()),
                "--smtp-password-file", alice.resolve("smtp-password").toString(),
                "--smtp-starttls", "off");
            return new SentMailStore(alice).latest().orElseThrow();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Counts of the outbox's PENDING and SENT records, from the extension's WebAdmin route. */
    private static Map<String, Integer> outbox(MailServer server) {
        try {
            String json = new WebAdminClient(server.ports().webadmin())
                .get("/registered-mail/outbox");
            Map<String, Integer> counts = new TreeMap<>();
            Matcher matcher = STATE_COUNT.matcher(json);
            while (matcher.find()) {
                counts.put(matcher.group(1), Integer.parseInt(matcher.group(2)));
            }
            return counts;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static boolean hasPendingTransaction(String account) {
        return nonce(account, DefaultBlockParameterName.PENDING)
            .compareTo(nonce(account, DefaultBlockParameterName.LATEST)) > 0;
    }

    private static BigInteger nonce(String account, DefaultBlockParameterName block) {
        try {
            return chain.anvil.web3j().ethGetTransactionCount(account, block).send()
                .getTransactionCount();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static int bobCount() throws Exception {
        return MailClients.pop3Count(recipient.ports().pop3(), "bob@b.test", PASSWORD);
    }

    private static void awaitBobHas(int mails) throws Exception {
        await("bob@b.test holds " + mails + " mail(s)", () -> {
            try {
                return bobCount() >= mails;
            } catch (Exception e) {
                return false;
            }
        });
    }

    private static void await(String what, ThrowingCondition condition) throws Exception {
        Instant deadline = Instant.now().plus(WAIT);
        while (!condition.holds()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError(what + ": not within " + WAIT.toSeconds()
                    + " s; end of the sender's log:\n" + sender.process().logTail(30));
            }
            Thread.sleep(100);
        }
    }

    @FunctionalInterface
    private interface ThrowingCondition {
        boolean holds() throws Exception;
    }

    private static void restartSender(int outboxMillis) throws Exception {
        sender.kill();
        startSender(outboxMillis);
    }

    /** Starts the sender's James; its users live in memory, so they are added every time. */
    private static void startSender(int outboxMillis) throws Exception {
        sender.configure(chain.deployment, outboxMillis);
        senderOutboxMillis = outboxMillis;
        long started = System.nanoTime();
        sender.start();
        System.out.printf("sender's James up (ports open) in %.1f s%n",
            (System.nanoTime() - started) / 1e9);
        sender.addMailboxes("a.test", Map.of("alice@a.test", PASSWORD));
    }

    /**
     * Starts the recipient's James. Its mailboxes live in memory: they start empty, and bob
     * is added again.
     */
    private static void startRecipient(int outboxMillis) throws Exception {
        recipient.configure(chain.deployment, outboxMillis);
        recipient.start();
        recipient.addMailboxes("b.test", Map.of("bob@b.test", PASSWORD));
        bobMails = 0;
    }
}
