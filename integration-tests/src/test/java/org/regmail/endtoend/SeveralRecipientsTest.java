package org.regmail.endtoend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.regmail.contracts.Status.DELETED;
import static org.regmail.contracts.Status.DELIVERED;
import static org.regmail.contracts.Status.DOWNLOADED;
import static org.regmail.contracts.Status.EXPIRED;
import static org.regmail.contracts.Status.HANDED_OFF;
import static org.regmail.contracts.Status.READ;
import static org.regmail.contracts.Status.REJECTED;
import static org.regmail.contracts.Status.SUBMITTED;

import java.math.BigInteger;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;

import org.apache.james.core.Username;
import org.apache.james.core.quota.QuotaCountLimit;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.modules.QuotaProbesImpl;
import org.junit.jupiter.api.Test;
import org.regmail.core.evidence.TrailEvent;
import org.regmail.mailets.testing.MailClients;
import org.regmail.mailets.testing.JamesTestServer;

/**
 * One registered mail, several recipients on two domains' servers, each with an outcome of
 * their own; and the recipients whose mailbox does not exist, on a server that accepts them at
 * RCPT (recipient.example, as james-conf's recipient role) and on one that refuses them there
 * (other.example, James's stock setting).
 */
class SeveralRecipientsTest extends EndToEndTest {

    @Test
    void shouldRecordEachRecipientsOwnOutcomeAcrossTwoDomains() throws Exception {
        String bob = network.mailbox("bob", MailNetwork.RECIPIENT_DOMAIN);
        String carol = network.mailbox("carol", MailNetwork.RECIPIENT_DOMAIN);
        String dave = network.mailbox("dave", MailNetwork.OTHER_DOMAIN);
        String erin = network.mailbox("erin", MailNetwork.OTHER_DOMAIN);
        String nobody = network.nonexistentMailbox("nobody", MailNetwork.RECIPIENT_DOMAIN);
        SentMail mail = network.send(Letter.about("Board resolution").to(bob, carol).cc(dave)
            .bcc(erin, nobody).body("The board resolved to approve the budget."));

        for (String recipient : List.of(bob, carol, dave, erin)) {
            chain.awaitReached(mail, recipient, SUBMITTED, HANDED_OFF, DELIVERED);
            mailboxes.awaitMessages(recipient, 1);
        }
        chain.awaitReached(mail, nobody, SUBMITTED, HANDED_OFF, REJECTED);

        try (MailClients.ImapSession imap = mailboxes.imap(bob)) {
            assertThat(imap.command("FETCH 1 BODY[]"))
                .contains("The board resolved to approve the budget.");
        }
        try (MailClients.ImapSession imap = mailboxes.imap(carol)) {
            imap.command("STORE 1 +FLAGS (\\Deleted)");
            imap.command("EXPUNGE");
        }
        assertThat(mailboxes.pop3Retrieve(dave)).contains("Cc: " + dave);

        chain.awaitReached(mail, bob, DOWNLOADED, READ);
        chain.awaitReached(mail, carol, DELETED);
        chain.awaitReached(mail, dave, DOWNLOADED);
        chain.awaitOutboxesDrained();
        assertThat(chain.reached(mail, bob)).isEqualTo(EnumSet.of(SUBMITTED, HANDED_OFF,
            DELIVERED, DOWNLOADED, READ));
        assertThat(chain.reached(mail, carol)).isEqualTo(EnumSet.of(SUBMITTED, HANDED_OFF,
            DELIVERED, DELETED));
        assertThat(chain.reached(mail, dave)).isEqualTo(EnumSet.of(SUBMITTED, HANDED_OFF,
            DELIVERED, DOWNLOADED));
        assertThat(chain.reached(mail, erin)).isEqualTo(EnumSet.of(SUBMITTED, HANDED_OFF,
            DELIVERED));
        assertThat(chain.reached(mail, nobody)).isEqualTo(EnumSet.of(SUBMITTED, HANDED_OFF,
            REJECTED));

        // Each domain's server recorded for its own recipients only.
        for (TrailEvent event : chain.trail(mail).events()) {
            if (event.isStatus() && event.status().compareTo(DELIVERED) >= 0) {
                String recipient = mail.recipients().get(event.recipientIndex());
                assertThat(event.account()).as("who recorded %s for %s", event.status(), recipient)
                    .isEqualToIgnoringCase(recipient.endsWith("@" + MailNetwork.OTHER_DOMAIN)
                        ? MailNetwork.OTHER_SERVER.getAddress()
                        : MailNetwork.RECIPIENT_SERVER.getAddress());
            }
        }
        chain.assertEvidenceVerifies(mail);
        chain.assertReimbursementsMatchGasUsed(mail);
    }

    @Test
    void shouldEndTheTrailAtHandedOffForADomainWithoutARegisteredServer() throws Exception {
        String bob = network.mailbox("bob", MailNetwork.RECIPIENT_DOMAIN);
        String zed = network.mailbox("zed", MailNetwork.PLAIN_RELAY_DOMAIN);
        SentMail mail = network.send(Letter.about("Half registered").to(bob, zed)
            .body("One of you has a registered-mail server."));
        assertThat(mail.created().plan().warnings()).singleElement().asString()
            .contains(MailNetwork.PLAIN_RELAY_DOMAIN);

        chain.awaitReached(mail, zed, SUBMITTED, HANDED_OFF);
        mailboxes.awaitMessages(zed, 1);
        assertThat(mailboxes.pop3Retrieve(zed)).contains("One of you has a registered-mail")
            .doesNotContainIgnoringCase("Registered-Mail:");
        chain.awaitReached(mail, bob, DELIVERED);
        mailboxes.awaitMessages(bob, 1);
        try (MailClients.ImapSession imap = mailboxes.imap(bob)) {
            imap.command("FETCH 1 BODY[]");
        }
        chain.awaitReached(mail, bob, READ);
        chain.awaitOutboxesDrained();
        assertThat(chain.reached(mail, zed)).isEqualTo(EnumSet.of(SUBMITTED, HANDED_OFF));

        // Both recipients are final before the deadline: Bob read it, and for Zed's domain
        // the hand-off is the last word. Alice takes back what is left of her escrow.
        BigInteger left = chain.escrowLeft(mail);
        network.masterAsAlice().withdrawEscrow(mail.created().plan().localId()).send();
        assertThat(left).isPositive();
        assertThat(chain.escrowLeft(mail)).isZero();
        chain.assertEvidenceVerifies(mail);
        chain.assertReimbursementsMatchGasUsed(mail);
    }

    @Test
    void shouldNeverShowTheRegisteredMailFieldNorTheBlindCopiesInAnyRecipientsCopy()
        throws Exception {
        String frank = network.mailbox("frank", MailNetwork.RECIPIENT_DOMAIN);
        String gina = network.mailbox("gina", MailNetwork.OTHER_DOMAIN);
        String hidden = network.mailbox("hidden", MailNetwork.OTHER_DOMAIN);
        SentMail mail = network.send(Letter.about("Who sees what").to(frank).cc(gina)
            .bcc(hidden).body("Only the text, nothing about the registration."));

        for (String recipient : List.of(frank, gina, hidden)) {
            chain.awaitReached(mail, recipient, DELIVERED);
            mailboxes.awaitMessages(recipient, 1);
            String headers;
            String whole;
            try (MailClients.ImapSession imap = mailboxes.imap(recipient)) {
                headers = imap.command("FETCH 1 BODY.PEEK[HEADER]");
                whole = imap.command("FETCH 1 BODY.PEEK[]");
            }
            String retrieved = mailboxes.pop3Retrieve(recipient);
            for (String copy : List.of(headers, whole, retrieved)) {
                assertThat(copy).as("the copy of %s", recipient)
                    .contains("Subject: Who sees what")
                    .doesNotContainIgnoringCase("Registered-Mail")
                    .doesNotContainIgnoringCase("Bcc:");
                if (!recipient.equals(hidden)) {
                    assertThat(copy).as("the copy of %s", recipient).doesNotContain(hidden);
                }
            }
            assertThat(whole).contains("Only the text, nothing about the registration.");
            chain.awaitReached(mail, recipient, DOWNLOADED);
        }
        chain.awaitOutboxesDrained();
        chain.assertEvidenceVerifies(mail);
        chain.assertReimbursementsMatchGasUsed(mail);
    }

    @Test
    void shouldRecordRejectedForAMailboxThatDoesNotExist() throws Exception {
        String missing = network.nonexistentMailbox("ghost", MailNetwork.RECIPIENT_DOMAIN);
        SentMail mail = network.send(Letter.about("Anybody there?").to(missing));

        chain.awaitReached(mail, missing, SUBMITTED, HANDED_OFF, REJECTED);

        assertThat(chain.settled(mail, missing)).isEqualTo(EnumSet.of(SUBMITTED, HANDED_OFF,
            REJECTED));
        assertThat(chain.trail(mail).events()).filteredOn(TrailEvent::isStatus)
            .filteredOn(e -> e.status() == REJECTED).singleElement()
            .satisfies(e -> assertThat(e.account())
                .isEqualToIgnoringCase(MailNetwork.RECIPIENT_SERVER.getAddress()));
        chain.assertEvidenceVerifies(mail);
        chain.assertReimbursementsMatchGasUsed(mail);
    }

    @Test
    void shouldRecordRejectedForAMailboxThatIsFull() throws Exception {
        String full = network.mailbox("full", MailNetwork.RECIPIENT_DOMAIN);
        QuotaProbesImpl quota = network.recipient().probe(QuotaProbesImpl.class);
        quota.setMaxMessageCount(quota.getQuotaRoot(MailboxPath.inbox(Username.of(full))),
            QuotaCountLimit.count(0));
        SentMail mail = network.send(Letter.about("No room").to(full));

        chain.awaitReached(mail, full, SUBMITTED, HANDED_OFF);
        assertThat(chain.settled(mail, full)).isEqualTo(EnumSet.of(SUBMITTED, HANDED_OFF,
            REJECTED));
        assertThat(mailboxes.count(full)).isZero();
        chain.assertEvidenceVerifies(mail);
        chain.assertReimbursementsMatchGasUsed(mail);
    }

    /**
     * Limitation, pinned: a recipient's server that refuses unknown mailboxes at RCPT (James's
     * stock {@code ValidRcptHandler}) never sees the mail, so nothing records REJECTED; the
     * sender's server gets a 5xx, records no hand-off and bounces a DSN to the sender. The
     * trail stops at SUBMITTED until the deadline, after which anyone may record EXPIRED.
     */
    @Test
    void shouldEndTheTrailAtSubmittedWhenTheServerRefusesAnUnknownMailboxAtRcpt()
        throws Exception {
        String missing = network.nonexistentMailbox("ghost", MailNetwork.OTHER_DOMAIN);
        JamesTestServer sender = network.sender();
        int dsnsBefore = MailClients.pop3Count(sender.pop3Port(), MailNetwork.ALICE,
            MailNetwork.PASSWORD);
        SentMail mail = network.send(Letter.about("Lost address").to(missing)
            .timeout(Duration.ofHours(1)));

        mailboxes.awaitMessages(MailNetwork.ALICE, dsnsBefore + 1);
        String dsn = MailClients.pop3Retrieve(sender.pop3Port(), MailNetwork.ALICE,
            MailNetwork.PASSWORD, dsnsBefore + 1);
        assertThat(dsn).contains(missing).containsIgnoringCase("delivery-status");
        assertThat(chain.settled(mail, missing)).isEqualTo(EnumSet.of(SUBMITTED));

        network.anvil().travel(Duration.ofHours(2));
        byte[] salt = network.deployment().master().registrationSalt(
            MailNetwork.ALICE_ACCOUNT.getAddress(), mail.created().plan().localId()).send();
        network.deployment().as(MailNetwork.STRANGER)
            .expire(salt, BigInteger.valueOf(mail.index(missing))).send();

        assertThat(chain.reached(mail, missing)).isEqualTo(EnumSet.of(SUBMITTED, EXPIRED));
        assertThat(chain.trail(mail).events()).filteredOn(TrailEvent::isStatus)
            .filteredOn(e -> e.status() == EXPIRED).singleElement()
            .satisfies(e -> {
                assertThat(e.account()).isEqualToIgnoringCase(MailNetwork.STRANGER.getAddress());
                assertThat(e.amount()).isZero();
            });
        chain.assertEvidenceVerifies(mail);
        chain.assertReimbursementsMatchGasUsed(mail);
    }
}
