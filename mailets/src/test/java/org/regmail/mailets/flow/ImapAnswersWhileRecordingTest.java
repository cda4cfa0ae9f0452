package org.regmail.mailets.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.math.BigInteger;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.net.MalformedServerReplyException;
import org.apache.commons.net.imap.IMAPClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.regmail.contracts.Status;
import org.regmail.contracts.devchain.Anvil;
import org.regmail.contracts.devchain.DevDeployment;
import org.regmail.contracts.generated.EmailRegistration;
import org.regmail.contracts.testing.AnvilExtension;
import org.regmail.core.chain.ChainGateway;
import org.regmail.core.chain.ChainSettings;
import org.regmail.core.sending.CreatedRegistration;
import org.regmail.core.sending.LocalIds;
import org.regmail.core.sending.RegistrationCreator;
import org.regmail.core.sending.RegistrationPlan;
import org.regmail.core.sending.RegistrationTerms;
import org.regmail.mailets.RegisteredMailRuntime;
import org.regmail.mailets.testing.ServerSettingsFiles;
import org.regmail.mailets.testing.JamesTestServer;
import org.regmail.mailets.testing.MailClients;
import org.web3j.crypto.Credentials;
import org.web3j.tx.ReadonlyTransactionManager;
import org.web3j.tx.gas.DefaultGasProvider;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;

/**
 * A recipient's James answers every IMAP command while the registered-mail extension records
 * what its clients download, however slow the store and however many clients fetch at once.
 *
 * <p>Recording DOWNLOADED reads the mailbox and commits to the store, both blocking. It used
 * to run on the thread that completed James's fetch: for {@code BODY.PEEK[]} (or any body
 * fetch that sets no flag) that is the Netty event loop, which serves other IMAP connections
 * too, and the tagged OK waited for it. A slow or busy store then held the fetch and every
 * connection on that event loop.
 */
class ImapAnswersWhileRecordingTest {
    @RegisterExtension
    static final AnvilExtension CHAIN = AnvilExtension.shared();

    static final String PASSWORD = "pw-load-Heron-42";
    static final Credentials SENDER_SERVER = Anvil.devAccount(1);
    static final Credentials RECIPIENT_SERVER = Anvil.devAccount(2);
    static final Credentials ALICE = Anvil.devAccount(4);
    /** The fetching clients' users, each with {@link #MAILS_PER_USER} registered mails. */
    static final List<String> FETCHING = List.of("bob@recipient.example",
        "carol@recipient.example");
    static final int MAILS_PER_USER = 3;
    /** One registered mail, fetched while the store is paused. */
    static final String ERIN = "erin@recipient.example";
    /** Only keeps IMAP connections open, on every event loop. */
    static final String DAVE = "dave@recipient.example";
    static final Duration ANSWER_LIMIT = Duration.ofSeconds(5);
    static final Duration LOAD = Duration.ofSeconds(Long.getLong("regmail.imap-load-seconds", 8));
    static final int CLIENTS = Integer.getInteger("regmail.imap-load-clients", 6);

    @TempDir
    static Path keys;
    static DevDeployment deployment;
    static JamesTestServer recipientJames;
    static JamesTestServer senderJames;
    static ChainGateway aliceGateway;
    static Path recipientStore;
    static final Map<String, List<String>> REGISTRATIONS = new LinkedHashMap<>();
    static final List<ILoggingEvent> DOWNLOAD_LOGS = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startServersAndDeliver() throws Exception {
        captureDownloadLogs();
        deployment = DevDeployment.deploy(CHAIN.web3j(), Anvil.devAccount(0));
        deployment.registerAndApprove(SENDER_SERVER, "sender.example");
        deployment.registerAndApprove(RECIPIENT_SERVER, "recipient.example");

        recipientJames = JamesTestServer.builder()
            .mailetContainer(RegisteredMailAcrossJamesTest.recipientMailetContainer())
            .imapPackages("org.regmail.mailets.RegisteredMailImapPackage")
            .mailboxListener("org.regmail.mailets.RecordMailboxActions")
            .configurationFile("registered-mail.properties",
                properties(RECIPIENT_SERVER, "recipient.example", "recipient"))
            .start();
        recipientStore = keys.resolve("recipient").resolve("store");
        for (String user : List.of(FETCHING.get(0), FETCHING.get(1), ERIN, DAVE)) {
            recipientJames.addUser(user, PASSWORD);
        }
        senderJames = JamesTestServer.builder()
            .mailetContainer(RegisteredMailAcrossJamesTest.senderMailetContainer(
                recipientJames.smtpPort()))
            .configurationFile("registered-mail.properties",
                properties(SENDER_SERVER, "sender.example", "sender"))
            .start();
        senderJames.addUser("alice@sender.example", PASSWORD);
        aliceGateway = ChainGateway.connect(ChainSettings.of(CHAIN.rpcUrl(), Anvil.CHAIN_ID,
            deployment.master().getContractAddress()), ALICE);

        // Sizes from a few lines to well past one 16 KiB partial fetch.
        for (String user : FETCHING) {
            for (int i = 0; i < MAILS_PER_USER; i++) {
                send(user, "load-" + i, 1 + i * 2000);
            }
        }
        send(ERIN, "paused", 20);
        for (List<String> registrations : REGISTRATIONS.values()) {
            for (String registration : registrations) {
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> onChain(registration, Status.DELIVERED));
            }
        }
    }

    @AfterAll
    static void stopServers() {
        if (senderJames != null) {
            senderJames.close();
        }
        if (recipientJames != null) {
            recipientJames.close();
        }
        RegisteredMailRuntime.stopAll();
        if (aliceGateway != null) {
            aliceGateway.close();
        }
    }

    @Test
    void shouldAnswerEveryImapCommandWhileTheStoreIsPaused() throws Exception {
        List<IMAPClient> bystanders = new ArrayList<>();
        IMAPClient erin = imap(ERIN);
        try {
            // Netty hands new connections to its event loops in turn: eight cover them all.
            for (int i = 0; i < 8; i++) {
                bystanders.add(imap(DAVE));
            }
            answer(erin, "SELECT INBOX");

            try (Connection store = storeConnection();
                 Statement pause = store.createStatement()) {
                pause.execute("SET EXCLUSIVE 1");
                ExecutorService fetching = Executors.newSingleThreadExecutor();
                try {
                    Future<String> fetched = fetching.submit(() ->
                        answer(erin, "FETCH 1 (BODY.PEEK[])"));
                    Thread.sleep(500);
                    for (IMAPClient bystander : bystanders) {
                        assertThat(answer(bystander, "NOOP")).contains("OK");
                    }
                    assertThat(fetched.get()).contains("OK");
                } finally {
                    pause.execute("SET EXCLUSIVE 0");
                    fetching.shutdown();
                }
            }
        } finally {
            for (IMAPClient client : bystanders) {
                close(client);
            }
            close(erin);
        }

        String registration = REGISTRATIONS.get(ERIN).get(0);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
            .until(() -> onChain(registration, Status.DOWNLOADED));
        assertThat(onChain(registration, Status.READ)).isFalse();
        assertThat(queued(registration, Status.DOWNLOADED)).isEqualTo(1);
        assertThat(DOWNLOAD_LOGS).isNotEmpty().allSatisfy(event ->
            assertThat(event.getThreadName()).startsWith("regmail-imap-download-"));
    }

    @Test
    void shouldAnswerEveryCommandAndRecordEachDownloadOnceUnderConcurrentClients()
        throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        Queue<String> unanswered = new ConcurrentLinkedQueue<>();
        AtomicLong answered = new AtomicLong();
        Instant end = Instant.now().plus(LOAD);
        CyclicBarrier selected = new CyclicBarrier(CLIENTS);
        List<Future<?>> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            String user = FETCHING.get(c % FETCHING.size());
            Random random = new Random(c);
            clients.add(pool.submit(() -> {
                fetchUntil(end, user, random, selected, answered, unanswered);
                return null;
            }));
        }
        for (Future<?> client : clients) {
            client.get();
        }
        pool.shutdown();

        assertThat(unanswered).as("commands without an answer within %s", ANSWER_LIMIT)
            .isEmpty();
        assertThat(answered.get()).isGreaterThan(CLIENTS * 10L);
        for (String user : FETCHING) {
            for (String registration : REGISTRATIONS.get(user)) {
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> onChain(registration, Status.DOWNLOADED)
                        && onChain(registration, Status.READ));
                assertThat(queued(registration, Status.DOWNLOADED)).isEqualTo(1);
                assertThat(queued(registration, Status.READ)).isEqualTo(1);
            }
        }
    }

    /**
     * Body fetches with and without {@code \Seen}, whole and partial, header fetches, flag
     * changes: every one must be answered within {@link #ANSWER_LIMIT}. Each client opens
     * every message of its user with {@code BODY[]} first, so that READ is due for all.
     *
     * <p>The clients start fetching once all have selected the inbox: James 3.8.1's in-VM
     * event bus can fail a flag update whose event it dispatches while a SELECT registers a
     * listener (a {@code ConcurrentModificationException}, answered NO), and the \Seen set by
     * that fetch would then never reach our listener.
     */
    private static void fetchUntil(Instant end, String user, Random random,
                                   CyclicBarrier selected, AtomicLong answered,
                                   Queue<String> unanswered) throws Exception {
        IMAPClient client = imap(user);
        try {
            answer(client, "SELECT INBOX");
            selected.await(30, TimeUnit.SECONDS);
            List<String> commands = new ArrayList<>();
            for (int n = 1; n <= MAILS_PER_USER; n++) {
                commands.add("FETCH " + n + " (BODY[])");
            }
            while (Instant.now().isBefore(end) && unanswered.isEmpty()) {
                String command = commands.isEmpty() ? next(random) : commands.remove(0);
                try {
                    answer(client, command);
                    answered.incrementAndGet();
                } catch (MalformedServerReplyException e) {
                    // Limitation: 5 times in some 1,300,000 commands, before and after the
                    // records left James's threads, Commons Net read a lone ")" (once as the
                    // first line of the next command's reply; not diagnosed). Not a missing
                    // answer: the client starts afresh.
                    close(client);
                    client = imap(user);
                    answer(client, "SELECT INBOX");
                } catch (SocketTimeoutException e) {
                    unanswered.add(user + ": " + command);
                    System.err.println("no answer to " + user + " " + command + " within "
                        + ANSWER_LIMIT + "; threads:\n" + threadDump());
                    return;
                }
            }
        } finally {
            close(client);
        }
    }

    private static String next(Random random) {
        int n = 1 + random.nextInt(MAILS_PER_USER);
        return switch (random.nextInt(6)) {
            case 0 -> "FETCH " + n + " (BODY[])";
            case 1 -> "FETCH " + n + " (BODY.PEEK[])";
            // The first mail is a few lines: a partial fetch ends where a line ends.
            case 2 -> "FETCH 1 (BODY[]<0.16384>)";
            case 3 -> "STORE " + n + " -FLAGS (\\Seen)";
            case 4 -> "FETCH " + n + " (BODY.PEEK[HEADER])";
            default -> "FETCH 1:* (FLAGS)";
        };
    }

    private static IMAPClient imap(String user) throws IOException {
        IMAPClient client = new IMAPClient();
        client.setDefaultTimeout((int) ANSWER_LIMIT.toMillis());
        client.connect("127.0.0.1", recipientJames.imapPort());
        client.setSoTimeout((int) ANSWER_LIMIT.toMillis());
        answer(client, "LOGIN " + user + " " + PASSWORD);
        return client;
    }

    /** Sends a command, returns the tagged answer; a read timeout means there was none. */
    private static String answer(IMAPClient client, String command) throws IOException {
        client.sendCommand(command);
        String[] lines = client.getReplyStrings();
        return lines[lines.length - 1];
    }

    private static void close(IMAPClient client) {
        try {
            client.logout();
        } catch (IOException e) {
            // Closing anyway.
        }
        try {
            client.disconnect();
        } catch (IOException e) {
            // Already closed.
        }
    }

    /**
     * A second session on the recipient's store (same JVM, so the same H2 database): in
     * exclusive mode H2 holds every statement of the extension's own session until it ends.
     */
    private static Connection storeConnection() throws Exception {
        return DriverManager.getConnection("jdbc:h2:file:" + recipientStore.toAbsolutePath()
            + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE;QUERY_CACHE_SIZE=64", "regmail", "");
    }

    /** How many records of this status the recipient's server ever queued. */
    private static int queued(String registration, Status status) throws Exception {
        try (Connection store = storeConnection();
             PreparedStatement query = store.prepareStatement("SELECT COUNT(*) FROM outbox "
                 + "WHERE LOWER(registration) = LOWER(?) AND status = ?")) {
            query.setString(1, registration);
            query.setInt(2, status.ordinal());
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }

    static String properties(Credentials server, String domain, String name) throws Exception {
        return ServerSettingsFiles.write(keys.resolve(name), CHAIN.rpcUrl(), Anvil.CHAIN_ID,
            deployment.master().getContractAddress(), server, domain, PASSWORD);
    }

    static void send(String recipient, String name, int bodyLines) throws Exception {
        StringBuilder body = new StringBuilder();
        for (int line = 0; line < bodyLines; line++) {
            body.append("Line ").append(line).append(" of a registered letter.\r\n");
        }
        String messageId = name + "-" + recipient.substring(0, recipient.indexOf('@'));
        String message = RegisteredMailAcrossJamesTest.message(messageId, recipient,
            body.toString());
        RegistrationCreator creator = new RegistrationCreator(aliceGateway, ALICE);
        SecureRandom random = new SecureRandom();
        RegistrationTerms terms = new RegistrationTerms(
            creator.chainTime().plus(Duration.ofDays(1)), BigInteger.valueOf(50_000_000_000L),
            new BigInteger("10000000000000000"));
        RegistrationPlan plan = creator.plan(message.getBytes(StandardCharsets.US_ASCII),
            List.of(recipient), "sender.example", terms,
            LocalIds.localId(Instant.now(), 1, random), LocalIds.salt(random));
        CreatedRegistration created = creator.create(plan);
        MailClients.submit(senderJames.smtpPort(), "alice@sender.example", PASSWORD,
            "alice@sender.example", List.of(recipient),
            new String(created.messageToSubmit(), StandardCharsets.US_ASCII));
        REGISTRATIONS.computeIfAbsent(recipient, any -> new ArrayList<>())
            .add(plan.registration());
    }

    static boolean onChain(String registration, Status status) throws Exception {
        return EmailRegistration.load(registration, CHAIN.web3j(),
                new ReadonlyTransactionManager(CHAIN.web3j(), ALICE.getAddress()),
                new DefaultGasProvider())
            .hasStatus(BigInteger.ZERO, status.value()).send();
    }

    private static void captureDownloadLogs() {
        ch.qos.logback.classic.Logger actions = (ch.qos.logback.classic.Logger)
            org.slf4j.LoggerFactory.getLogger("org.regmail.mailets.RecipientActions");
        AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent event) {
                if (event.getFormattedMessage().contains("DOWNLOADED queued (IMAP body fetch)")) {
                    DOWNLOAD_LOGS.add(event);
                }
            }
        };
        appender.setContext(actions.getLoggerContext());
        appender.start();
        actions.addAppender(appender);
    }

    private static String threadDump() {
        StringBuilder dump = new StringBuilder();
        for (ThreadInfo info : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
            dump.append('"').append(info.getThreadName()).append("\" ")
                .append(info.getThreadState());
            if (info.getLockName() != null) {
                dump.append(" on ").append(info.getLockName());
            }
            if (info.getLockOwnerName() != null) {
                dump.append(" owned by ").append(info.getLockOwnerName());
            }
            dump.append('\n');
            for (StackTraceElement frame : info.getStackTrace()) {
                dump.append("    at ").append(frame).append('\n');
            }
        }
        return dump.toString();
    }
}
