package org.regmail.endtoend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.regmail.contracts.Status.DELETED;
import static org.regmail.contracts.Status.DELIVERED;
import static org.regmail.contracts.Status.DOWNLOADED;
import static org.regmail.contracts.Status.HANDED_OFF;
import static org.regmail.contracts.Status.READ;
import static org.regmail.contracts.Status.SUBMITTED;

import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.regmail.mailets.testing.MailClients;

/**
 * Alice's server hands the mail straight to the recipient domain's server; the recipient uses
 * an ordinary POP3 or IMAP client. Every step of the trail is read back from the chain.
 */
class DirectDeliveryTest extends EndToEndTest {

    @Test
    void shouldRecordEveryStepFromSubmissionToReadOverPop3ThenImap() throws Exception {
        String bob = network.mailbox("bob", MailNetwork.RECIPIENT_DOMAIN);
        SentMail mail = network.send(Letter.about("Signed agreement").to(bob)
            .body("The signed agreement is attached in spirit.\r\n\r\nAlice"));

        chain.awaitReached(mail, bob, SUBMITTED, HANDED_OFF, DELIVERED);
        assertThat(chain.settled(mail, bob)).containsExactlyInAnyOrder(SUBMITTED, HANDED_OFF,
            DELIVERED);

        mailboxes.awaitMessages(bob, 1);
        String retrieved = mailboxes.pop3Retrieve(bob);
        assertThat(retrieved).contains("The signed agreement is attached in spirit.")
            .contains("Subject: Signed agreement")
            .contains("Message-ID: <" + mail.messageId() + ">")
            .doesNotContainIgnoringCase("Registered-Mail");
        chain.awaitReached(mail, bob, DOWNLOADED);

        try (MailClients.ImapSession imap = mailboxes.imap(bob)) {
            imap.command("STORE 1 +FLAGS (\\Seen)");
        }
        chain.awaitReached(mail, bob, READ);
        assertThat(chain.settled(mail, bob)).isEqualTo(EnumSet.of(SUBMITTED, HANDED_OFF,
            DELIVERED, DOWNLOADED, READ));

        chain.assertEvidenceVerifies(mail);
        chain.assertReimbursementsMatchGasUsed(mail);
    }

    @Test
    void shouldRecordTheTrailWhenAForgedRegisteredMailCopyComesBeforeTheRealOne()
        throws Exception {
        String bob = network.mailbox("bob", MailNetwork.RECIPIENT_DOMAIN);
        SentMail mail = network.send(Letter.about("Two copies").to(bob).body("Only one is real."),
            submitted -> "Registered-Mail: v1; AAAA\r\n" + submitted);

        chain.awaitReached(mail, bob, SUBMITTED, HANDED_OFF, DELIVERED);
        mailboxes.awaitMessages(bob, 1);
        assertThat(mailboxes.pop3Retrieve(bob)).contains("Only one is real.")
            .doesNotContainIgnoringCase("Registered-Mail");
        chain.awaitReached(mail, bob, DOWNLOADED);
        assertThat(chain.settled(mail, bob)).isEqualTo(EnumSet.of(SUBMITTED, HANDED_OFF,
            DELIVERED, DOWNLOADED));
    }

    @Test
    void shouldRecordDownloadedButNotReadWhenImapPeeksAtTheBody() throws Exception {
        String carol = network.mailbox("carol", MailNetwork.RECIPIENT_DOMAIN);
        SentMail mail = network.send(Letter.about("Peeked").to(carol).body("Peek at me."));
        chain.awaitReached(mail, carol, DELIVERED);
        mailboxes.awaitMessages(carol, 1);

        String fetched;
        try (MailClients.ImapSession imap = mailboxes.imap(carol)) {
            // What desktop clients send: by UID, without setting \Seen.
            fetched = imap.command("UID FETCH 1:* (UID BODY.PEEK[])");
            assertThat(imap.command("FETCH 1 FLAGS")).doesNotContain("\\Seen");
        }

        assertThat(fetched).contains("Peek at me.").doesNotContainIgnoringCase("Registered-Mail");
        chain.awaitReached(mail, carol, DOWNLOADED);
        assertThat(chain.settled(mail, carol)).isEqualTo(EnumSet.of(SUBMITTED, HANDED_OFF,
            DELIVERED, DOWNLOADED));
        chain.assertEvidenceVerifies(mail);
        chain.assertReimbursementsMatchGasUsed(mail);
    }

    @Test
    void shouldRecordDeliveryWhenTheSenderWritesTheAddressInAnotherCase() throws Exception {
        String kim = network.mailbox("kim", MailNetwork.RECIPIENT_DOMAIN);
        String written = kim.replace("@recipient.example", "@Recipient.EXAMPLE");
        SentMail mail = network.send(Letter.about("Case").to(written).body("Any case will do."));

        chain.awaitReached(mail, kim, SUBMITTED, HANDED_OFF, DELIVERED);
        mailboxes.awaitMessages(kim, 1);
        assertThat(mailboxes.pop3Retrieve(kim)).contains("Any case will do.");
        chain.awaitReached(mail, kim, DOWNLOADED);
        assertThat(chain.settled(mail, kim)).isEqualTo(EnumSet.of(SUBMITTED, HANDED_OFF,
            DELIVERED, DOWNLOADED));
        chain.assertEvidenceVerifies(mail);
        chain.assertReimbursementsMatchGasUsed(mail);
    }

    @Test
    void shouldRecordOnlyForTheMessageTheRecipientActedOn() throws Exception {
        String lea = network.mailbox("lea", MailNetwork.RECIPIENT_DOMAIN);
        SentMail first = network.send(Letter.about("First").to(lea).body("First of two."));
        chain.awaitReached(first, lea, DELIVERED);
        mailboxes.awaitMessages(lea, 1);
        MailClients.submit(network.sender().smtpPort(), MailNetwork.ALICE, MailNetwork.PASSWORD,
            MailNetwork.ALICE, List.of(lea), new String(Letter.about("Ordinary").to(lea)
                .body("Not registered.").render("ordinary-" + lea), StandardCharsets.US_ASCII));
        mailboxes.awaitMessages(lea, 2);
        SentMail second = network.send(Letter.about("Second").to(lea).body("Second of two."));
        chain.awaitReached(second, lea, DELIVERED);
        mailboxes.awaitMessages(lea, 3);

        try (MailClients.ImapSession imap = mailboxes.imap(lea)) {
            assertThat(imap.command("FETCH 2 BODY[]")).contains("Not registered.");
            assertThat(imap.command("FETCH 3 BODY[]")).contains("Second of two.");
        }

        chain.awaitReached(second, lea, DOWNLOADED, READ);
        assertThat(chain.settled(first, lea)).isEqualTo(EnumSet.of(SUBMITTED, HANDED_OFF,
            DELIVERED));
        assertThat(chain.reached(second, lea)).isEqualTo(EnumSet.of(SUBMITTED, HANDED_OFF,
            DELIVERED, DOWNLOADED, READ));
        chain.assertEvidenceVerifies(first);
        chain.assertEvidenceVerifies(second);
        chain.assertReimbursementsMatchGasUsed(first);
        chain.assertReimbursementsMatchGasUsed(second);
    }

    @Test
    void shouldRecordDownloadedAndReadWhenImapFetchesTheBody() throws Exception {
        String dan = network.mailbox("dan", MailNetwork.RECIPIENT_DOMAIN);
        SentMail mail = network.send(Letter.about("Fetched").to(dan).body("Read me."));
        chain.awaitReached(mail, dan, DELIVERED);
        mailboxes.awaitMessages(dan, 1);

        String fetched;
        try (MailClients.ImapSession imap = mailboxes.imap(dan)) {
            fetched = imap.command("FETCH 1 BODY[]");
        }

        assertThat(fetched).contains("Read me.").doesNotContainIgnoringCase("Registered-Mail");
        chain.awaitReached(mail, dan, DOWNLOADED, READ);
        assertThat(chain.settled(mail, dan)).isEqualTo(EnumSet.of(SUBMITTED, HANDED_OFF,
            DELIVERED, DOWNLOADED, READ));
        chain.assertEvidenceVerifies(mail);
        chain.assertReimbursementsMatchGasUsed(mail);
    }

    @Test
    void shouldRecordDeletedWhenTheMessageIsFlaggedDeletedAndExpunged() throws Exception {
        String erin = network.mailbox("erin", MailNetwork.RECIPIENT_DOMAIN);
        SentMail mail = network.send(Letter.about("Unwanted").to(erin).body("Delete me."));
        chain.awaitReached(mail, erin, DELIVERED);
        mailboxes.awaitMessages(erin, 1);

        try (MailClients.ImapSession imap = mailboxes.imap(erin)) {
            imap.command("STORE 1 +FLAGS (\\Deleted)");
            imap.command("EXPUNGE");
        }

        chain.awaitReached(mail, erin, DELETED);
        assertThat(mailboxes.count(erin)).isZero();
        assertThat(chain.settled(mail, erin)).isEqualTo(EnumSet.of(SUBMITTED, HANDED_OFF,
            DELIVERED, DELETED));
        chain.assertEvidenceVerifies(mail);
        chain.assertReimbursementsMatchGasUsed(mail);
    }

    @Test
    void shouldRecordDeletedWhenTheMessageIsMovedToTrash() throws Exception {
        String frank = network.mailbox("frank", MailNetwork.RECIPIENT_DOMAIN);
        SentMail mail = network.send(Letter.about("Binned").to(frank).body("Bin me."));
        chain.awaitReached(mail, frank, DELIVERED);
        mailboxes.awaitMessages(frank, 1);

        try (MailClients.ImapSession imap = mailboxes.imap(frank)) {
            imap.command("CREATE Trash");
            imap.command("MOVE 1 Trash");
            assertThat(imap.command("STATUS Trash (MESSAGES)")).contains("MESSAGES 1");
        }

        chain.awaitReached(mail, frank, DELETED);
        assertThat(chain.settled(mail, frank)).isEqualTo(EnumSet.of(SUBMITTED, HANDED_OFF,
            DELIVERED, DELETED));
        chain.assertEvidenceVerifies(mail);
        chain.assertReimbursementsMatchGasUsed(mail);
    }

    @Test
    void shouldRecordDownloadedThenDeletedWhenAPop3ClientRetrievesAndDeletes() throws Exception {
        String gina = network.mailbox("gina", MailNetwork.RECIPIENT_DOMAIN);
        SentMail mail = network.send(Letter.about("Leave no copy").to(gina).body("Take me."));
        chain.awaitReached(mail, gina, DELIVERED);
        mailboxes.awaitMessages(gina, 1);

        assertThat(mailboxes.pop3Retrieve(gina)).contains("Take me.");
        mailboxes.pop3Delete(gina);

        chain.awaitReached(mail, gina, DOWNLOADED, DELETED);
        assertThat(mailboxes.count(gina)).isZero();
        assertThat(chain.settled(mail, gina)).isEqualTo(EnumSet.of(SUBMITTED, HANDED_OFF,
            DELIVERED, DOWNLOADED, DELETED));
        chain.assertEvidenceVerifies(mail);
        chain.assertReimbursementsMatchGasUsed(mail);
    }
}
