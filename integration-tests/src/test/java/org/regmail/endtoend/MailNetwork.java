package org.regmail.endtoend;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import org.regmail.contracts.devchain.Anvil;
import org.regmail.contracts.devchain.DevDeployment;
import org.regmail.contracts.generated.EmailRegistrationMaster;
import org.regmail.core.chain.ChainGateway;
import org.regmail.core.chain.ChainSettings;
import org.regmail.core.config.ConfigException;
import org.regmail.core.sending.CreatedRegistration;
import org.regmail.core.sending.LocalIds;
import org.regmail.core.sending.RegistrationCreator;
import org.regmail.core.sending.RegistrationPlan;
import org.regmail.core.sending.RegistrationTerms;
import org.regmail.core.server.ServerNode;
import org.regmail.mailets.RegisteredMailRuntime;
import org.regmail.mailets.testing.ServerSettingsFiles;
import org.regmail.mailets.testing.JamesTestServer;
import org.regmail.mailets.testing.MailClients;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.Credentials;

/**
 * The world every end-to-end test runs in: one local chain (anvil) with the contracts
 * deployed, and five Apache James 3.8.1 servers in this JVM, each with its own configuration,
 * keystore, store and ports, speaking real SMTP, IMAP and POP3 to each other on loopback.
 *
 * <pre>
 *                            +-> relay.example (RecordRelay) ------------+
 *   alice -SMTP-> sender.example -> plain relay (stock James, + footer) -+-> recipient.example
 *                (RecordSubmission,   ------------ direct ----------------+   (accepts unknown
 *                 RecordHandOff)                                         |    users at RCPT)
 *                                                                        +-> other.example
 *                                                                            (stock RCPT check)
 * </pre>
 *
 * The directory holds sender.example, relay.example, recipient.example and other.example, each
 * with its own dev account; the plain relay has no account and no extension, and its own
 * domain, plain-relay.example, is a mail domain without a registered-mail server. Alice, the
 * sender, registers her mails with the client's {@link RegistrationCreator} and submits them
 * with SMTP AUTH, exactly as {@code regmail send} does. Every test gets fresh mailboxes from
 * {@link #mailbox(String, String)}, so tests sharing the network never see each other's mail.
 */
final class MailNetwork implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MailNetwork.class);

    static final String PASSWORD = "secret";

    static final String SENDER_DOMAIN = "sender.example";
    static final String RELAY_DOMAIN = "relay.example";
    static final String PLAIN_RELAY_DOMAIN = "plain-relay.example";
    static final String RECIPIENT_DOMAIN = "recipient.example";
    static final String OTHER_DOMAIN = "other.example";

    static final String ALICE = "alice@" + SENDER_DOMAIN;
    /** The network the relays relay for: every server of this network is on loopback. */
    static final String LOOPBACK = "127.0.0.0/8";

    static final Credentials ADMIN_ACCOUNT = Anvil.devAccount(0);
    static final Credentials SENDER_SERVER = Anvil.devAccount(1);
    static final Credentials RELAY_SERVER = Anvil.devAccount(2);
    static final Credentials RECIPIENT_SERVER = Anvil.devAccount(3);
    static final Credentials ALICE_ACCOUNT = Anvil.devAccount(4);
    static final Credentials OTHER_SERVER = Anvil.devAccount(5);
    /** Someone with no role at all, e.g. to call {@code expire} after a deadline. */
    static final Credentials STRANGER = Anvil.devAccount(6);

    /** What Alice deposits per mail; far more than its records cost at anvil's gas price. */
    static final BigInteger ESCROW = new BigInteger("10000000000000000");
    static final BigInteger FEE_CAP = BigInteger.valueOf(50_000_000_000L);
    static final Duration DEFAULT_TIMEOUT = Duration.ofDays(1);

    private final Path directory;
    private final List<JamesTestServer> started = new ArrayList<>();
    private final AtomicInteger sequence = new AtomicInteger();
    private final SecureRandom random = new SecureRandom();
    private Anvil anvil;
    private DevDeployment deployment;
    private ChainGateway aliceGateway;
    private JamesTestServer sender;
    private JamesTestServer protocolRelay;
    private JamesTestServer plainRelay;
    private JamesTestServer recipient;
    private JamesTestServer other;

    private MailNetwork(Path directory) {
        this.directory = directory;
    }

    /** Starts the chain, deploys, registers the servers and starts the five James servers. */
    static MailNetwork start() throws Exception {
        MailNetwork network = new MailNetwork(Files.createTempDirectory("regmail-network-"));
        try {
            network.startChain();
            network.startServers();
            return network;
        } catch (Exception | Error e) {
            network.close();
            throw e;
        }
    }

    private void startChain() throws Exception {
        anvil = Anvil.start();
        deployment = DevDeployment.deploy(anvil.web3j(), ADMIN_ACCOUNT);
        deployment.registerAndApprove(SENDER_SERVER, SENDER_DOMAIN);
        deployment.registerAndApprove(RELAY_SERVER, RELAY_DOMAIN);
        deployment.registerAndApprove(RECIPIENT_SERVER, RECIPIENT_DOMAIN);
        deployment.registerAndApprove(OTHER_SERVER, OTHER_DOMAIN);
        aliceGateway = ChainGateway.connect(ChainSettings.of(anvil.rpcUrl(), Anvil.CHAIN_ID,
            masterAddress()), ALICE_ACCOUNT);
    }

    private void startServers() throws Exception {
        // Next hops first: each server is told the ports of the servers it hands mail to.
        recipient = startRecipientServer(RECIPIENT_SERVER, RECIPIENT_DOMAIN, true);
        other = startRecipientServer(OTHER_SERVER, OTHER_DOMAIN, false);
        ServerRoles.Ports next = new ServerRoles.Ports(0, 0, recipient.smtpPort(),
            other.smtpPort());

        protocolRelay = started(JamesTestServer.builder()
            .mailetContainer(ServerRoles.relay(RELAY_DOMAIN, true, next))
            .authorizedAddresses(LOOPBACK)
            .configurationFile("registered-mail.properties",
                properties(RELAY_SERVER, RELAY_DOMAIN))
            .start());
        plainRelay = started(JamesTestServer.builder()
            .mailetContainer(ServerRoles.relay(PLAIN_RELAY_DOMAIN, false, next))
            .authorizedAddresses(LOOPBACK)
            .start());

        sender = started(JamesTestServer.builder()
            .mailetContainer(ServerRoles.sender(SENDER_DOMAIN, RELAY_DOMAIN,
                new ServerRoles.Ports(protocolRelay.smtpPort(), plainRelay.smtpPort(),
                    recipient.smtpPort(), other.smtpPort())))
            .configurationFile("registered-mail.properties",
                properties(SENDER_SERVER, SENDER_DOMAIN))
            .start());
        sender.addUser(ALICE, PASSWORD);

        describe("sender.example", sender);
        describe("relay.example (protocol relay)", protocolRelay);
        describe("plain relay", plainRelay);
        describe("recipient.example", recipient);
        describe("other.example", other);
    }

    private static void describe(String role, JamesTestServer server) {
        LOG.info("mail network: {} runs in {} (SMTP {}, IMAP {}, POP3 {})", role,
            server.workingDirectory(), server.smtpPort(), server.imapPort(), server.pop3Port());
    }

    /**
     * A recipient domain's server with the whole recipient side of the extension: delivery,
     * POP3 RETR, IMAP body fetch, mailbox actions and the expiry sweep.
     *
     * @param acceptUnknownAtRcpt whether mail for an unknown mailbox reaches the mailet
     *     container (james-conf's recipient role) or is refused at RCPT (James's stock setting)
     */
    private JamesTestServer startRecipientServer(Credentials account, String domain,
                                                 boolean acceptUnknownAtRcpt) throws Exception {
        JamesTestServer.Builder builder = JamesTestServer.builder()
            .mailetContainer(ServerRoles.recipient(domain))
            .pop3Handlers("org.regmail.mailets.RecordPop3Download")
            .imapPackages("org.regmail.mailets.RegisteredMailImapPackage")
            .mailboxListener("org.regmail.mailets.RecordMailboxActions")
            .configurationFile("registered-mail.properties", properties(account, domain));
        if (acceptUnknownAtRcpt) {
            builder.acceptUnknownLocalRecipients();
        }
        JamesTestServer server = started(builder.start());
        server.addDomain(domain);
        return server;
    }

    private JamesTestServer started(JamesTestServer server) {
        started.add(server);
        return server;
    }

    /** registered-mail.properties of one server, with its own keystore and store. */
    private String properties(Credentials account, String domain) throws IOException {
        try {
            return ServerSettingsFiles.write(directory.resolve(domain), anvil.rpcUrl(),
                Anvil.CHAIN_ID, masterAddress(), account, domain, PASSWORD);
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("cannot write the keystore of " + domain, e);
        }
    }

    // ------------------------------------------------------------------ sending

    /**
     * A fresh mailbox on the server of {@code domain} (recipient.example or other.example, or
     * plain-relay.example, a domain without a registered-mail server), named after
     * {@code name} and unique in this run.
     */
    String mailbox(String name, String domain) throws Exception {
        String address = name + "-" + sequence.incrementAndGet() + "@" + domain;
        serverOf(domain).addUser(address, PASSWORD);
        return address;
    }

    /** An address on a recipient domain that no mailbox will ever have. */
    String nonexistentMailbox(String name, String domain) {
        return name + "-" + sequence.incrementAndGet() + "-missing@" + domain;
    }

    /**
     * What the client does for {@code regmail send}: plans the registration of the letter for
     * all its envelope recipients (Bcc included), creates it on chain with Alice's escrow, and
     * submits the message with its Registered-Mail field to the sender's server over SMTP.
     */
    SentMail send(Letter letter) throws Exception {
        return send(letter, UnaryOperator.identity());
    }

    /** As {@link #send(Letter)}, submitting the message as {@code asSubmitted} rewrites it. */
    SentMail send(Letter letter, UnaryOperator<String> asSubmitted) throws Exception {
        String messageId = "m" + sequence.incrementAndGet() + "." + Instant.now().toEpochMilli()
            + "@" + SENDER_DOMAIN;
        byte[] message = letter.render(messageId);
        RegistrationCreator creator = new RegistrationCreator(aliceGateway, ALICE_ACCOUNT);
        RegistrationTerms terms = RegistrationTerms.of(letter.timeout(), creator.chainTime(),
            FEE_CAP, ESCROW);
        RegistrationPlan plan = creator.plan(message, letter.envelopeRecipients(),
            SENDER_DOMAIN, terms, LocalIds.localId(Instant.now(), sequence.incrementAndGet(),
                random), LocalIds.salt(random));
        CreatedRegistration created = creator.create(plan);

        MailClients.submit(sender.smtpPort(), ALICE, PASSWORD, ALICE,
            letter.envelopeRecipients(),
            asSubmitted.apply(new String(created.messageToSubmit(), StandardCharsets.US_ASCII)));
        return new SentMail(created, letter, messageId);
    }

    // ------------------------------------------------------------------ access

    JamesTestServer sender() {
        return sender;
    }

    JamesTestServer protocolRelay() {
        return protocolRelay;
    }

    JamesTestServer plainRelay() {
        return plainRelay;
    }

    JamesTestServer recipient() {
        return recipient;
    }

    JamesTestServer other() {
        return other;
    }

    /** The server holding the mailboxes of {@code domain}. */
    JamesTestServer serverOf(String domain) {
        return switch (domain) {
            case RECIPIENT_DOMAIN -> recipient;
            case OTHER_DOMAIN -> other;
            case SENDER_DOMAIN -> sender;
            case PLAIN_RELAY_DOMAIN -> plainRelay;
            default -> throw new IllegalArgumentException("no mailboxes at " + domain);
        };
    }

    /** The server holding the mailbox {@code address}. */
    JamesTestServer serverOfMailbox(String address) {
        return serverOf(address.substring(address.indexOf('@') + 1));
    }

    /**
     * The Master as Alice's client sees it: her transactions must go through her one gateway,
     * which hands out her nonces.
     */
    EmailRegistrationMaster masterAsAlice() {
        return aliceGateway.master();
    }

    Anvil anvil() {
        return anvil;
    }

    DevDeployment deployment() {
        return deployment;
    }

    String masterAddress() {
        return deployment.master().getContractAddress();
    }

    /**
     * The registered-mail node a James server runs (started by its mailets from its
     * {@code conf/registered-mail.properties}), to look at its outbox and ledger.
     */
    static ServerNode nodeOf(JamesTestServer server) throws ConfigException {
        Path file = server.workingDirectory().resolve("conf").resolve("registered-mail.properties");
        // A plain path, not a file:// location: the runtime then needs no James file system,
        // and the absolute path is the key the server's own mailets registered the node under.
        return RegisteredMailRuntime.node(null, file.toAbsolutePath().normalize().toString());
    }

    /** The servers that record on chain, in the order mail reaches them. */
    List<JamesTestServer> recordingServers() {
        return List.of(sender, protocolRelay, recipient, other);
    }

    @Override
    public void close() {
        List<JamesTestServer> stopping = new ArrayList<>(started);
        Collections.reverse(stopping);
        for (JamesTestServer server : stopping) {
            server.close();
        }
        RegisteredMailRuntime.stopAll();
        if (aliceGateway != null) {
            aliceGateway.close();
        }
        if (anvil != null) {
            anvil.close();
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // a leftover temporary directory is harmless
        }
    }
}
