package org.regmail.jamesconf;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.regmail.client.demo.Demo;
import org.regmail.client.demo.Layout;
import org.regmail.client.demo.MailServer;
import org.regmail.contracts.Status;
import org.regmail.core.evidence.RecipientProgress;
import org.regmail.core.evidence.RegistrationTrail;
import org.regmail.core.evidence.TrailEvent;
import org.regmail.core.store.LedgerEntry;

/**
 * {@code regmail demo} end to end, as a newcomer runs it: anvil, four James 3.8.1 processes
 * from the stock distribution with the drop-in JAR, real SMTP, POP3 and IMAP. Asserts what the
 * chain and the evidence say, not how long it took.
 */
class DemoTest {
    private static final Path ROLES = Path.of(System.getProperty("regmail.james.roles", "."));

    @Test
    void shouldTellTheWholeStoryWithValidEvidenceAndReimbursedServers() throws Exception {
        Layout layout = new Layout(ROLES.toAbsolutePath().getParent());
        assertThat(layout.missing()).isEmpty();
        Path work = Files.createDirectories(StockDistributionTest.runDirectory("demo"));
        StringWriter output = new StringWriter();

        Demo.Outcome outcome = new Demo(layout, work, new PrintWriter(output, true)).run();

        String text = output.toString();
        System.out.println(text);
        assertThat(outcome.verdicts()).hasSize(4)
            .allSatisfy(v -> assertThat(v).startsWith("verdict: VALID"));

        List<RegistrationTrail> trails = new ArrayList<>(outcome.trails().values());
        List<Status> relayed = List.of(Status.SUBMITTED, Status.HANDED_OFF, Status.RELAYED,
            Status.DELIVERED);
        assertThat(path(trails.get(0), 0)).as("mail 1, bob over POP3")
            .containsExactlyInAnyOrder(plus(relayed, Status.DOWNLOADED));
        assertThat(path(trails.get(1), 0)).as("mail 2, carol reads then deletes over IMAP")
            .containsExactlyInAnyOrder(plus(relayed, Status.DOWNLOADED, Status.READ,
                Status.DELETED));
        assertThat(path(trails.get(2), 0)).as("mail 3, bob (to) over POP3")
            .containsExactlyInAnyOrder(plus(relayed, Status.DOWNLOADED));
        assertThat(path(trails.get(2), 1)).as("mail 3, dave (cc, other.example) reads")
            .containsExactlyInAnyOrder(plus(relayed, Status.DOWNLOADED, Status.READ));
        assertThat(path(trails.get(2), 2)).as("mail 3, carol (bcc) previews")
            .containsExactlyInAnyOrder(plus(relayed, Status.DOWNLOADED));
        assertThat(path(trails.get(3), 0)).as("mail 4, never opened, past its deadline")
            .containsExactlyInAnyOrder(plus(relayed, Status.EXPIRED));
        assertThat(List.of(trails.get(1), trails.get(3))).as("escrows withdrawn")
            .allSatisfy(t -> assertThat(t.events()).extracting(TrailEvent::event)
                .contains(TrailEvent.ESCROW_WITHDRAWN));

        assertThat(outcome.credits()).containsOnlyKeys("sender.example", "relay.example",
            "recipient.example", "other.example");
        for (Map.Entry<String, List<LedgerEntry>> ledger : outcome.ledgers().entrySet()) {
            BigInteger credit = outcome.credits().get(ledger.getKey());
            assertThat(credit).as(ledger.getKey()).isPositive();
            assertThat(MailServer.reimbursed(ledger.getValue())).as("%s's ledger", ledger.getKey())
                .isEqualTo(credit);
        }

        assertThat(text).doesNotContain("Exception", "\tat ", "error:")
            .contains("evm_increaseTime", "EXPIRED", "RELAYED", "AUTHORISED");
        assertThat(text.lines().filter(line -> !line.contains(work.toString())))
            .allSatisfy(line -> assertThat(line.length()).as(line).isLessThanOrEqualTo(100));
    }

    /**
     * A recipient's statuses in chain order. Each server's own records keep the protocol's
     * order, but different servers publish on their own schedules: the relay's RELAYED may
     * land before the sender's HANDED_OFF. So the tests compare the sets.
     */
    private static List<Status> path(RegistrationTrail trail, int recipient) {
        RecipientProgress progress = trail.recipients().get(recipient);
        return progress.statuses().stream().map(TrailEvent::status).toList();
    }

    private static Status[] plus(List<Status> head, Status... tail) {
        List<Status> all = new ArrayList<>(head);
        all.addAll(List.of(tail));
        return all.toArray(Status[]::new);
    }
}
