package org.regmail.mailets.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

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
import org.regmail.mailets.RegisteredMailMetrics;
import org.regmail.mailets.RegisteredMailRuntime;
import org.regmail.mailets.testing.ServerSettingsFiles;
import org.regmail.mailets.testing.JamesTestServer;
import org.regmail.mailets.testing.MailetContainers;
import org.regmail.mailets.testing.MailClients;
import org.web3j.crypto.Credentials;
import org.web3j.tx.ReadonlyTransactionManager;
import org.web3j.tx.gas.DefaultGasProvider;

/**
 * A sender's and a recipient's James 3.8.1, in process, speaking real SMTP to each other, with
 * the registered-mail extension configured as an administrator would, on a real anvil.
 */
class RegisteredMailAcrossJamesTest {
    @RegisterExtension
    static final AnvilExtension CHAIN = AnvilExtension.shared();

    /** Distinctive, so that the log check below cannot match it by accident. */
    static final String PASSWORD = "pw-Kq7-tortoise-Zebra";
    static final List<String> LOG_LINES = new java.util.concurrent.CopyOnWriteArrayList<>();
    static final Credentials SENDER_SERVER = Anvil.devAccount(1);
    static final Credentials RECIPIENT_SERVER = Anvil.devAccount(2);
    static final Credentials ALICE = Anvil.devAccount(4);

    @TempDir
    static Path keys;
    static DevDeployment deployment;
    static JamesTestServer recipientJames;
    static JamesTestServer senderJames;
    static ChainGateway aliceGateway;

    static String recipientMailetContainer() {
        return MailetContainers.recipient()
            .beforeDelivery(MailetContainers.mailet("org.regmail.mailets.HasRegisteredMailHeader",
                "org.regmail.mailets.RecordDelivery"))
            .xml();
    }

    static String senderMailetContainer(int gatewayPort) {
        return MailetContainers.sender(gatewayPort)
            .beforeDelivery(MailetContainers.mailet("org.regmail.mailets.HasRegisteredMailHeader",
                "org.regmail.mailets.RecordSubmission"))
            .handedOff(MailetContainers.mailet("All", "org.regmail.mailets.RecordHandOff")
                + MailetContainers.mailet("All", "Null"))
            .xml();
    }

    static String properties(Credentials server, String domain, String name) throws Exception {
        return ServerSettingsFiles.write(keys.resolve(name), CHAIN.rpcUrl(), Anvil.CHAIN_ID,
            deployment.master().getContractAddress(), server, domain, PASSWORD);
    }

    /** Keeps every log line of the run (ours at INFO, James's at WARN) for the secrets check. */
    static void captureLogs() {
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger)
            org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ch.qos.logback.core.AppenderBase<ch.qos.logback.classic.spi.ILoggingEvent> appender =
            new ch.qos.logback.core.AppenderBase<>() {
                @Override
                protected void append(ch.qos.logback.classic.spi.ILoggingEvent event) {
                    LOG_LINES.add(event.getFormattedMessage()
                        + (event.getThrowableProxy() == null ? ""
                            : " " + event.getThrowableProxy().getMessage()));
                }
            };
        appender.setContext(root.getLoggerContext());
        appender.start();
        root.addAppender(appender);
    }

    @BeforeAll
    static void startServers() throws Exception {
        captureLogs();
        deployment = DevDeployment.deploy(CHAIN.web3j(), Anvil.devAccount(0));
        deployment.registerAndApprove(SENDER_SERVER, "sender.example");
        deployment.registerAndApprove(RECIPIENT_SERVER, "recipient.example");

        recipientJames = JamesTestServer.builder()
            .mailetContainer(recipientMailetContainer())
            .pop3Handlers("org.regmail.mailets.RecordPop3Download")
            .imapPackages("org.regmail.mailets.RegisteredMailImapPackage")
            .mailboxListener("org.regmail.mailets.RecordMailboxActions")
            .configurationFile("registered-mail.properties",
                properties(RECIPIENT_SERVER, "recipient.example", "recipient"))
            .start();
        recipientJames.addDomain("recipient.example");
        recipientJames.addUser("bob@recipient.example", PASSWORD);
        recipientJames.addUser("carol@recipient.example", PASSWORD);
        recipientJames.addUser("dave@recipient.example", PASSWORD);
        recipientJames.addUser("erin@recipient.example", PASSWORD);

        senderJames = JamesTestServer.builder()
            .mailetContainer(senderMailetContainer(recipientJames.smtpPort()))
            .configurationFile("webadmin.properties", String.join("\n", "enabled=true",
                "host=127.0.0.1", "port=0", "https.enabled=false", "jwt.enabled=false",
                "extensions.routes=org.regmail.mailets.admin.RegisteredMailRoutes", ""))
            .configurationFile("registered-mail.properties",
                properties(SENDER_SERVER, "sender.example", "sender"))
            .start();
        senderJames.addDomain("sender.example");
        senderJames.addUser("alice@sender.example", PASSWORD);

        aliceGateway = ChainGateway.connect(ChainSettings.of(CHAIN.rpcUrl(), Anvil.CHAIN_ID,
            deployment.master().getContractAddress()), ALICE);
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

    static String message(String messageId, String to, String body) {
        return String.join("\r\n",
            "From: Alice <alice@sender.example>",
            "To: " + to,
            "Subject: Registered " + messageId,
            "Date: Thu, 03 Dec 2026 10:00:00 +0000",
            "Message-ID: <" + messageId + "@sender.example>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=us-ascii",
            "Content-Transfer-Encoding: 7bit",
            "",
            body,
            "");
    }

    static CreatedRegistration register(String message, List<String> recipients) throws Exception {
        RegistrationCreator creator = new RegistrationCreator(aliceGateway, ALICE);
        SecureRandom random = new SecureRandom();
        RegistrationTerms terms = new RegistrationTerms(
            creator.chainTime().plus(Duration.ofDays(1)), BigInteger.valueOf(50_000_000_000L),
            new BigInteger("10000000000000000"));
        RegistrationPlan plan = creator.plan(message.getBytes(StandardCharsets.US_ASCII),
            recipients, "sender.example", terms, LocalIds.localId(Instant.now(), 1, random),
            LocalIds.salt(random));
        return creator.create(plan);
    }

    static boolean onChain(String registration, int index, Status status) throws Exception {
        return EmailRegistration.load(registration, CHAIN.web3j(),
                new ReadonlyTransactionManager(CHAIN.web3j(), ALICE.getAddress()),
                new DefaultGasProvider())
            .hasStatus(BigInteger.valueOf(index), status.value()).send();
    }

    static void awaitOnChain(String registration, int index, Status status) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
            .until(() -> onChain(registration, index, status));
    }

    @Test
    void shouldRecordTheWholeTrailAndHideTheHeaderFromTheRecipient() throws Exception {
        carryThroughWholeTrail("trail-1", "bob@recipient.example");
    }

    static void carryThroughWholeTrail(String messageId, String recipient) throws Exception {
        String body = "The signed contract is attached in spirit.";
        String message = message(messageId, recipient, body);
        CreatedRegistration created = register(message, List.of(recipient));
        String registration = created.plan().registration();

        MailClients.submit(senderJames.smtpPort(), "alice@sender.example", PASSWORD,
            "alice@sender.example", List.of(recipient),
            new String(created.messageToSubmit(), StandardCharsets.US_ASCII));

        awaitOnChain(registration, 0, Status.SUBMITTED);
        awaitOnChain(registration, 0, Status.HANDED_OFF);
        awaitOnChain(registration, 0, Status.DELIVERED);

        String retrieved = MailClients.pop3Retrieve(recipientJames.pop3Port(), recipient,
            PASSWORD, 1);
        assertThat(retrieved).contains(body)
            .contains("Message-ID: <" + messageId + "@sender.example>")
            .doesNotContainIgnoringCase("Registered-Mail");
        awaitOnChain(registration, 0, Status.DOWNLOADED);

        try (MailClients.ImapSession imap = MailClients.imap(recipientJames.imapPort(),
            recipient, PASSWORD)) {
            imap.command("SELECT INBOX");
            imap.command("STORE 1 +FLAGS (\\Seen)");
        }
        awaitOnChain(registration, 0, Status.READ);
        assertThat(onChain(registration, 0, Status.DELIVERED_ALTERED)).isFalse();
        assertThat(RegisteredMailMetrics.get("submitted")).isPositive();
    }

    @Test
    void shouldNeverLogAKeyOrPassword() throws Exception {
        carryThroughWholeTrail("trail-2", "dave@recipient.example");

        assertThat(LOG_LINES).as("log lines captured").isNotEmpty()
            .anySatisfy(line -> assertThat(line).contains("SUBMITTED"));
        for (Credentials account : List.of(SENDER_SERVER, RECIPIENT_SERVER, ALICE)) {
            String privateKey = account.getEcKeyPair().getPrivateKey().toString(16);
            assertThat(LOG_LINES)
                .noneSatisfy(line -> assertThat(line).containsIgnoringCase(privateKey));
        }
        assertThat(LOG_LINES).noneSatisfy(line -> assertThat(line).contains(PASSWORD));
    }

    @Test
    void shouldShowTheAdministratorWhatRecordsCostAndEarnedOverWebAdmin() throws Exception {
        carryThroughWholeTrail("trail-3", "erin@recipient.example");
        int port = senderJames.probe(org.apache.james.utils.WebAdminGuiceProbe.class)
            .getWebAdminPort().getValue();
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.http.HttpRequest ledger = java.net.http.HttpRequest.newBuilder(
            java.net.URI.create("http://127.0.0.1:" + port + "/registered-mail/ledger")).build();
        java.net.http.HttpRequest outbox = java.net.http.HttpRequest.newBuilder(
            java.net.URI.create("http://127.0.0.1:" + port + "/registered-mail/outbox")).build();

        String ledgerJson = http.send(ledger,
            java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        String outboxJson = http.send(outbox,
            java.net.http.HttpResponse.BodyHandlers.ofString()).body();

        com.fasterxml.jackson.databind.JsonNode parsed =
            new com.fasterxml.jackson.databind.ObjectMapper().readTree(ledgerJson);
        assertThat(parsed.get("domain").asText()).isEqualTo("sender.example");
        assertThat(parsed.get("transactions").asInt()).isPositive();
        assertThat(new BigInteger(parsed.get("reimbursedWei").asText())).isPositive();
        assertThat(parsed.get("reimbursedByOwner").has(ALICE.getAddress().toLowerCase())).isTrue();
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(outboxJson)
            .get("records").get("CONFIRMED").asLong()).isPositive();
    }

    @Test
    void shouldDeliverForgedRegistrationAsOrdinaryMailWithoutTheHeader() throws Exception {
        String message = message("forged-1", "carol@recipient.example", "Nothing to see.");
        long before = RegisteredMailMetrics.get("ordinary.INVALID_HEADER");

        MailClients.submit(senderJames.smtpPort(), "alice@sender.example", PASSWORD,
            "alice@sender.example", List.of("carol@recipient.example"),
            "Registered-Mail: v1; AAAAgarbage\r\n" + message);

        await().atMost(Duration.ofSeconds(30)).until(() -> MailClients.pop3Count(
            recipientJames.pop3Port(), "carol@recipient.example", PASSWORD) >= 1);
        String retrieved = MailClients.pop3Retrieve(recipientJames.pop3Port(),
            "carol@recipient.example", PASSWORD, 1);
        assertThat(retrieved).contains("Nothing to see.")
            .doesNotContainIgnoringCase("Registered-Mail");
        assertThat(RegisteredMailMetrics.get("ordinary.INVALID_HEADER")).isEqualTo(before + 1);
    }
}
