package org.regmail.mailets.seams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.regmail.mailets.seams.SeamEvents.Event;
import org.regmail.mailets.testing.JamesTestServer;
import org.regmail.mailets.testing.JamesTestServerExtension;
import org.regmail.mailets.testing.MailClients;
import org.regmail.mailets.testing.MailClients.ImapSession;
import org.regmail.mailets.testing.MailetContainers;

/**
 * The James 3.8.1 hooks the registered-mail extension will stand on, each proven with a
 * test-only class and real SMTP, POP3 and IMAP traffic against an in-process James.
 */
class JamesSeamsTest {

    private static final String PASSWORD = "secret";
    private static final String SENDER = "alice@a.test";

    static final String STAMPING_LOCAL_DELIVERY = MailetContainers.recipient()
        .postmaster("postmaster")
        .beforeDelivery("""
            <mailet match="All" class="org.regmail.mailets.seams.StampMailet">
              <value>stamped-by-test</value>
            </mailet>
            """)
        .xml();

    @RegisterExtension
    static JamesTestServerExtension james = new JamesTestServerExtension(JamesTestServer.builder()
        .mailetContainer(STAMPING_LOCAL_DELIVERY)
        .pop3Handlers(RetrNoticingHandler.class.getName())
        .imapPackages(BodyFetchNoticingImapPackage.class.getName())
        .mailboxListener(MailboxActionListener.class.getName())
        .extensionModule(SeamModule.class.getName()));

    private static final Duration PATIENCE = Duration.ofSeconds(5);

    @BeforeAll
    static void addSender() throws Exception {
        james.server().addUser(SENDER, PASSWORD);
    }

    /** A fresh recipient per test: tests sharing the server never see each other's mail. */
    private static String newRecipient() throws Exception {
        String recipient = "bob-" + UUID.randomUUID().toString().substring(0, 8) + "@b.test";
        james.server().addUser(recipient, PASSWORD);
        return recipient;
    }

    /** Submits a mail over authenticated SMTP and returns the MessageId it was stored under. */
    private static String sendAndAwaitDelivery(String recipient, String subject) throws Exception {
        String message = "From: " + SENDER + "\r\nTo: " + recipient + "\r\nSubject: " + subject
            + "\r\n\r\nBody of " + subject + "\r\n";
        MailClients.submit(james.server().smtpPort(), SENDER, PASSWORD, SENDER, List.of(recipient),
            message);
        return await().atMost(Duration.ofSeconds(10))
            .until(() -> delivered(subject), id -> id != null);
    }

    private static String delivered(String subject) {
        return events().of("listener").stream()
            .filter(event -> event.what().equals("DELIVERED"))
            .filter(event -> event.detail().endsWith(" " + subject))
            .map(Event::messageId)
            .findFirst().orElse(null);
    }

    private static SeamEvents events() {
        return SeamEvents.of(james.server().workingDirectory());
    }

    private static List<Event> eventsFor(String messageId) {
        return events().all().stream()
            .filter(event -> messageId.equals(event.messageId()))
            .toList();
    }

    private static String retrieve(String recipient, int number) throws IOException {
        return MailClients.pop3Retrieve(james.server().pop3Port(), recipient, PASSWORD, number);
    }

    private static ImapSession imap(String recipient) throws IOException {
        return MailClients.imap(james.server().imapPort(), recipient, PASSWORD);
    }

    private static Event listener(String what, String messageId, String mailbox) {
        return new Event("listener", what, messageId, mailbox);
    }

    @Test
    void shouldDeliverAnAuthenticatedSubmissionThatPop3AndImapBothServe() throws Exception {
        String recipient = newRecipient();
        sendAndAwaitDelivery(recipient, "plain delivery");

        String overPop3 = retrieve(recipient, 1);
        String overImap;
        try (ImapSession imap = imap(recipient)) {
            imap.command("SELECT INBOX");
            overImap = imap.command("FETCH 1 (BODY[])");
        }

        assertThat(overPop3).contains("Subject: plain delivery", "Body of plain delivery");
        assertThat(overImap).contains("Subject: plain delivery", "Body of plain delivery");
    }

    @Test
    void shouldShareOneExtensionSingletonBetweenMailetsHandlersProcessorsAndListeners()
        throws Exception {
        String recipient = newRecipient();
        String messageId = sendAndAwaitDelivery(recipient, "shared singleton");
        retrieve(recipient, 1);

        await().atMost(PATIENCE).until(() -> !events().of("pop3").isEmpty());
        assertThat(SeamEvents.instanceCount(james.server().workingDirectory())).isEqualTo(1);
        assertThat(events().all()).extracting(Event::seam).contains("mailet", "listener", "pop3");
        assertThat(eventsFor(messageId)).extracting(Event::seam).contains("listener", "pop3");
    }

    @Nested
    class Mailets {
        @Test
        void shouldApplyTheInitParameterOfAMailetNamedByItsFullyQualifiedClass() throws Exception {
            String recipient = newRecipient();
            sendAndAwaitDelivery(recipient, "stamped mail");

            assertThat(retrieve(recipient, 1)).contains("X-Regmail-Test-Stamp: stamped-by-test");
        }

        @Test
        void shouldRefuseToStartWhenARequiredInitParameterIsMissing() {
            String withoutValue = STAMPING_LOCAL_DELIVERY
                .replace("<value>stamped-by-test</value>", "");

            assertThatThrownBy(() -> JamesTestServer.builder()
                    .mailetContainer(withoutValue)
                    .extensionModule(SeamModule.class.getName())
                    .start()
                    .close())
                .hasStackTraceContaining("the init parameter 'value' is required");
        }
    }

    @Nested
    class Pop3Handler {
        @Test
        void shouldNoticeASuccessfulRetrWithTheStoredMessageId() throws Exception {
            String recipient = newRecipient();
            String messageId = sendAndAwaitDelivery(recipient, "fetched over pop3");

            retrieve(recipient, 1);

            await().atMost(PATIENCE).untilAsserted(() -> assertThat(eventsFor(messageId))
                .contains(new Event("pop3", "RETR", messageId, recipient)));
        }

        @Test
        void shouldNotNoticeARetrThatFails() throws Exception {
            String recipient = newRecipient();
            sendAndAwaitDelivery(recipient, "only one message");
            int before = events().of("pop3").size();

            assertThatThrownBy(() -> retrieve(recipient, 2)).hasMessageContaining("RETR 2 refused");

            assertThat(events().of("pop3")).hasSize(before);
        }
    }

    @Nested
    class ImapPackage {
        private static final String BODY = "Body of fetched over imap";

        @Test
        void shouldTellABodyFetchFromAPeekAndOnlyTheFetchSetsSeen() throws Exception {
            String recipient = newRecipient();
            String messageId = sendAndAwaitDelivery(recipient, "fetched over imap");

            try (ImapSession imap = imap(recipient)) {
                imap.command("SELECT INBOX");
                assertThat(imap.command("FETCH 1 (BODY.PEEK[])")).contains(BODY);
                await().atMost(PATIENCE).until(() -> eventsFor(messageId).stream()
                    .anyMatch(event -> event.seam().equals("imap")));
                assertThat(eventsFor(messageId))
                    .doesNotContain(listener("SEEN", messageId, "INBOX"));

                assertThat(imap.command("UID FETCH 1:* (BODY[])")).contains(BODY);
            }

            await().atMost(PATIENCE).untilAsserted(() -> assertThat(eventsFor(messageId))
                .containsSubsequence(
                    new Event("imap", "BODY.PEEK", messageId, "BODY[]"),
                    listener("SEEN", messageId, "INBOX"),
                    new Event("imap", "BODY", messageId, "BODY[]")));
        }

        @Test
        void shouldNotNoticeAFetchOfFlagsOrHeadersOnlyEnvelope() throws Exception {
            String recipient = newRecipient();
            String messageId = sendAndAwaitDelivery(recipient, "only flags fetched");

            try (ImapSession imap = imap(recipient)) {
                imap.command("SELECT INBOX");
                imap.command("FETCH 1 (FLAGS UID ENVELOPE)");
            }

            assertThat(eventsFor(messageId)).extracting(Event::seam).doesNotContain("imap");
        }
    }

    @Nested
    class MailboxListener {
        @Test
        void shouldSeeSeenSetOverImap() throws Exception {
            String recipient = newRecipient();
            String messageId = sendAndAwaitDelivery(recipient, "read by flag");

            try (ImapSession imap = imap(recipient)) {
                imap.command("SELECT INBOX");
                imap.command("STORE 1 +FLAGS (\\Seen)");
            }

            await().atMost(PATIENCE).untilAsserted(() -> assertThat(eventsFor(messageId))
                .contains(listener("SEEN", messageId, "INBOX")));
        }

        @Test
        void shouldSeeDeletedFlagThenExpunge() throws Exception {
            String recipient = newRecipient();
            String messageId = sendAndAwaitDelivery(recipient, "deleted and expunged");

            try (ImapSession imap = imap(recipient)) {
                imap.command("SELECT INBOX");
                imap.command("STORE 1 +FLAGS (\\Deleted)");
                imap.command("EXPUNGE");
            }

            await().atMost(PATIENCE).untilAsserted(() -> assertThat(eventsFor(messageId))
                .containsSubsequence(
                    listener("DELETED-FLAG", messageId, "INBOX"),
                    listener("EXPUNGED", messageId, "INBOX")));
        }

        /** A move shows as Added in Trash, Expunged in INBOX, then the move itself. */
        @Test
        void shouldSeeAMoveToTrash() throws Exception {
            String recipient = newRecipient();
            String messageId = sendAndAwaitDelivery(recipient, "moved to trash");

            try (ImapSession imap = imap(recipient)) {
                imap.command("CREATE Trash");
                imap.command("SELECT INBOX");
                imap.command("MOVE 1 Trash");
            }

            await().atMost(PATIENCE).untilAsserted(() -> assertThat(eventsFor(messageId))
                .containsSubsequence(
                    listener("ADDED", messageId, "Trash moved to trash"),
                    listener("EXPUNGED", messageId, "INBOX"),
                    listener("MOVED", messageId, "Trash")));
        }

        @Test
        void shouldSeeAPop3DeleteAsAnExpungeWithoutDeletedFlag() throws Exception {
            String recipient = newRecipient();
            String messageId = sendAndAwaitDelivery(recipient, "deleted over pop3");

            MailClients.pop3Delete(james.server().pop3Port(), recipient, PASSWORD, 1);

            await().atMost(PATIENCE).untilAsserted(() -> assertThat(eventsFor(messageId))
                .contains(listener("EXPUNGED", messageId, "INBOX"))
                .doesNotContain(listener("DELETED-FLAG", messageId, "INBOX")));
        }
    }
}
