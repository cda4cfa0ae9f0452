package org.regmail.jamesconf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.regmail.client.demo.JamesProcess;
import org.regmail.client.demo.WebAdminClient;
import org.regmail.mailets.testing.MailClients;

/**
 * The stock James 3.8.1 distribution assembled in target/james, started as its own process
 * with the roles' configuration from this module, spoken to over real SMTP and POP3. No
 * registered-mail extension yet: these prove the distribution and the three configurations.
 */
class StockDistributionTest {

    private static final Path DISTRIBUTION =
        Path.of(System.getProperty("regmail.james.distribution", "target/james"));
    private static final Path ROLES = Path.of(System.getProperty("regmail.james.roles", "."));

    @Test
    void shouldHoldExactlyJamesOwnJarsInTheDistribution() throws Exception {
        List<String> expected = Files.readAllLines(
            ROLES.resolve("src/test/resources/james-3.8.1-lib.txt"), StandardCharsets.UTF_8);
        try (Stream<Path> jars = Files.list(DISTRIBUTION.resolve("lib"))) {
            assertThat(jars.map(jar -> jar.getFileName().toString()).sorted())
                .as("target/james/lib is james-server-memory-app 3.8.1's runtime class path; "
                    + "a test dependency of this module must not change a version in it")
                .containsExactlyElementsOf(expected);
        }
    }

    @Test
    void shouldDeliverToTheRecipientRoleAndServeTheMailOverPop3() throws Exception {
        Ports ports = Ports.free();
        Instant launched = Instant.now();

        try (JamesProcess james = ports.applyTo(JamesProcess.builder(DISTRIBUTION))
                .configuration(ROLES.resolve("recipient/conf"))
                .workingDirectory(runDirectory("recipient"))
                .start()) {
            Duration startup = Duration.between(launched, Instant.now());
            WebAdminClient admin = new WebAdminClient(ports.webadmin());
            admin.addDomain("b.test");
            admin.addUser("bob@b.test", "bob-secret");

            MailClients.deliver(ports.smtp(), "alice@a.test", List.of("bob@b.test"),
                "From: alice@a.test\r\nTo: bob@b.test\r\nSubject: stock delivery\r\n"
                    + "Message-ID: <stock-1@a.test>\r\n\r\nDelivered by a stock James.\r\n");
            awaitMailCount(ports.pop3(), "bob@b.test", "bob-secret", 1);

            assertThat(MailClients.pop3Retrieve(ports.pop3(), "bob@b.test", "bob-secret", 1))
                .contains("Message-ID: <stock-1@a.test>", "Delivered by a stock James.");
            assertThat(james.listeningAddresses()).containsExactlyInAnyOrder(
                "127.0.0.1:" + ports.smtp(), "127.0.0.1:" + ports.imap(),
                "127.0.0.1:" + ports.pop3(), "127.0.0.1:" + ports.webadmin());
            System.out.printf("stock James (recipient role): started in %d ms, %d kB resident%n",
                startup.toMillis(), james.residentMemoryKb());
        }
    }

    @Test
    void shouldCarryASubmissionFromTheSenderThroughTheRelayToTheRecipientAndRelayForNobodyElse()
        throws Exception {
        Ports sender = Ports.free();
        Ports relay = Ports.free();
        Ports recipient = Ports.free();

        List<JamesProcess> servers = startTogether(
            sender.applyTo(JamesProcess.builder(DISTRIBUTION))
                .configuration(ROLES.resolve("sender/conf"))
                .workingDirectory(runDirectory("sender"))
                .systemProperty("regmail.nexthop.port", String.valueOf(relay.smtp())),
            relay.applyTo(JamesProcess.builder(DISTRIBUTION))
                .configuration(ROLES.resolve("relay/conf"))
                .workingDirectory(runDirectory("relay"))
                .systemProperty("regmail.nexthop.port", String.valueOf(recipient.smtp())),
            recipient.applyTo(JamesProcess.builder(DISTRIBUTION))
                .configuration(ROLES.resolve("recipient/conf"))
                .workingDirectory(runDirectory("recipient")));
        try {
            new WebAdminClient(sender.webadmin()).addDomain("a.test");
            new WebAdminClient(sender.webadmin()).addUser("alice@a.test", "alice-secret");
            new WebAdminClient(recipient.webadmin()).addDomain("b.test");
            new WebAdminClient(recipient.webadmin()).addUser("bob@b.test", "bob-secret");

            MailClients.submit(sender.smtp(), "alice@a.test", "alice-secret",
                "alice@a.test", List.of("bob@b.test"),
                "From: alice@a.test\r\nTo: bob@b.test\r\nSubject: three hops\r\n"
                    + "Message-ID: <three-hops@a.test>\r\n\r\nSender, relay, recipient.\r\n");
            awaitMailCount(recipient.pop3(), "bob@b.test", "bob-secret", 1);

            String received =
                MailClients.pop3Retrieve(recipient.pop3(), "bob@b.test", "bob-secret", 1);
            assertThat(received)
                .contains("Message-ID: <three-hops@a.test>", "Sender, relay, recipient.");
            assertThat(received.split("\r\n"))
                .filteredOn(line -> line.startsWith("Received:"))
                .hasSize(3);
            assertThatThrownBy(() -> MailClients.deliver(sender.smtp(), "mallory@elsewhere.test",
                    List.of("bob@b.test"),
                    "From: mallory@elsewhere.test\r\nSubject: open relay?\r\n\r\nNo.\r\n"))
                .as("the sender's server relays for authenticated users only")
                .hasMessageContaining("RCPT TO bob@b.test refused");
        } finally {
            JamesProcess.closeAll(servers);
        }
    }

    /** Starts the servers side by side (mostly waiting); all or none are left running. */
    private static List<JamesProcess> startTogether(JamesProcess.Builder... builders)
        throws Exception {
        List<CompletableFuture<JamesProcess>> starting = Arrays.stream(builders)
            .map(builder -> CompletableFuture.supplyAsync(() -> {
                try {
                    return builder.start();
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            }))
            .toList();
        List<JamesProcess> started = new ArrayList<>();
        Exception failure = null;
        for (CompletableFuture<JamesProcess> server : starting) {
            try {
                started.add(server.join());
            } catch (CompletionException e) {
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            started.forEach(JamesProcess::close);
            throw failure;
        }
        return started;
    }

    private static void awaitMailCount(int pop3Port, String user, String password, int count)
        throws Exception {
        Instant deadline = Instant.now().plusSeconds(20);
        while (MailClients.pop3Count(pop3Port, user, password) < count) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError(user + " did not get " + count + " mail(s) within 20 s");
            }
            Thread.sleep(100);
        }
    }

    /** Kept under target/ so that james.log survives a failure. */
    static Path runDirectory(String role) {
        return DISTRIBUTION.resolveSibling("james-runs")
            .resolve(role + "-" + System.currentTimeMillis())
            .toAbsolutePath();
    }

    /** The four ports a role listens on, each free when chosen. */
    record Ports(int smtp, int imap, int pop3, int webadmin) {
        static Ports free() {
            return new Ports(JamesProcess.freePort(), JamesProcess.freePort(),
                JamesProcess.freePort(), JamesProcess.freePort());
        }

        JamesProcess.Builder applyTo(JamesProcess.Builder builder) {
            return builder
                .systemProperty("regmail.smtp.port", String.valueOf(smtp))
                .systemProperty("regmail.imap.port", String.valueOf(imap))
                .systemProperty("regmail.pop3.port", String.valueOf(pop3))
                .systemProperty("regmail.webadmin.port", String.valueOf(webadmin))
                .systemProperty("regmail.graceful.shutdown", "false")
                .awaitPorts(smtp, imap, pop3, webadmin);
        }
    }
}
