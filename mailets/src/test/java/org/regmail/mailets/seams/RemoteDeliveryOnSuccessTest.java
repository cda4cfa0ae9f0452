package org.regmail.mailets.seams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.regmail.mailets.seams.SeamEvents.Event;
import org.regmail.mailets.testing.JamesTestServer;
import org.regmail.mailets.testing.MailetContainers;
import org.regmail.mailets.testing.MailClients;

/**
 * RemoteDelivery's {@code onSuccess} processor between two in-process James servers: A relays
 * an authenticated submission to B through a gateway on loopback. The processor sees the mail
 * once B has answered 250 to the DATA (the sender's server will record HANDED_OFF there), with
 * the mail attributes it had before the outgoing queue.
 */
class RemoteDeliveryOnSuccessTest {

    private static final String PASSWORD = "secret";
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    /** Server A: local mail for a.test, authenticated mail elsewhere through {@code gateway}. */
    static String senderMailetContainer(int gatewayPort) {
        return MailetContainers.sender(gatewayPort)
            .postmaster("postmaster@a.test")
            .beforeDelivery("""
                <mailet match="All" class="SetMailAttribute">
                  <regmail.test.carried>set-before-the-queue</regmail.test.carried>
                </mailet>
                """)
            .maxRetries(0)
            .deliveryThreads(1)
            .handedOff(recording("HANDED_OFF"))
            .bounces(recording("BOUNCED"))
            .xml();
    }

    private static String recording(String event) {
        return """
            <mailet match="All" class="org.regmail.mailets.seams.RecordingMailet">
              <event>%s</event>
            </mailet>
            """.formatted(event);
    }

    private static JamesTestServer recipientServer;
    private static JamesTestServer senderServer;

    @BeforeAll
    static void startBothServers() throws Exception {
        recipientServer = JamesTestServer.builder().start();
        recipientServer.addUser("bob@b.test", PASSWORD);

        senderServer = JamesTestServer.builder()
            .mailetContainer(senderMailetContainer(recipientServer.smtpPort()))
            .extensionModule(SeamModule.class.getName())
            .start();
        senderServer.addUser("alice@a.test", PASSWORD);
    }

    @AfterAll
    static void stopBothServers() {
        if (senderServer != null) {
            senderServer.close();
        }
        if (recipientServer != null) {
            recipientServer.close();
        }
    }

    @Test
    void shouldRunTheOnSuccessProcessorOnceTheNextHopHasAcceptedTheMail() throws Exception {
        MailClients.submit(senderServer.smtpPort(), "alice@a.test", PASSWORD, "alice@a.test",
            List.of("bob@b.test"),
            "From: alice@a.test\r\nTo: bob@b.test\r\nSubject: relayed\r\n"
                + "Message-ID: <accepted@a.test>\r\n\r\nRelayed body\r\n");

        await().atMost(PATIENCE).until(() -> !senderEvents("<accepted@a.test>").isEmpty());

        assertThat(senderEvents("<accepted@a.test>")).containsExactly(new Event(
            "processor", "HANDED_OFF", "<accepted@a.test>", "bob@b.test set-before-the-queue"));
        // The next hop's 250 comes before its spool stores the mail in bob's mailbox.
        String delivered = await().atMost(PATIENCE).ignoreExceptions().until(() ->
            MailClients.pop3Retrieve(recipientServer.pop3Port(), "bob@b.test", PASSWORD, 1),
            Objects::nonNull);
        assertThat(delivered).contains("Message-ID: <accepted@a.test>", "Relayed body");
    }

    /**
     * Pins down a James 3.8.1 behaviour the sender's server has to live with: when the next
     * hop accepts one recipient and refuses another for good (5xx), RemoteDelivery bounces the
     * refused one and never runs {@code onSuccess} for the accepted one. (It does for the
     * accepted ones when the others fail temporarily.) One mail per recipient before
     * RemoteDelivery avoids the case.
     */
    @Test
    void shouldNotRunTheOnSuccessProcessorForAnAcceptedRecipientWhenAnotherIsRefusedForGood()
        throws Exception {
        recipientServer.addUser("carol@b.test", PASSWORD);

        MailClients.submit(senderServer.smtpPort(), "alice@a.test", PASSWORD, "alice@a.test",
            List.of("carol@b.test", "nobody@b.test"),
            "From: alice@a.test\r\nTo: carol@b.test, nobody@b.test\r\nSubject: partly refused\r\n"
                + "Message-ID: <partly-refused@a.test>\r\n\r\nRelayed body\r\n");

        await().atMost(PATIENCE).until(() -> !senderEvents("<partly-refused@a.test>").isEmpty());
        await().atMost(PATIENCE).until(() ->
            MailClients.pop3Count(recipientServer.pop3Port(), "carol@b.test", PASSWORD) == 1);

        assertThat(senderEvents("<partly-refused@a.test>")).containsExactly(new Event("processor",
            "BOUNCED", "<partly-refused@a.test>", "nobody@b.test set-before-the-queue"));
    }

    private static List<Event> senderEvents(String messageId) {
        return SeamEvents.of(senderServer.workingDirectory()).of("processor").stream()
            .filter(event -> messageId.equals(event.messageId()))
            .toList();
    }
}
