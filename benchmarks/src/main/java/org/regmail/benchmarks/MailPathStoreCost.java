package org.regmail.benchmarks;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.regmail.contracts.Status;
import org.regmail.core.envelope.RegisteredMailHeader;
import org.regmail.core.envelope.RegistrationEnvelope;
import org.regmail.core.store.Disposition;
import org.regmail.core.store.H2ServerStore;
import org.regmail.core.store.RecordRequest;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;
import org.web3j.utils.Numeric;

/**
 * What the servers' stores cost per one-recipient registered mail on the mail's path, the way
 * {@code ServerNode} wrote before issue 8's fix and the way it writes now, side by side,
 * alternating, on one sender's and one recipient's H2 file; and what opening an envelope
 * (ECIES) costs, which each server did twice per mail before. No chain, no James.
 *
 * <p>Before, per mail: the sender's server checked the escrow-exhausted mark (a read
 * transaction) and queued the record (a commit), for SUBMITTED and again for HANDED_OFF; the
 * recipient's server checked the mark, queued DELIVERED, looked for an alias (a read), remembered
 * the message (a commit), and at the re-key read the disposition, remembered it under the new
 * key and forgot the old one (a read, two commits): 11 transactions. After: one transaction per
 * server and step, 4. The read of the mark is run here as the old one was (an indexed
 * one-row SELECT in its own transaction), since the store now answers it from memory.
 *
 * <p>Argument (optional): mails per round (default 400). Run: {@code ./mvnw -q -pl benchmarks
 * compile exec:exec@mail-path-store-cost}.
 */
public final class MailPathStoreCost {
    private static final int ROUNDS = 10;

    private final Random random = new Random(1);
    private long mails;

    private MailPathStoreCost() {
    }

    public static void main(String[] args) throws Exception {
        int perRound = args.length > 0 ? Integer.parseInt(args[0]) : 400;
        PrintStream out = System.out;
        MachineFacts.print(out, "Store transactions and envelope opening per registered mail");
        Path dir = Files.createTempDirectory("regmail-mail-path-store-cost-");
        MailPathStoreCost bench = new MailPathStoreCost();
        List<Double> before = new ArrayList<>();
        List<Double> after = new ArrayList<>();
        long transactionsBefore = 0;
        long transactionsAfter = 0;
        try (H2ServerStore sender = H2ServerStore.open(dir.resolve("sender"));
             H2ServerStore recipient = H2ServerStore.open(dir.resolve("recipient"))) {
            for (int round = 0; round < ROUNDS; round++) {
                boolean old = round % 2 == 0;
                long transactions = sender.transactions() + recipient.transactions();
                long start = System.nanoTime();
                for (int i = 0; i < perRound; i++) {
                    if (old) {
                        bench.mailAsBefore(sender, recipient);
                    } else {
                        bench.mailAsNow(sender, recipient);
                    }
                }
                double millis = (System.nanoTime() - start) / 1e6 / perRound;
                long used = sender.transactions() + recipient.transactions() - transactions;
                if (round >= 2) { // the first two rounds warm the JIT and H2's caches
                    (old ? before : after).add(millis);
                    if (old) {
                        transactionsBefore += used;
                    } else {
                        transactionsAfter += used;
                    }
                }
            }
        }
        List<Double> opening = bench.openEnvelopes(perRound);

        int measured = (ROUNDS - 2) / 2 * perRound;
        out.printf("%d mails per round, %d measured rounds (alternating), ms per mail "
            + "(sender's and recipient's store together):%n%n", perRound, ROUNDS - 2);
        out.println("| store writes of a one-recipient mail | transactions per mail "
            + "| p50 ms/mail | max ms/mail |");
        out.println("|---|---:|---:|---:|");
        Percentiles was = new Percentiles(before);
        Percentiles now = new Percentiles(after);
        out.printf("| as before (a check and a commit per record; re-key in three) | %.1f "
            + "| %.3f | %.3f |%n", (double) transactionsBefore / measured, was.at(50), was.max());
        out.printf("| as now (one transaction per server and step) | %.1f | %.3f | %.3f |%n",
            (double) transactionsAfter / measured, now.at(50), now.max());
        out.println();
        Percentiles open = new Percentiles(opening);
        out.printf("Opening an envelope (ECIES decryption, %d times): p50 %.3f ms, max %.3f ms; "
            + "each server now opens once per mail instead of twice.%n%n", opening.size(),
            open.at(50), open.max());
        out.println("- load average at the end (1/5/15 min): " + MachineFacts.loadAverage());
        System.exit(0);
    }

    private RecordRequest record(String registration, byte[] salt, Status status) {
        return new RecordRequest(registration, salt, 0, status, null);
    }

    private void mailAsBefore(H2ServerStore sender, H2ServerStore recipient) {
        String registration = String.format("0x%040x", ++mails);
        byte[] salt = new byte[32];
        random.nextBytes(salt);
        for (Status status : List.of(Status.SUBMITTED, Status.HANDED_OFF)) {
            readMark(sender, registration);
            sender.enqueue(record(registration, salt, status));
        }
        readMark(recipient, registration);
        recipient.enqueue(record(registration, salt, Status.DELIVERED));
        String pending = "pending:bob@recipient.example/<" + mails + "@sender.example>";
        String key = recipient.aliasOf(pending).orElse(pending);
        recipient.remember(disposition(key, registration, salt));
        Disposition known = recipient.disposition(key).orElseThrow();
        recipient.remember(disposition("bob/" + mails, known.registration(), known.salt()));
        recipient.forget(key);
    }

    /** The old check of the escrow-exhausted mark: one indexed row read in a transaction. */
    private static void readMark(H2ServerStore store, String registration) {
        store.entry(registration + "/0/" + Status.EXPIRED.name());
    }

    private void mailAsNow(H2ServerStore sender, H2ServerStore recipient) {
        String registration = String.format("0x%040x", ++mails);
        byte[] salt = new byte[32];
        random.nextBytes(salt);
        for (Status status : List.of(Status.SUBMITTED, Status.HANDED_OFF)) {
            sender.isEscrowExhausted(registration, 0);
            sender.enqueue(List.of(record(registration, salt, status)), List.of());
        }
        recipient.isEscrowExhausted(registration, 0);
        String pending = "pending:bob@recipient.example/<" + mails + "@sender.example>";
        recipient.enqueue(List.of(record(registration, salt, Status.DELIVERED)),
            List.of(disposition(pending, registration, salt)));
        recipient.rekey(pending, "bob/" + mails);
    }

    private static Disposition disposition(String key, String registration, byte[] salt) {
        return new Disposition(key, "bob@recipient.example", registration, salt, 0, null,
            1_800_000_000L);
    }

    private List<Double> openEnvelopes(int times) throws Exception {
        ECKeyPair owner = Keys.createEcKeyPair();
        ECKeyPair server = Keys.createEcKeyPair();
        byte[] localId = new byte[32];
        byte[] salt = new byte[32];
        byte[] commitment = new byte[32];
        random.nextBytes(localId);
        random.nextBytes(salt);
        random.nextBytes(commitment);
        RegistrationEnvelope envelope = RegistrationEnvelope.sign(31337,
            "0x00000000000000000000000000000000000000aa", localId, salt, List.of(0), commitment,
            owner);
        String header = RegisteredMailHeader.seal(envelope,
            Numeric.toBytesPadded(server.getPublicKey(), 64));
        List<Double> millis = new ArrayList<>();
        for (int i = 0; i < times * 3; i++) {
            long start = System.nanoTime();
            RegisteredMailHeader.open(header, server);
            if (i >= times) { // the first third warms the JIT
                millis.add((System.nanoTime() - start) / 1e6);
            }
        }
        return millis;
    }
}
