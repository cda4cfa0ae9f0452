package org.regmail.endtoend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.regmail.contracts.Status.DELIVERED;
import static org.regmail.contracts.Status.DELIVERED_ALTERED;
import static org.regmail.contracts.Status.DOWNLOADED;
import static org.regmail.contracts.Status.HANDED_OFF;
import static org.regmail.contracts.Status.READ;
import static org.regmail.contracts.Status.RELAYED;
import static org.regmail.contracts.Status.SUBMITTED;

import java.util.EnumSet;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.regmail.core.evidence.TrailEvent;
import org.regmail.mailets.testing.MailClients;

/**
 * A mail that does not go straight from Alice's server to the recipient's: through a relay
 * that speaks the protocol (it records RELAYED and seals the envelope anew for each recipient
 * domain), and through a stock James relay that knows nothing of it (the sender's server then
 * seals for the recipient domains' servers, the relay carries the field on untouched, and the
 * recipient's server records as if the mail had come straight), once faithfully and once
 * adding a footer to the body.
 */
class RelayPathsTest extends EndToEndTest {

    @Test
    void shouldRecordRelayedWhenTheMailGoesThroughAProtocolSpeakingRelay() throws Exception {
        String bob = network.mailbox("bob", MailNetwork.RECIPIENT_DOMAIN);
        String dave = network.mailbox("dave", MailNetwork.OTHER_DOMAIN);
        SentMail mail = network.send(Letter.about("Through the smart host").to(bob).cc(dave)
            .body("Relayed with care.").route(ServerRoles.Route.PROTOCOL_RELAY));

        for (String recipient : List.of(bob, dave)) {
            chain.awaitReached(mail, recipient, SUBMITTED, HANDED_OFF, RELAYED, DELIVERED);
            mailboxes.awaitMessages(recipient, 1);
            assertThat(mailboxes.pop3Retrieve(recipient)).contains("Relayed with care.")
                .doesNotContainIgnoringCase("Registered-Mail");
            chain.awaitReached(mail, recipient, DOWNLOADED);
            assertThat(chain.settled(mail, recipient)).isEqualTo(EnumSet.of(SUBMITTED,
                HANDED_OFF, RELAYED, DELIVERED, DOWNLOADED));
        }

        List<TrailEvent> authorisations = chain.trail(mail).events().stream()
            .filter(e -> TrailEvent.RELAY_AUTHORISED.equals(e.event())).toList();
        assertThat(authorisations).singleElement().satisfies(e -> {
            assertThat(e.account()).isEqualToIgnoringCase(MailNetwork.RELAY_SERVER.getAddress());
            assertThat(e.by()).isEqualToIgnoringCase(MailNetwork.SENDER_SERVER.getAddress());
        });
        assertThat(chain.trail(mail).events()).filteredOn(TrailEvent::isStatus)
            .filteredOn(e -> e.status() == RELAYED)
            .allSatisfy(e -> assertThat(e.account())
                .isEqualToIgnoringCase(MailNetwork.RELAY_SERVER.getAddress()));
        chain.assertEvidenceVerifies(mail);
        chain.assertReimbursementsMatchGasUsed(mail);
    }

    @Test
    void shouldRecordDeliveryWhenAPlainRelayPassesTheFieldOnUntouched() throws Exception {
        String carol = network.mailbox("carol", MailNetwork.RECIPIENT_DOMAIN);
        SentMail mail = network.send(Letter.about("Through an ordinary relay").to(carol)
            .body("Nothing special on the way.").route(ServerRoles.Route.PLAIN_RELAY));

        chain.awaitReached(mail, carol, SUBMITTED, HANDED_OFF, DELIVERED);
        mailboxes.awaitMessages(carol, 1);
        String fetched;
        try (MailClients.ImapSession imap = mailboxes.imap(carol)) {
            fetched = imap.command("FETCH 1 BODY[]");
        }

        assertThat(fetched).contains("Nothing special on the way.")
            .doesNotContainIgnoringCase("Registered-Mail");
        // Submission, the plain relay, the recipient's server: the mail took the long way.
        assertThat(receivedFields(fetched)).isEqualTo(3);
        chain.awaitReached(mail, carol, DOWNLOADED, READ);
        assertThat(chain.settled(mail, carol)).isEqualTo(EnumSet.of(SUBMITTED, HANDED_OFF,
            DELIVERED, DOWNLOADED, READ));
        // The sender's server sealed the envelope for recipient.example's server, not for the
        // relay (which has no directory entry), and authorised no relay.
        assertThat(chain.trail(mail).events())
            .noneMatch(e -> TrailEvent.RELAY_AUTHORISED.equals(e.event()));
        chain.assertEvidenceVerifies(mail);
        chain.assertReimbursementsMatchGasUsed(mail);
    }

    @Test
    void shouldRecordDeliveredAlteredWhenARelayAddsAFooterToTheBody() throws Exception {
        String erin = network.mailbox("erin", MailNetwork.OTHER_DOMAIN);
        SentMail mail = network.send(Letter.about("Changed on the way").to(erin)
            .body("These are the exact terms.").route(ServerRoles.Route.ALTERING_RELAY));

        chain.awaitReached(mail, erin, SUBMITTED, HANDED_OFF, DELIVERED_ALTERED);
        mailboxes.awaitMessages(erin, 1);
        String retrieved = mailboxes.pop3Retrieve(erin);

        assertThat(retrieved).contains("These are the exact terms.")
            .contains("Scanned for viruses by the relay.")
            .doesNotContainIgnoringCase("Registered-Mail");
        chain.awaitReached(mail, erin, DOWNLOADED);
        assertThat(chain.settled(mail, erin)).isEqualTo(EnumSet.of(SUBMITTED, HANDED_OFF,
            DELIVERED_ALTERED, DOWNLOADED));
        chain.assertEvidenceVerifies(mail);
        chain.assertReimbursementsMatchGasUsed(mail);
    }

    private static int receivedFields(String message) {
        Matcher received = Pattern.compile("(?m)^Received:").matcher(message);
        int count = 0;
        while (received.find()) {
            count++;
        }
        return count;
    }
}
