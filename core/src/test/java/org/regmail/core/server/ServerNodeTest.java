package org.regmail.core.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.regmail.contracts.Status;
import org.regmail.contracts.devchain.Anvil;
import org.regmail.contracts.devchain.DevDeployment;
import org.regmail.contracts.generated.EmailRegistration;
import org.regmail.contracts.testing.AnvilExtension;
import org.regmail.core.chain.ChainGateway;
import org.regmail.core.chain.ChainSettings;
import org.regmail.core.config.ServerConfig;
import org.regmail.core.keys.KeystoreCredentials;
import org.regmail.core.registration.NextHops;
import org.regmail.core.registration.RegistrationRefused;
import org.regmail.core.registration.TestRegistrations;
import org.regmail.core.store.H2ServerStore;
import org.web3j.crypto.Credentials;

/** Sender's and recipient's server nodes on one real chain, without James. */
class ServerNodeTest {
    @RegisterExtension
    static final AnvilExtension CHAIN = AnvilExtension.isolatingEachTest();

    static final Credentials SENDER = Anvil.devAccount(1);
    static final Credentials RECIPIENT = Anvil.devAccount(2);
    static final Credentials RELAY = Anvil.devAccount(3);
    static final Credentials OWNER = Anvil.devAccount(4);
    static final String ZERO = "0x0000000000000000000000000000000000000000";
    static DevDeployment deployment;

    @TempDir
    Path dir;
    ServerNode sender;
    ServerNode recipient;

    @BeforeAll
    static void deploy() throws Exception {
        deployment = DevDeployment.deploy(CHAIN.web3j(), Anvil.devAccount(0));
        deployment.registerAndApprove(SENDER, "sender.example");
        deployment.registerAndApprove(RECIPIENT, "recipient.example");
        deployment.registerAndApprove(RELAY, "relay.example");
    }

    ServerNode node(Credentials credentials, String domain) throws Exception {
        ChainSettings chain = ChainSettings.of(CHAIN.rpcUrl(), Anvil.CHAIN_ID,
            deployment.master().getContractAddress());
        ServerConfig config = new ServerConfig(chain, domain, dir.resolve("unused.json"),
            new KeystoreCredentials.PasswordVariable("UNUSED"), 50, Duration.ofMillis(100),
            dir.resolve(domain), Duration.ofSeconds(60));
        return new ServerNode(config, credentials, ChainGateway.connect(chain, credentials),
            H2ServerStore.open(dir.resolve(domain)));
    }

    @BeforeEach
    void start() throws Exception {
        sender = node(SENDER, "sender.example");
        recipient = node(RECIPIENT, "recipient.example");
    }

    @AfterEach
    void stop() {
        sender.close();
        recipient.close();
    }

    TestRegistrations.Created register(long deadline) throws Exception {
        return TestRegistrations.create(deployment, OWNER, SENDER,
            List.of("bob@recipient.example", "carol@second.example"),
            List.of(RECIPIENT.getAddress(), ZERO), TestRegistrations.message(), deadline);
    }

    static boolean onChain(String registration, int index, Status status) throws Exception {
        return EmailRegistration.load(registration, CHAIN.web3j(),
                new org.web3j.tx.ReadonlyTransactionManager(CHAIN.web3j(), OWNER.getAddress()),
                new org.web3j.tx.gas.DefaultGasProvider())
            .hasStatus(BigInteger.valueOf(index), status.value()).send();
    }

    /** Runs outbox cycles until nothing is in flight (automine answers within ms). */
    static void publish(ServerNode node) throws InterruptedException {
        node.flushOutbox();
        for (int cycle = 0; cycle < 100 && !node.store().unsettledTransactions().isEmpty();
             cycle++) {
            Thread.sleep(10);
            node.flushOutbox();
        }
    }

    @Test
    void shouldCarryRegisteredMailFromSubmissionToRead() throws Exception {
        TestRegistrations.Created created = register(CHAIN.anvil().latestTimestamp() + 86_400);
        List<String> recipients = List.of("bob@recipient.example", "carol@second.example");

        ServerNode.Accepted accepted = sender.acceptSubmission(created.sealFor(SENDER),
            TestRegistrations.message(), recipients, null);

        assertThat(accepted.hops()).extracting(NextHops.Hop::domain)
            .containsExactly("recipient.example", "second.example");
        NextHops.Hop toBob = accepted.hops().get(0);
        assertThat(toBob.headerValue()).isPresent();
        assertThat(accepted.hops().get(1).headerValue()).as("second.example has no server")
            .isEmpty();
        sender.recordHandedOff(accepted.ref());
        publish(sender);

        List<ServerNode.Delivered> delivered = recipient.deliver(toBob.headerValue().get(),
            TestRegistrations.message(), List.of("bob@recipient.example"), rcpt -> "bob/msg-1")
            .delivered();
        assertThat(delivered).containsExactly(
            new ServerNode.Delivered("bob@recipient.example", 0, Status.DELIVERED));
        recipient.recordRecipientAction("bob/msg-1", Status.READ);
        publish(recipient);

        for (Status s : List.of(Status.SUBMITTED, Status.HANDED_OFF, Status.DELIVERED,
            Status.DOWNLOADED, Status.READ)) {
            assertThat(onChain(created.registration(), 0, s)).as(s.name()).isTrue();
        }
        assertThat(onChain(created.registration(), 1, Status.HANDED_OFF)).isTrue();
        assertThat(onChain(created.registration(), 1, Status.DELIVERED)).isFalse();
        assertThat(recipient.recordRecipientAction("unknown/msg", Status.READ)).isFalse();
    }

    @Test
    void shouldAuthoriseTheRelaySoThatItsRelayedRecordsLand() throws Exception {
        TestRegistrations.Created created = register(CHAIN.anvil().latestTimestamp() + 86_400);
        List<String> bob = List.of("bob@recipient.example");
        ServerNode relay = node(RELAY, "relay.example");
        try {
            ServerNode.Accepted accepted = sender.acceptSubmission(created.sealFor(SENDER),
                TestRegistrations.message(), bob, "relay.example");
            NextHops.Hop toRelay = accepted.hops().get(0);
            assertThat(toRelay.domain()).isEqualTo("relay.example");
            awaitRelayAuthorised(created.registration(), RELAY.getAddress());

            relay.relay(toRelay.headerValue().orElseThrow(), TestRegistrations.message(), bob);
            publish(relay);

            assertThat(onChain(created.registration(), 0, Status.RELAYED)).isTrue();
            // The ledger line is written by the background sender right after the receipt.
            Instant until = Instant.now().plusSeconds(10);
            while (sender.store().ledger().isEmpty() && Instant.now().isBefore(until)) {
                Thread.sleep(20);
            }
            assertThat(sender.store().ledger()).as("the authorisation's gas, reimbursed")
                .anySatisfy(e -> assertThat(e.reimbursed()).isPositive());
        } finally {
            relay.close();
        }
    }

    @Test
    void shouldAuthoriseTheRelayAfterARestartWhenTheServerStoppedBeforeItLanded()
        throws Exception {
        TestRegistrations.Created created = register(CHAIN.anvil().latestTimestamp() + 86_400);
        // What the store holds when the sender's server stopped before the authorisation landed.
        sender.store().queueRelayAuthorisation(new org.regmail.core.store.RelayAuthorisation(
            created.registration(), created.registrationSalt(), OWNER.getAddress(),
            RELAY.getAddress()));
        sender.close();

        sender = node(SENDER, "sender.example"); // the same store, after the restart
        assertThat(sender.runRelayAuthorisations()).isEqualTo(1);
        assertThat(sender.runRelayAuthorisations()).as("nothing left, nothing sent twice").isZero();

        awaitRelayAuthorised(created.registration(), RELAY.getAddress());
        assertThat(sender.store().ledger()).hasSize(1);
    }

    @Test
    void shouldBookAnAuthorisationSentBeforeARestartFromItsReceiptAndPayNoSecond()
        throws Exception {
        TestRegistrations.Created created = register(CHAIN.anvil().latestTimestamp() + 86_400);
        // What the store holds when the server stopped after broadcasting, before the receipt.
        sender.store().queueRelayAuthorisation(new org.regmail.core.store.RelayAuthorisation(
            created.registration(), created.registrationSalt(), OWNER.getAddress(),
            RELAY.getAddress()));
        ChainGateway.SignedTransaction sent = sender.gateway().submit("authorising the relay",
            deployment.master().getContractAddress(), deployment.master()
                .authoriseRelay(created.registrationSalt(), RELAY.getAddress())
                .encodeFunctionCall(),
            signed -> sender.store().markRelayAuthorisationSent(created.registration(),
                RELAY.getAddress(), signed.hash()));
        sender.close();
        long nonce = pendingNonceOf(SENDER);

        sender = node(SENDER, "sender.example"); // the same store, after the restart
        assertThat(sender.runRelayAuthorisations()).isEqualTo(1);

        assertThat(pendingNonceOf(SENDER)).as("no second transaction").isEqualTo(nonce);
        assertThat(sender.store().ledger()).extracting(e -> e.transactionHash())
            .containsExactly(sent.hash());
        assertThat(sender.store().pendingRelayAuthorisations(10)).isEmpty();
    }

    @Test
    void shouldSendAgainAnAuthorisationWhoseTransactionNeverReachedTheNode() throws Exception {
        TestRegistrations.Created created = register(CHAIN.anvil().latestTimestamp() + 86_400);
        sender.store().queueRelayAuthorisation(new org.regmail.core.store.RelayAuthorisation(
            created.registration(), created.registrationSalt(), OWNER.getAddress(),
            RELAY.getAddress()));
        String neverBroadcast = "0x" + "ab".repeat(32);
        sender.store().markRelayAuthorisationSent(created.registration(), RELAY.getAddress(),
            neverBroadcast);

        assertThat(sender.runRelayAuthorisations()).isEqualTo(1);

        awaitRelayAuthorised(created.registration(), RELAY.getAddress());
        assertThat(sender.store().ledger()).hasSize(1).noneMatch(
            e -> e.transactionHash().equals(neverBroadcast));
    }

    static long pendingNonceOf(Credentials account) throws IOException {
        return CHAIN.web3j().ethGetTransactionCount(account.getAddress(),
                org.web3j.protocol.core.DefaultBlockParameterName.PENDING).send()
            .getTransactionCount().longValueExact();
    }

    @Test
    void shouldSettleEveryStoredRelayAuthorisationInOneRunPastThePageSize() throws Exception {
        TestRegistrations.Created created = register(CHAIN.anvil().latestTimestamp() + 86_400);
        for (int i = 0; i < 60; i++) {
            // Relays the directory never approved: refused by the contracts at the estimate,
            // logged and dropped without a transaction.
            sender.store().queueRelayAuthorisation(new org.regmail.core.store.RelayAuthorisation(
                created.registration(), created.registrationSalt(), OWNER.getAddress(),
                org.web3j.crypto.Keys.toChecksumAddress(String.format("0x%040x", 0x1000 + i))));
        }
        long nonce = CHAIN.web3j().ethGetTransactionCount(SENDER.getAddress(),
            org.web3j.protocol.core.DefaultBlockParameterName.PENDING).send()
            .getTransactionCount().longValueExact();

        assertThat(sender.runRelayAuthorisations()).isEqualTo(60);
        assertThat(sender.store().pendingRelayAuthorisations(100)).isEmpty();
        assertThat(CHAIN.web3j().ethGetTransactionCount(SENDER.getAddress(),
                org.web3j.protocol.core.DefaultBlockParameterName.PENDING).send()
            .getTransactionCount().longValueExact())
            .as("no gas spent on relays the contracts refuse").isEqualTo(nonce);
    }

    @Test
    void shouldSendAPageOfRelayAuthorisationsBeforeWaitingForAnyReceipt() throws Exception {
        int mails = 8;
        List<String> registrations = new ArrayList<>();
        for (int i = 0; i < mails; i++) {
            TestRegistrations.Created created =
                register(CHAIN.anvil().latestTimestamp() + 86_400);
            registrations.add(created.registration());
            sender.store().queueRelayAuthorisation(new org.regmail.core.store.RelayAuthorisation(
                created.registration(), created.registrationSalt(), OWNER.getAddress(),
                RELAY.getAddress()));
        }
        long mined = CHAIN.web3j().ethBlockNumber().send().getBlockNumber().longValueExact();
        CHAIN.anvil().setAutomine(false);
        ExecutorService run = Executors.newSingleThreadExecutor();
        try {
            Future<Integer> settled = run.submit(sender::runRelayAuthorisations);

            // Nothing is mined until every authorisation waits in the pool: an authorisation
            // that waited for the previous one's receipt would never get there.
            Instant until = Instant.now().plusSeconds(20);
            while (pendingOf(SENDER) < mails) {
                assertThat(Instant.now()).as("%d authorisations pending together", mails)
                    .isBefore(until);
                Thread.sleep(20);
            }
            CHAIN.anvil().mine();

            assertThat(settled.get(20, TimeUnit.SECONDS)).isEqualTo(mails);
        } finally {
            CHAIN.anvil().setAutomine(true);
            run.shutdownNow();
        }
        assertThat(CHAIN.web3j().ethBlockNumber().send().getBlockNumber().longValueExact())
            .as("one block for the whole page").isEqualTo(mined + 1);
        for (String registration : registrations) {
            assertThat(EmailRegistration.load(registration, CHAIN.web3j(),
                    new org.web3j.tx.ReadonlyTransactionManager(CHAIN.web3j(), OWNER.getAddress()),
                    new org.web3j.tx.gas.DefaultGasProvider())
                .isAuthorisedRelay(RELAY.getAddress()).send()).as(registration).isTrue();
        }
        assertThat(sender.store().pendingRelayAuthorisations(100)).isEmpty();
        assertThat(sender.store().ledger()).hasSize(mails)
            .allSatisfy(e -> assertThat(e.reimbursed()).isPositive());
    }

    /** Transactions of {@code account} waiting in the node's pool. */
    static long pendingOf(Credentials account) throws IOException {
        return CHAIN.web3j().ethGetTransactionCount(account.getAddress(),
                org.web3j.protocol.core.DefaultBlockParameterName.PENDING).send()
            .getTransactionCount().longValueExact()
            - CHAIN.web3j().ethGetTransactionCount(account.getAddress(),
                org.web3j.protocol.core.DefaultBlockParameterName.LATEST).send()
            .getTransactionCount().longValueExact();
    }

    @Test
    void shouldPickTheHeaderCopySealedToThisServerWhateverItsPlace() throws Exception {
        TestRegistrations.Created created = register(CHAIN.anvil().latestTimestamp() + 86_400);
        String ours = created.sealFor(SENDER);
        String othersServer = created.sealFor(RECIPIENT);
        String garbage = "v1; AAAA";

        assertThat(sender.headerFor(List.of(garbage, othersServer, ours))).isEqualTo(ours);
        assertThat(sender.headerFor(List.of(ours, garbage))).isEqualTo(ours);
        assertThat(sender.headerFor(List.of(garbage, othersServer)))
            .as("none is ours: the first, whose refusal is told").isEqualTo(garbage);
        assertThat(sender.headerFor(List.of(othersServer))).isEqualTo(othersServer);
    }

    @Test
    void shouldKeepAtMostOneRelayAuthorisationRunWaitingWhateverTheBurst() {
        synchronized (sender) { // holds the running authorisation run at its start
            for (int i = 0; i < 1_000; i++) {
                sender.scheduleRelayAuthorisations();
            }
            assertThat(sender.relayAuthorisationRunsWaiting()).isLessThanOrEqualTo(1);
        }
    }

    static void awaitRelayAuthorised(String registration, String relay) throws Exception {
        org.regmail.core.evidence.TrailReader reader =
            new org.regmail.core.evidence.TrailReader(CHAIN.web3j(), CHAIN.rpcUrl());
        Instant until = Instant.now().plusSeconds(20);
        while (reader.read(deployment.master().getContractAddress(), registration, 0)
            .orElseThrow().events().stream().noneMatch(e -> "RelayAuthorised".equals(e.event())
                && relay.equalsIgnoreCase(e.account()))) {
            assertThat(Instant.now()).as("relay authorised within 20 s").isBefore(until);
            Thread.sleep(50);
        }
    }

    @Test
    void shouldRecordDeliveredAlteredWhenContentChangedInTransit() throws Exception {
        TestRegistrations.Created created = register(CHAIN.anvil().latestTimestamp() + 86_400);
        byte[] altered = TestRegistrations.MESSAGE.replace("Please", "Kindly")
            .getBytes(StandardCharsets.US_ASCII);

        List<ServerNode.Delivered> delivered = recipient.deliver(created.sealFor(RECIPIENT),
            altered, List.of("bob@recipient.example"), rcpt -> "bob/msg-2").delivered();
        publish(recipient);

        assertThat(delivered).extracting(ServerNode.Delivered::status)
            .containsExactly(Status.DELIVERED_ALTERED);
        assertThat(onChain(created.registration(), 0, Status.DELIVERED_ALTERED)).isTrue();
    }

    @Test
    void shouldRefuseSubmissionWhoseContentIsNotTheRegisteredOne() throws Exception {
        TestRegistrations.Created created = register(CHAIN.anvil().latestTimestamp() + 86_400);
        byte[] altered = TestRegistrations.MESSAGE.replace("Please", "Kindly")
            .getBytes(StandardCharsets.US_ASCII);

        RegistrationRefused refused = catchThrowableOfType(RegistrationRefused.class,
            () -> sender.acceptSubmission(created.sealFor(SENDER), altered,
                List.of("bob@recipient.example"), null));

        assertThat(refused.reason()).isEqualTo(RegistrationRefused.Reason.CONTENT_MISMATCH);
        assertThat(sender.store().countByState().values().stream().mapToLong(Long::longValue).sum())
            .as("nothing queued for garbage").isZero();
    }

    @Test
    void shouldExpireUndownloadedMailAfterDeadline() throws Exception {
        long deadline = CHAIN.anvil().latestTimestamp() + 3_600;
        TestRegistrations.Created created = register(deadline);
        recipient.deliver(created.sealFor(RECIPIENT), TestRegistrations.message(),
            List.of("bob@recipient.example"), rcpt -> "bob/msg-3");
        publish(recipient);

        assertThat(recipient.expireOverdue(Instant.ofEpochSecond(deadline - 1))).isZero();
        CHAIN.anvil().travel(Duration.ofHours(2));
        assertThat(recipient.expireOverdue(Instant.ofEpochSecond(deadline + 1))).isEqualTo(1);
        publish(recipient);

        assertThat(onChain(created.registration(), 0, Status.EXPIRED)).isTrue();
        assertThat(recipient.recordRecipientAction("bob/msg-3", Status.READ))
            .as("forgotten once expired").isFalse();
    }

    @Test
    void shouldRecordRejectedForUnknownMailbox() throws Exception {
        TestRegistrations.Created created = register(CHAIN.anvil().latestTimestamp() + 86_400);

        List<Integer> rejected = recipient.reject(created.sealFor(RECIPIENT),
            TestRegistrations.message(), List.of("bob@recipient.example"));
        publish(recipient);

        assertThat(rejected).containsExactly(0);
        assertThat(onChain(created.registration(), 0, Status.REJECTED)).isTrue();
    }

    @Test
    void shouldRecordDeliveredAndRejectedForOneMailInOneStoreTransaction() throws Exception {
        TestRegistrations.Created created = TestRegistrations.create(deployment, OWNER, SENDER,
            List.of("bob@recipient.example", "carol@recipient.example"),
            List.of(RECIPIENT.getAddress(), RECIPIENT.getAddress()), TestRegistrations.message(),
            CHAIN.anvil().latestTimestamp() + 86_400);
        H2ServerStore store = (H2ServerStore) recipient.store();
        long before = store.transactions();

        ServerNode.Delivery delivery = recipient.deliver(created.sealFor(RECIPIENT),
            TestRegistrations.message(), List.of("bob@recipient.example"),
            List.of("carol@recipient.example"), rcpt -> "pending:" + rcpt);

        assertThat(store.transactions() - before).as("records and disposition, one commit")
            .isEqualTo(1);
        assertThat(delivery.delivered()).containsExactly(
            new ServerNode.Delivered("bob@recipient.example", 0, Status.DELIVERED));
        assertThat(delivery.rejected()).containsExactly(
            new ServerNode.Delivered("carol@recipient.example", 1, Status.REJECTED));
        assertThat(store.disposition("pending:bob@recipient.example")).isPresent();
        assertThat(store.disposition("pending:carol@recipient.example")).isEmpty();

        recipient.rekey("pending:bob@recipient.example", "bob/msg-4");
        assertThat(recipient.recordRecipientAction("bob/msg-4", Status.READ)).isTrue();
        publish(recipient);

        assertThat(onChain(created.registration(), 0, Status.READ)).isTrue();
        assertThat(onChain(created.registration(), 1, Status.REJECTED)).isTrue();
    }

    @Test
    void shouldCarryRegistrationReferenceAsText() {
        RegistrationRef ref = new RegistrationRef("0x00000000000000000000000000000000000000AB",
            new byte[32], "0x00000000000000000000000000000000000000CD", List.of(0, 2));

        RegistrationRef decoded = RegistrationRef.decode(ref.encode());

        assertThat(decoded.registration()).isEqualTo("0x00000000000000000000000000000000000000ab");
        assertThat(decoded.indexes()).containsExactly(0, 2);
        assertThat(decoded.salt()).isEqualTo(new byte[32]);
    }
}
