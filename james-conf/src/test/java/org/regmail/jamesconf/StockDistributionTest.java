package org.regmail.jamesconf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.regmail.client.ClientContext;
import org.regmail.client.Regmail;
import org.regmail.client.demo.Layout;
import org.regmail.client.demo.MailServer;
import org.regmail.contracts.Status;
import org.regmail.core.evidence.RegistrationTrail;
import org.regmail.core.evidence.TrailReader;
import org.regmail.core.sending.PrivateFiles;
import org.regmail.core.sending.SentMail;
import org.regmail.core.sending.SentMailStore;
import org.regmail.mailets.testing.MailClients;

/**
 * The stock James 3.8.1 distribution assembled in distribution/target/james, started as its
 * own process with a role's configuration from this module and nothing else than the drop-in
 * JAR in {@code extensions-jars/}, spoken to over real SMTP and POP3, on a real anvil.
 */
class StockDistributionTest {

    private static final Path DISTRIBUTION =
        Path.of(System.getProperty("regmail.james.distribution", "distribution/target/james"));
    private static final Path ROLES = Path.of(System.getProperty("regmail.james.roles", "."));
    private static final Layout LAYOUT = new Layout(ROLES.toAbsolutePath().getParent());
    private static final String PASSWORD = "a-test-password";

    private static DeployedChain chain;

    @BeforeAll
    static void startChainAndDeploy() throws Exception {
        chain = DeployedChain.start();
    }

    @AfterAll
    static void stopChain() {
        if (chain != null) {
            chain.close();
        }
    }

    @Test
    void shouldHoldExactlyJamesOwnJarsInTheDistribution() throws Exception {
        List<String> expected = Files.readAllLines(
            ROLES.resolve("src/test/resources/james-3.8.1-lib.txt"), StandardCharsets.UTF_8);
        try (Stream<Path> jars = Files.list(DISTRIBUTION.resolve("lib"))) {
            assertThat(jars.map(jar -> jar.getFileName().toString()).sorted())
                .as("the distribution is james-server-memory-app 3.8.1's runtime class path; "
                    + "a test dependency of this module must not change a version in it")
                .containsExactlyElementsOf(expected);
        }
    }

    @Test
    void shouldRecordASubmissionOnChainFromTheSenderRoleWithOnlyTheDropInJar() throws Exception {
        MailServer sender = server(MailServer.Role.SENDER, "a.test");
        chain.register(sender);
        try (sender) {
            sender.start();
            sender.addMailboxes("a.test", Map.of("alice@a.test", PASSWORD));
            Path alice = runDirectory("alice");
            Path smtpPassword = alice.resolve("smtp-password");
            PrivateFiles.write(smtpPassword, (PASSWORD + "\n").getBytes(StandardCharsets.UTF_8));

            regmail(alice, "send", "--deployment", chain.deploymentFile.toString(), "--dev-account",
                "4", "--from", "alice@a.test", "--to", "bob@b.test", "--subject", "On chain",
                "--body", "Recorded by a stock James with one extension JAR.",
                "--smtp-host", "127.0.0.1", "--smtp-port", String.valueOf(sender.ports().smtp()),
                "--smtp-password-file", smtpPassword.toString(), "--smtp-starttls", "off");
            SentMail sent = new SentMailStore(alice).latest().orElseThrow();

            assertThat(awaitStatus(sent, Status.SUBMITTED).recipients().get(0).statuses())
                .singleElement()
                .satisfies(e -> assertThat(e.account()).isEqualTo(sender.address()));
            try (Stream<Path> jars = Files.list(sender.directory().resolve("extensions-jars"))) {
                assertThat(jars.map(j -> j.getFileName().toString()))
                    .containsExactly(LAYOUT.extensionJar().getFileName().toString());
            }
            assertThat(sender.process().listeningAddresses()).containsExactlyInAnyOrder(
                "127.0.0.1:" + sender.ports().smtp(), "127.0.0.1:" + sender.ports().imap(),
                "127.0.0.1:" + sender.ports().pop3(), "127.0.0.1:" + sender.ports().webadmin());
            System.out.printf("stock James (sender role + drop-in JAR): %d kB resident%n",
                sender.process().residentMemoryKb());
        }
    }

    @Test
    void shouldCarryOrdinaryMailFromTheSenderThroughTheRelayToTheRecipientAndRelayForNobodyElse()
        throws Exception {
        MailServer sender = server(MailServer.Role.SENDER, "a.test");
        MailServer relay = server(MailServer.Role.RELAY, "relay.test");
        MailServer recipient = server(MailServer.Role.RECIPIENT, "b.test");
        sender.systemProperty("regmail.nexthop.port", String.valueOf(relay.ports().smtp()));
        relay.systemProperty("regmail.nexthop.port", String.valueOf(recipient.ports().smtp()));
        List<MailServer> servers = List.of(sender, relay, recipient);
        try {
            startTogether(servers);
            sender.addMailboxes("a.test", Map.of("alice@a.test", PASSWORD));
            recipient.addMailboxes("b.test", Map.of("bob@b.test", PASSWORD));

            MailClients.submit(sender.ports().smtp(), "alice@a.test", PASSWORD,
                "alice@a.test", List.of("bob@b.test"),
                "From: alice@a.test\r\nTo: bob@b.test\r\nSubject: three hops\r\n"
                    + "Message-ID: <three-hops@a.test>\r\n\r\nSender, relay, recipient.\r\n");
            awaitMailCount(recipient.ports().pop3(), "bob@b.test", 1);

            String received =
                MailClients.pop3Retrieve(recipient.ports().pop3(), "bob@b.test", PASSWORD, 1);
            assertThat(received)
                .contains("Message-ID: <three-hops@a.test>", "Sender, relay, recipient.");
            assertThat(received.split("\r\n"))
                .filteredOn(line -> line.startsWith("Received:"))
                .hasSize(3);
            assertThatThrownBy(() -> MailClients.deliver(sender.ports().smtp(),
                    "mallory@elsewhere.test", List.of("bob@b.test"),
                    "From: mallory@elsewhere.test\r\nSubject: open relay?\r\n\r\nNo.\r\n"))
                .as("the sender's server relays for authenticated users only")
                .hasMessageContaining("RCPT TO bob@b.test refused");
        } finally {
            MailServer.closeAll(servers);
        }
    }

    private static MailServer server(MailServer.Role role, String domain) throws Exception {
        return chain.server(LAYOUT, role, domain);
    }

    /** Starts the servers side by side (mostly waiting); all or none are left running. */
    private static void startTogether(List<MailServer> servers) throws Exception {
        List<CompletableFuture<Void>> starting = servers.stream()
            .map(server -> CompletableFuture.runAsync(() -> {
                try {
                    server.start();
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            }))
            .toList();
        Exception failure = null;
        for (CompletableFuture<Void> server : starting) {
            try {
                server.join();
            } catch (CompletionException e) {
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            MailServer.closeAll(servers);
            throw failure;
        }
    }

    private static RegistrationTrail awaitStatus(SentMail sent, Status status) throws Exception {
        TrailReader reader = new TrailReader(chain.anvil.web3j(), chain.anvil.rpcUrl());
        Instant deadline = Instant.now().plusSeconds(30);
        while (true) {
            RegistrationTrail trail = reader.read(chain.deployment.master(), sent.registration(), 0)
                .orElseThrow();
            if (trail.recipients().get(0).reached().contains(status)) {
                return trail;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError(status + " not on chain within 30 s; trail: "
                    + trail.events());
            }
            Thread.sleep(100);
        }
    }

    private static void awaitMailCount(int pop3Port, String user, int count) throws Exception {
        Instant deadline = Instant.now().plusSeconds(20);
        while (MailClients.pop3Count(pop3Port, user, PASSWORD) < count) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError(user + " did not get " + count + " mail(s) within 20 s");
            }
            Thread.sleep(100);
        }
    }

    /** Runs a regmail command in this JVM with {@code home} as the client's home. */
    static String regmail(Path home, String... arguments) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        ClientContext context = new ClientContext(
            Map.of(ClientContext.HOME_VARIABLE, home.toString()), new PrintWriter(out),
            new PrintWriter(err), home);
        int code = Regmail.run(arguments, context);
        assertThat(code).as("regmail %s: %s", String.join(" ", arguments), err).isZero();
        return out.toString();
    }

    /** Kept under target/ so that james.log survives a failure. */
    static Path runDirectory(String role) {
        try {
            return Files.createDirectories(ROLES.resolve("target/james-runs")
                .resolve(role + "-" + System.nanoTime()).toAbsolutePath());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
