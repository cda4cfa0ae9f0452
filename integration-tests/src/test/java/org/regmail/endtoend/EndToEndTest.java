package org.regmail.endtoend;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What every end-to-end test class shares: the one network of the run and its views. */
abstract class EndToEndTest {
    @RegisterExtension
    static final MailNetworkExtension NETWORK = new MailNetworkExtension();

    static MailNetwork network;
    static Trails chain;
    static Mailboxes mailboxes;

    @BeforeAll
    static void joinNetwork() {
        network = NETWORK.network();
        chain = new Trails(network);
        mailboxes = new Mailboxes(network);
    }
}
