package org.regmail.endtoend;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;

import org.regmail.mailets.testing.JamesTestServer;
import org.regmail.mailets.testing.MailClients;

/**
 * What the recipients of a {@link MailNetwork} do with their ordinary mail clients: POP3 and
 * IMAP on their own domain's server, with the password every test mailbox has.
 */
final class Mailboxes {
    private final MailNetwork network;

    Mailboxes(MailNetwork network) {
        this.network = network;
    }

    private JamesTestServer serverOf(String address) {
        return network.serverOfMailbox(address);
    }

    /** Waits until the mailbox holds {@code count} messages (POP3 STAT, which records nothing). */
    void awaitMessages(String address, int count) {
        await("a message in the mailbox of " + address).atMost(Trails.CEILING)
            .pollInterval(Duration.ofMillis(200))
            .until(() -> MailClients.pop3Count(serverOf(address).pop3Port(), address,
                MailNetwork.PASSWORD) >= count);
    }

    int count(String address) throws IOException {
        return MailClients.pop3Count(serverOf(address).pop3Port(), address, MailNetwork.PASSWORD);
    }

    /** POP3 RETR of the first message, as a POP3 client downloads it. */
    String pop3Retrieve(String address) throws IOException {
        return MailClients.pop3Retrieve(serverOf(address).pop3Port(), address,
            MailNetwork.PASSWORD, 1);
    }

    /** POP3 DELE of the first message, then QUIT. */
    void pop3Delete(String address) throws IOException {
        MailClients.pop3Delete(serverOf(address).pop3Port(), address, MailNetwork.PASSWORD, 1);
    }

    /** An IMAP session of the mailbox's owner, INBOX selected. */
    MailClients.ImapSession imap(String address) throws IOException {
        MailClients.ImapSession session = MailClients.imap(serverOf(address).imapPort(), address,
            MailNetwork.PASSWORD);
        session.command("SELECT INBOX");
        return session;
    }
}
