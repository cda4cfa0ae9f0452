package org.regmail.endtoend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.regmail.contracts.Status.DELIVERED;
import static org.regmail.contracts.Status.DOWNLOADED;
import static org.regmail.contracts.Status.EXPIRED;
import static org.regmail.contracts.Status.HANDED_OFF;
import static org.regmail.contracts.Status.SUBMITTED;

import java.math.BigInteger;
import java.time.Duration;
import java.util.EnumSet;

import org.junit.jupiter.api.Test;
import org.regmail.contracts.generated.EmailRegistrationMaster;
import org.regmail.core.evidence.TrailEvent;
import org.regmail.mailets.testing.MailClients;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * The deadline, reached through the chain's time travel (anvil {@code evm_increaseTime}): the
 * recipient's server's own expiry sweep (every second in these tests, system property
 * {@code regmail.expiry-sweep-seconds}) records EXPIRED for what was never downloaded, judged
 * by the chain's clock, and leaves alone what was.
 */
class ExpiryTest extends EndToEndTest {

    @Test
    void shouldRecordExpiredForTheRecipientWhoNeverDownloadedOnceTheDeadlinePasses()
        throws Exception {
        String hank = network.mailbox("hank", MailNetwork.RECIPIENT_DOMAIN);
        String ivy = network.mailbox("ivy", MailNetwork.OTHER_DOMAIN);
        SentMail mail = network.send(Letter.about("Reply within the hour").to(hank, ivy)
            .body("Offer valid for one hour.").timeout(Duration.ofHours(1)));
        chain.awaitReached(mail, hank, SUBMITTED, HANDED_OFF, DELIVERED);
        chain.awaitReached(mail, ivy, SUBMITTED, HANDED_OFF, DELIVERED);
        mailboxes.awaitMessages(ivy, 1);
        assertThat(mailboxes.pop3Retrieve(ivy)).contains("Offer valid for one hour.");
        chain.awaitReached(mail, ivy, DOWNLOADED);
        assertThat(chain.settled(mail, hank)).doesNotContain(EXPIRED);

        network.anvil().travel(Duration.ofHours(2));

        chain.awaitReached(mail, hank, EXPIRED);
        assertThat(chain.settled(mail, hank)).isEqualTo(EnumSet.of(SUBMITTED, HANDED_OFF,
            DELIVERED, EXPIRED));
        assertThat(chain.reached(mail, ivy)).isEqualTo(EnumSet.of(SUBMITTED, HANDED_OFF,
            DELIVERED, DOWNLOADED));
        assertThat(chain.trail(mail).events()).filteredOn(TrailEvent::isStatus)
            .filteredOn(e -> e.status() == EXPIRED).singleElement()
            .satisfies(e -> {
                assertThat(e.recipientIndex()).isEqualTo(mail.index(hank));
                assertThat(e.account())
                    .isEqualToIgnoringCase(MailNetwork.RECIPIENT_SERVER.getAddress());
                assertThat(e.amount()).isPositive();
            });
        // The message is still in Hank's mailbox: expiry is a fact about the past, not a
        // deletion. Reading it now records nothing more.
        try (MailClients.ImapSession imap = mailboxes.imap(hank)) {
            assertThat(imap.command("FETCH 1 BODY[]")).contains("Offer valid for one hour.");
        }
        assertThat(chain.settled(mail, hank)).isEqualTo(EnumSet.of(SUBMITTED, HANDED_OFF,
            DELIVERED, EXPIRED));
        chain.assertEvidenceVerifies(mail);
        chain.assertReimbursementsMatchGasUsed(mail);
    }

    @Test
    void shouldLetTheSenderWithdrawWhatIsLeftOfTheEscrowOnceEveryRecipientIsFinal()
        throws Exception {
        String jack = network.mailbox("jack", MailNetwork.RECIPIENT_DOMAIN);
        SentMail mail = network.send(Letter.about("Short notice").to(jack)
            .timeout(Duration.ofHours(1)));
        chain.awaitReached(mail, jack, SUBMITTED, HANDED_OFF, DELIVERED);
        chain.awaitOutboxesDrained();

        network.anvil().travel(Duration.ofHours(2));
        chain.awaitReached(mail, jack, EXPIRED);
        chain.awaitOutboxesDrained();
        BigInteger escrowLeft = chain.escrowLeft(mail);

        TransactionReceipt withdrawal = network.masterAsAlice()
            .withdrawEscrow(mail.created().plan().localId()).send();

        assertThat(EmailRegistrationMaster.getEscrowWithdrawnEvents(withdrawal))
            .singleElement().satisfies(e -> {
                assertThat(e.registration).isEqualToIgnoringCase(mail.registration());
                assertThat(e.amount).isEqualTo(escrowLeft).isPositive();
            });
        assertThat(chain.escrowLeft(mail)).isZero();
        chain.assertEvidenceVerifies(mail);
        chain.assertReimbursementsMatchGasUsed(mail);
    }
}
