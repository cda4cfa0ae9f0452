package org.regmail.endtoend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.math.BigInteger;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.regmail.contracts.Status;
import org.regmail.contracts.devchain.Anvil;
import org.regmail.contracts.generated.EmailRegistration;
import org.regmail.contracts.generated.EmailRegistrationMaster;
import org.regmail.core.evidence.EvidenceBundle;
import org.regmail.core.evidence.EvidenceVerifier;
import org.regmail.core.evidence.RegistrationTrail;
import org.regmail.core.evidence.TrailEvent;
import org.regmail.core.evidence.TrailReader;
import org.regmail.core.evidence.Verdict;
import org.regmail.core.server.ServerNode;
import org.regmail.core.store.OutboxEntry;
import org.regmail.mailets.testing.JamesTestServer;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tx.ReadonlyTransactionManager;
import org.web3j.tx.gas.DefaultGasProvider;
import org.web3j.utils.Numeric;

/**
 * What the chain says about the mails of a {@link MailNetwork}, read the way anyone would read
 * it: the registration's per-recipient status bitmaps, its events through the client's
 * {@link TrailReader}, evidence bundles checked by {@link EvidenceVerifier}, and the receipts
 * of the servers' transactions.
 */
final class Trails {
    /** How long a status may take to land: SMTP hops, outbox intervals, a retried record. */
    static final Duration CEILING = Duration.ofSeconds(60);

    /**
     * What writing a storage slot for the first time costs more than rewriting it (22,100
     * against 2,900 gas, EIP-2929/3529): paid once per server, by the server.
     */
    private static final long FIRST_CREDIT_SLOT_GAS = 19_200;
    /**
     * How far a transaction's reimbursement may be from the gas it used: the contracts' own
     * tests hold a lone record to 500 gas and a batch of 20 to 2,000.
     */
    static final long CALIBRATION_TOLERANCE = 2_500;
    /** EIP-2929: a cold account access costs 2,600 gas, a warm one 100. */
    static final long WARM_REGISTRATION_GAS = 2_500;
    /** EIP-2200/2929: rewriting a slot already written in the transaction (100, not 2,900). */
    static final long WARM_RECIPIENT_SLOT_GAS = 2_800;

    private final MailNetwork network;

    Trails(MailNetwork network) {
        this.network = network;
    }

    private Web3j web3j() {
        return network.anvil().web3j();
    }

    /** The statuses a recipient has reached on chain (EmailRegistration.recipient bitmap). */
    Set<Status> reached(SentMail mail, String recipient) throws Exception {
        BigInteger bitmap = registration(mail).recipient(BigInteger.valueOf(mail.index(recipient)))
            .send().component2();
        Set<Status> reached = EnumSet.noneOf(Status.class);
        for (Status status : Status.values()) {
            if (status != Status.NONE && status.isIn(bitmap)) {
                reached.add(status);
            }
        }
        return reached;
    }

    /** Waits until the recipient has reached at least these statuses on chain. */
    void awaitReached(SentMail mail, String recipient, Status... statuses) {
        await("statuses " + List.of(statuses) + " of " + recipient + " on " + mail.registration())
            .atMost(CEILING).pollInterval(Duration.ofMillis(200))
            .untilAsserted(() -> assertThat(reached(mail, recipient)).contains(statuses));
    }

    /**
     * Waits until every recording server's outbox is empty: all it queued is on chain (or
     * refused for good). After this, what a recipient has not reached was never recorded,
     * which is how a test shows that something did not happen without sleeping.
     */
    void awaitOutboxesDrained() {
        await("every outbox drained").atMost(CEILING).pollInterval(Duration.ofMillis(200))
            .untilAsserted(() -> {
                for (JamesTestServer server : network.recordingServers()) {
                    Map<OutboxEntry.State, Long> counts =
                        MailNetwork.nodeOf(server).store().countByState();
                    assertThat(counts.get(OutboxEntry.State.PENDING)
                        + counts.get(OutboxEntry.State.SENT))
                        .as("records waiting in the outbox of %s", server.workingDirectory())
                        .isZero();
                }
            });
    }

    /** Drains every outbox, then returns exactly what the recipient reached. */
    Set<Status> settled(SentMail mail, String recipient) throws Exception {
        awaitOutboxesDrained();
        return reached(mail, recipient);
    }

    /** The registration's whole trail as the client's TrailReader reads it. */
    RegistrationTrail trail(SentMail mail) throws Exception {
        return new TrailReader(web3j(), network.anvil().rpcUrl())
            .read(network.masterAddress(), mail.registration(), mail.created().block())
            .orElseThrow(() -> new AssertionError("no trail for " + mail.registration()));
    }

    /**
     * What {@code regmail evidence} writes for the sender (every address disclosed, the
     * message embedded), checked as {@code regmail verify} checks it.
     */
    Verdict verifyEvidence(SentMail mail) throws Exception {
        Map<Integer, String> addresses = new HashMap<>();
        for (String recipient : mail.recipients()) {
            addresses.put(mail.index(recipient), recipient);
        }
        EvidenceBundle bundle = EvidenceBundle.of(Anvil.CHAIN_ID, network.masterAddress(),
            network.deployment().master().factory().send(),
            network.deployment().master().implementation().send(), trail(mail),
            mail.created().plan().salt(), mail.created().plan().contentHash(), addresses,
            mail.created().plan().message());
        EvidenceBundle exported = EvidenceBundle.fromJson(bundle.toJson());
        return new EvidenceVerifier(web3j(), network.anvil().rpcUrl()).verify(exported, null);
    }

    /** The evidence of the mail verifies, and it claims exactly the statuses the chain holds. */
    void assertEvidenceVerifies(SentMail mail) throws Exception {
        Verdict verdict = verifyEvidence(mail);
        assertThat(verdict.claims()).as("claims of the evidence of %s", mail.registration())
            .noneMatch(claim -> claim.outcome() == Verdict.Outcome.MISMATCH);
        assertThat(verdict.isValid()).isTrue();
        for (String recipient : mail.recipients()) {
            Set<Status> claimed = EnumSet.noneOf(Status.class);
            verdict.trail().orElseThrow().events().stream()
                .filter(e -> e.isStatus() && e.recipientIndex() == mail.index(recipient))
                .forEach(e -> claimed.add(e.status()));
            assertThat(claimed).as("statuses of %s in the evidence", recipient)
                .isEqualTo(reached(mail, recipient));
        }
    }

    /**
     * Every server transaction that recorded for this mail paid the server back for the gas it
     * used, at the transaction's gas price (below the sender's fee cap): to within
     * {@link #CALIBRATION_TOLERANCE} of the gas used, plus what the per-record overhead is
     * known to over-estimate when a batch records twice for one registration or recipient
     * ({@link #knownOvercharge}); the credit the Master gave the server is the sum of the
     * reimbursements; and the registration's escrow went down by exactly what its records were
     * reimbursed.
     */
    void assertReimbursementsMatchGasUsed(SentMail mail) throws Exception {
        RegistrationTrail trail = trail(mail);
        Set<String> transactions = new LinkedHashSet<>();
        BigInteger paidFromEscrow = BigInteger.ZERO;
        for (TrailEvent event : trail.events()) {
            boolean paid = event.isStatus() || TrailEvent.RELAY_AUTHORISED.equals(event.event());
            if (paid && event.amount() != null && event.amount().signum() > 0) {
                transactions.add(event.transactionHash());
                paidFromEscrow = paidFromEscrow.add(event.amount());
            }
        }
        assertThat(transactions).as("reimbursed transactions of %s", mail.registration())
            .isNotEmpty();

        for (String hash : transactions) {
            TransactionReceipt receipt = receipt(hash);
            BigInteger price = Numeric.decodeQuantity(receipt.getEffectiveGasPrice());
            assertThat(price).isLessThan(MailNetwork.FEE_CAP);

            List<EmailRegistration.StatusRecordedEventResponse> records =
                EmailRegistration.getStatusRecordedEvents(receipt);
            BigInteger reimbursed = BigInteger.ZERO;
            for (var e : records) {
                reimbursed = reimbursed.add(e.reimbursed);
            }
            for (var e : EmailRegistration.getRelayAuthorisedEvents(receipt)) {
                reimbursed = reimbursed.add(e.reimbursed);
            }
            BigInteger credited = EmailRegistrationMaster.getServerCreditedEvents(receipt).stream()
                .map(e -> e.amount).reduce(BigInteger.ZERO, BigInteger::add);
            assertThat(credited).as("credit of tx %s", hash).isEqualTo(reimbursed);
            assertThat(reimbursed.mod(price)).as("reimbursement of tx %s in whole gas", hash)
                .isZero();

            long charged = reimbursed.divide(price).longValueExact();
            long used = receipt.getGasUsed().longValueExact();
            if (isFirstCredit(receipt)) {
                // The server's very first credit writes a fresh storage slot: a one-off cost
                // the Master leaves with the server rather than charge it to one sender.
                used -= FIRST_CREDIT_SLOT_GAS;
            }
            boolean allLanded = EmailRegistrationMaster.getRecordRejectedEvents(receipt).isEmpty()
                && EmailRegistration.getEscrowExhaustedEvents(receipt).isEmpty();
            long overcharge = knownOvercharge(records);
            if (allLanded) {
                assertThat(charged).as("gas reimbursed for tx %s (%d records), which used %d",
                        hash, records.size(), used)
                    .isBetween(used - CALIBRATION_TOLERANCE,
                        used + overcharge + CALIBRATION_TOLERANCE);
            } else {
                // A record refused in a batch (e.g. one that landed already) costs gas and is
                // not paid for: the server carries it.
                assertThat(charged).as("gas reimbursed for tx %s", hash)
                    .isLessThanOrEqualTo(used + overcharge + CALIBRATION_TOLERANCE);
            }
        }

        BigInteger withdrawn = trail.events().stream()
            .filter(e -> TrailEvent.ESCROW_WITHDRAWN.equals(e.event())).map(TrailEvent::amount)
            .reduce(BigInteger.ZERO, BigInteger::add);
        assertThat(trail.facts().escrow().subtract(escrowLeft(mail)))
            .as("escrow spent by %s", mail.registration())
            .isEqualTo(paidFromEscrow.add(withdrawn));
    }

    /**
     * What the Master's fixed per-record overhead charges beyond the gas a batch really used
     * when it records more than once for one registration (the registration's account is
     * already warm: EXTCODESIZE costs 100 gas instead of 2,600) or for one recipient (its
     * storage slot is already written in this transaction: the write after the clone's
     * measurement costs 100 gas instead of 2,900). The overhead is calibrated on batches whose
     * records each touch a registration and a slot for the first time.
     */
    static long knownOvercharge(List<EmailRegistration.StatusRecordedEventResponse> records) {
        long registrations = records.stream().map(e -> e.log.getAddress().toLowerCase())
            .distinct().count();
        long recipients = records.stream()
            .map(e -> e.log.getAddress().toLowerCase() + "/" + e.recipientIndex)
            .distinct().count();
        return WARM_REGISTRATION_GAS * (records.size() - registrations)
            + WARM_RECIPIENT_SLOT_GAS * (records.size() - recipients);
    }

    /** Whether the server had never been credited before this transaction. */
    private boolean isFirstCredit(TransactionReceipt receipt) throws Exception {
        EmailRegistrationMaster master = EmailRegistrationMaster.load(network.masterAddress(),
            web3j(), new ReadonlyTransactionManager(web3j(), receipt.getFrom()),
            new DefaultGasProvider());
        master.setDefaultBlockParameter(DefaultBlockParameter.valueOf(
            receipt.getBlockNumber().subtract(BigInteger.ONE)));
        // No server withdraws in these tests, so a zero credit means a slot never written.
        return master.creditOf(receipt.getFrom()).send().signum() == 0;
    }

    private TransactionReceipt receipt(String hash) throws IOException {
        return web3j().ethGetTransactionReceipt(hash).send().getTransactionReceipt()
            .orElseThrow(() -> new AssertionError("no receipt for " + hash));
    }

    /** What is left of the registration's escrow, in wei. */
    BigInteger escrowLeft(SentMail mail) throws Exception {
        return registration(mail).terms().send().component3();
    }

    private EmailRegistration registration(SentMail mail) {
        return EmailRegistration.load(mail.registration(), web3j(),
            new ReadonlyTransactionManager(web3j(), MailNetwork.ALICE_ACCOUNT.getAddress()),
            new DefaultGasProvider());
    }

    /** The node of a server, for tests that look at its outbox. */
    static ServerNode node(JamesTestServer server) throws Exception {
        return MailNetwork.nodeOf(server);
    }
}
