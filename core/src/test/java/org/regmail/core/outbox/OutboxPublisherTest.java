package org.regmail.core.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

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
import org.regmail.core.store.H2ServerStore;
import org.regmail.core.store.OutboxEntry;
import org.regmail.core.store.RecordRequest;
import org.regmail.core.store.SentTransaction;
import org.regmail.core.store.ServerStore;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.response.EthGetTransactionReceipt;
import org.web3j.protocol.http.HttpService;

class OutboxPublisherTest {
    @RegisterExtension
    static final AnvilExtension CHAIN = AnvilExtension.isolatingEachTest();

    static final Credentials SERVER = Anvil.devAccount(1);
    static final Credentials OWNER = Anvil.devAccount(4);
    static DevDeployment deployment;

    @TempDir
    Path dir;
    H2ServerStore store;
    ChainGateway gateway;

    @BeforeAll
    static void deploy() throws Exception {
        deployment = DevDeployment.deploy(CHAIN.web3j(), Anvil.devAccount(0));
        deployment.registerAndApprove(SERVER, "sender.example");
    }

    long nonceAtStart;

    @BeforeEach
    void open() throws Exception {
        nonceAtStart = minedNonce();
        store = H2ServerStore.open(dir.resolve("store"));
        gateway = ChainGateway.connect(settings(CHAIN.rpcUrl()), SERVER);
    }

    @AfterEach
    void close() {
        gateway.close();
        store.close();
    }

    static ChainSettings settings(String rpcUrl) {
        return ChainSettings.of(rpcUrl, Anvil.CHAIN_ID, deployment.master().getContractAddress());
    }

    /** A registration with {@code recipients} recipients; returns its CREATE2 salt and address. */
    record Mail(String address, byte[] salt) {
        RecordRequest submitted(int index) {
            return new RecordRequest(address, salt, index, Status.SUBMITTED, OWNER.getAddress());
        }
    }

    static Mail createMail(int recipients) throws Exception {
        byte[] localId = new byte[32];
        new SecureRandom().nextBytes(localId);
        List<byte[]> commitments = new ArrayList<>();
        List<String> servers = new ArrayList<>();
        for (int i = 0; i < recipients; i++) {
            commitments.add(new byte[32]);
            servers.add("0x0000000000000000000000000000000000000000");
        }
        deployment.as(OWNER).createRegistration(localId, SERVER.getAddress(),
            BigInteger.valueOf(CHAIN.anvil().latestTimestamp() + 3_600),
            BigInteger.valueOf(100_000_000_000L), new byte[32], commitments, servers,
            new BigInteger("10000000000000000")).send();
        return new Mail(deployment.master().registrationAddress(OWNER.getAddress(), localId).send(),
            deployment.master().registrationSalt(OWNER.getAddress(), localId).send());
    }

    static boolean onChain(Mail mail, int index, Status status) throws Exception {
        return EmailRegistration.load(mail.address(), CHAIN.web3j(),
                new org.web3j.tx.ReadonlyTransactionManager(CHAIN.web3j(), SERVER.getAddress()),
                new org.web3j.tx.gas.DefaultGasProvider())
            .hasStatus(BigInteger.valueOf(index), status.value()).send();
    }

    /** Runs publishing cycles until nothing is in flight (automine answers within ms). */
    void settle(OutboxPublisher publisher) throws InterruptedException {
        settle(publisher, store);
    }

    static void settle(OutboxPublisher publisher, org.regmail.core.store.ServerStore of)
        throws InterruptedException {
        publisher.runOnce();
        for (int cycle = 0; cycle < 100 && !of.unsettledTransactions().isEmpty(); cycle++) {
            Thread.sleep(10);
            publisher.runOnce();
        }
    }

    static long pendingNonce() throws Exception {
        return CHAIN.web3j().ethGetTransactionCount(SERVER.getAddress(),
            DefaultBlockParameterName.PENDING).send().getTransactionCount().longValueExact();
    }

    static long minedNonce() throws Exception {
        return CHAIN.web3j().ethGetTransactionCount(SERVER.getAddress(),
            DefaultBlockParameterName.LATEST).send().getTransactionCount().longValueExact();
    }

    @Test
    void shouldLandQueuedRecordsInOneBatch() throws Exception {
        Mail mail = createMail(3);
        for (int i = 0; i < 3; i++) {
            assertThat(store.enqueue(mail.submitted(i))).isTrue();
        }
        assertThat(store.enqueue(mail.submitted(0))).as("queued twice").isFalse();
        OutboxPublisher publisher = new OutboxPublisher(store, gateway, 50, Duration.ofMillis(50));

        settle(publisher);

        assertThat(store.countByState()).containsEntry(OutboxEntry.State.CONFIRMED, 3L)
            .containsEntry(OutboxEntry.State.PENDING, 0L).containsEntry(OutboxEntry.State.SENT, 0L);
        for (int i = 0; i < 3; i++) {
            assertThat(onChain(mail, i, Status.SUBMITTED)).isTrue();
        }
        assertThat(store.ledger()).singleElement().satisfies(entry -> {
            assertThat(entry.records()).isEqualTo(3);
            assertThat(entry.reimbursed()).isPositive();
        });
        assertThat(store.reimbursedByOwner()).containsKey(OWNER.getAddress().toLowerCase());
        assertThat(minedNonce()).isEqualTo(nonceAtStart + 1);
    }

    /**
     * Two two-recipient mails whose SUBMITTED and HANDED_OFF are queued together: the store
     * hands them out by status, the publisher sends them by registration and recipient, and the
     * server is reimbursed the gas it used (unsorted, the Master would not see the repeats and
     * would pay about 15,600 gas more, taken from the senders' escrows).
     */
    @Test
    void shouldSendBatchSortedSoThatRepeatsArePaidWhatTheyCost() throws Exception {
        OutboxPublisher publisher = new OutboxPublisher(store, gateway, 50, Duration.ofMillis(50));
        store.enqueue(createMail(1).submitted(0));
        settle(publisher); // the server's first record creates its credit slot, paid by nobody
        Mail first = createMail(2);
        Mail second = createMail(2);
        for (Mail mail : List.of(first, second)) {
            for (int i = 0; i < 2; i++) {
                store.enqueue(mail.submitted(i));
                store.enqueue(new RecordRequest(mail.address(), mail.salt(), i, Status.HANDED_OFF,
                    OWNER.getAddress()));
            }
        }

        settle(publisher);

        assertThat(store.countByState()).containsEntry(OutboxEntry.State.CONFIRMED, 9L);
        assertThat(store.ledger()).hasSize(2).last().satisfies(entry -> {
            assertThat(entry.records()).isEqualTo(8);
            long reimbursedGas = entry.reimbursed().divide(entry.gasPrice()).longValueExact();
            assertThat(reimbursedGas).isBetween(entry.gasUsed() - 1_000, entry.gasUsed() + 1_000);
        });
    }

    /**
     * The outbox's memory is bounded by the batch size and the transactions in flight, not by
     * the backlog: records wait in the store, and the publisher never reads more than a batch
     * of them (a burst of mail must not turn into a burst of heap).
     */
    @Test
    void shouldReadAtMostABatchFromTheStoreWhateverTheBacklog() throws Exception {
        int batch = 10;
        for (int m = 0; m < 5; m++) {
            Mail mail = createMail(100);
            for (int r = 0; r < 100; r++) {
                store.enqueue(mail.submitted(r));
            }
        }
        assertThat(store.countByState()).containsEntry(OutboxEntry.State.PENDING, 500L);
        LargestReads reads = new LargestReads(store);
        ServerStore watched = (ServerStore) Proxy.newProxyInstance(
            ServerStore.class.getClassLoader(), new Class<?>[] {ServerStore.class}, reads);
        OutboxPublisher publisher = new OutboxPublisher(watched, gateway, batch,
            Duration.ofMillis(20));

        long mostInFlight = 0;
        for (int cycle = 0;
             cycle < 300 && store.countByState().get(OutboxEntry.State.CONFIRMED) < 500;
             cycle++) {
            publisher.runOnce();
            mostInFlight = Math.max(mostInFlight,
                store.countByState().get(OutboxEntry.State.SENT));
            Thread.sleep(10);
        }

        assertThat(store.countByState()).containsEntry(OutboxEntry.State.CONFIRMED, 500L);
        assertThat(reads.largest).containsKeys("duePending", "entriesOf", "unsettledTransactions");
        assertThat(reads.largest.values()).as("largest answer of each read: %s", reads.largest)
            .allMatch(size -> size <= batch);
        assertThat(reads.largest.get("unsettledTransactions"))
            .isLessThanOrEqualTo(OutboxPublisher.MAX_IN_FLIGHT);
        assertThat(mostInFlight).isPositive()
            .isLessThanOrEqualTo((long) OutboxPublisher.MAX_IN_FLIGHT * batch);
    }

    /** Notes the largest collection each store method answered with. */
    static final class LargestReads implements InvocationHandler {
        final Map<String, Integer> largest = new ConcurrentHashMap<>();
        private final ServerStore target;

        LargestReads(ServerStore target) {
            this.target = target;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            Object answer;
            try {
                answer = method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            if (answer instanceof Collection<?> rows) {
                largest.merge(method.getName(), rows.size(), Math::max);
            } else if (answer instanceof Map<?, ?> rows) {
                largest.merge(method.getName(), rows.size(), Math::max);
            }
            return answer;
        }
    }

    @Test
    void shouldRejectRecordTheContractsRefuseAndKeepTheRest() throws Exception {
        Mail mail = createMail(1);
        store.enqueue(mail.submitted(0));
        store.enqueue(new RecordRequest(mail.address(), mail.salt(), 0, Status.DELIVERED,
            OWNER.getAddress())); // the sender's server may not record DELIVERED
        OutboxPublisher publisher = new OutboxPublisher(store, gateway, 50, Duration.ofMillis(50));

        settle(publisher);

        assertThat(store.entry(mail.submitted(0).key()).orElseThrow().state())
            .isEqualTo(OutboxEntry.State.CONFIRMED);
        OutboxEntry refused = store.entry(mail.address() + "/0/DELIVERED").orElseThrow();
        assertThat(refused.state()).isEqualTo(OutboxEntry.State.REJECTED);
        assertThat(refused.outcome()).isEqualTo("NotRecipientServer");
    }

    /**
     * What the start-up warning for an unapproved server promises: its records are refused by
     * the Master at estimation, wait in the outbox without a transaction paid, and land once a
     * directory admin approves it again.
     */
    @Test
    void shouldKeepRecordsQueuedWithoutPayingWhileTheServerIsNotApproved() throws Exception {
        Mail mail = createMail(1);
        deployment.master().revokeServer(SERVER.getAddress()).send();
        store.enqueue(mail.submitted(0));
        OutboxPublisher publisher = new OutboxPublisher(store, gateway, 50, Duration.ofMillis(50));

        publisher.runOnce();

        OutboxEntry waiting = store.entry(mail.submitted(0).key()).orElseThrow();
        assertThat(waiting.state()).isEqualTo(OutboxEntry.State.PENDING);
        assertThat(waiting.outcome()).contains("NotApprovedServer");
        assertThat(minedNonce()).as("no transaction paid").isEqualTo(nonceAtStart);

        deployment.master().approveServer(SERVER.getAddress()).send();
        store.delay(List.of(waiting.id()), java.time.Instant.now(), "approved again");
        settle(publisher);
        assertThat(store.entry(mail.submitted(0).key()).orElseThrow().state())
            .isEqualTo(OutboxEntry.State.CONFIRMED);
    }

    @Test
    void shouldRetryRecordRefusedForAnOrderALaterRecordFixes() throws Exception {
        Mail mail = createMail(1);
        RecordRequest handedOff = new RecordRequest(mail.address(), mail.salt(), 0,
            Status.HANDED_OFF, OWNER.getAddress());
        store.enqueue(handedOff);
        OutboxPublisher publisher = new OutboxPublisher(store, gateway, 50, Duration.ofMillis(50));
        settle(publisher);

        OutboxEntry refusedForNow = store.entry(handedOff.key()).orElseThrow();
        assertThat(refusedForNow.state()).isEqualTo(OutboxEntry.State.PENDING);
        assertThat(refusedForNow.outcome()).isEqualTo("StatusOutOfOrder");

        store.enqueue(mail.submitted(0));
        store.delay(List.of(refusedForNow.id()), java.time.Instant.now(), "due now");
        settle(publisher);

        assertThat(store.entry(handedOff.key()).orElseThrow().state())
            .isEqualTo(OutboxEntry.State.CONFIRMED);
        assertThat(onChain(mail, 0, Status.HANDED_OFF)).isTrue();
    }

    @Test
    void shouldKeepRetryingARecordRefusedForItsOrderForMoreThanAnHourOfThePreviousHopsDowntime() {
        Duration waited = Duration.ZERO;
        for (int attempts = 1; attempts < OutboxPublisher.ORDER_RETRIES; attempts++) {
            Duration delay = OutboxPublisher.orderRetryDelay(attempts);
            assertThat(delay).isLessThanOrEqualTo(OutboxPublisher.MAX_ORDER_RETRY_DELAY);
            waited = waited.plus(delay);
        }
        assertThat(OutboxPublisher.orderRetryDelay(1)).hasSeconds(5);
        assertThat(OutboxPublisher.orderRetryDelay(4)).hasSeconds(40);
        assertThat(OutboxPublisher.orderRetryDelay(40)).isEqualTo(Duration.ofMinutes(10));
        assertThat(waited).as("a sender's server down for an hour keeps its recipients' records")
            .isGreaterThanOrEqualTo(Duration.ofHours(1));
    }

    @Test
    void shouldNotRecordTwiceWhenKilledBetweenSendAndReceipt() throws Exception {
        Mail mail = createMail(2);
        store.enqueue(mail.submitted(0));
        store.enqueue(mail.submitted(1));
        new OutboxPublisher(store, gateway, 50, Duration.ofMillis(50))
            .runOnce(); // sent, not settled
        assertThat(store.countByState()).containsEntry(OutboxEntry.State.SENT, 2L);

        // The process dies here. A new process opens the same store with a new gateway.
        store.close();
        gateway.close();
        store = H2ServerStore.open(dir.resolve("store"));
        gateway = ChainGateway.connect(settings(CHAIN.rpcUrl()), SERVER);
        OutboxPublisher restarted = new OutboxPublisher(store, gateway, 50, Duration.ofMillis(50));
        settle(restarted);

        assertThat(store.countByState()).containsEntry(OutboxEntry.State.CONFIRMED, 2L);
        assertThat(minedNonce()).as("one transaction, not two").isEqualTo(nonceAtStart + 1);
        assertThat(store.ledger()).hasSize(1);
    }

    @Test
    void shouldWaitForTheReceiptOfAMinedTransactionWhoseNonceTheNodeCountsFirst()
        throws Exception {
        // A loaded node can count a mined transaction in the account's nonce before it serves
        // the transaction's receipt (anvil did, in the benchmarks). Taking the transaction for
        // dropped then would send its records again and pay for a transaction recording nothing.
        AtomicInteger hidden = new AtomicInteger();
        HttpService slowReceipts = new HttpService(CHAIN.rpcUrl()) {
            @Override
            public <T extends Response> T send(Request request, Class<T> responseType)
                throws IOException {
                T answer = super.send(request, responseType);
                if (hideReceipts && request.getMethod().equals("eth_getTransactionReceipt")) {
                    hidden.incrementAndGet();
                    ((EthGetTransactionReceipt) answer).setResult(null);
                }
                return answer;
            }
        };
        Mail mail = createMail(1);
        store.enqueue(mail.submitted(0));
        try (ChainGateway lagging = ChainGateway.open(settings(CHAIN.rpcUrl()), SERVER,
            slowReceipts)) {
            OutboxPublisher publisher = new OutboxPublisher(store, lagging, 50,
                Duration.ofMillis(50));
            hideReceipts = true;
            for (int cycle = 0; cycle < 3; cycle++) {
                publisher.runOnce();
            }
            assertThat(hidden.get()).as("the receipt was asked for and not served").isPositive();
            assertThat(minedNonce()).as("mined, and counted in the nonce")
                .isEqualTo(nonceAtStart + 1);
            assertThat(store.countByState()).as("still waiting for its receipt")
                .containsEntry(OutboxEntry.State.SENT, 1L);

            hideReceipts = false;
            settle(publisher);
        }

        assertThat(store.entry(mail.submitted(0).key()).orElseThrow().state())
            .isEqualTo(OutboxEntry.State.CONFIRMED);
        assertThat(minedNonce()).as("no second transaction for the same record")
            .isEqualTo(nonceAtStart + 1);
        assertThat(store.ledger()).hasSize(1);
    }

    volatile boolean hideReceipts;

    @Test
    void shouldBroadcastStoredTransactionAfterCrashBeforeBroadcast() throws Exception {
        Mail mail = createMail(1);
        store.enqueue(mail.submitted(0));
        OutboxEntry entry = store.duePending(10, java.time.Instant.now()).get(0);
        String data = org.web3j.abi.FunctionEncoder.encode(new org.web3j.abi.datatypes.Function(
            "recordBatch", List.of(new org.web3j.abi.datatypes.DynamicArray<>(
                org.regmail.contracts.generated.EmailRegistrationMaster.Record.class,
                List.of(new org.regmail.contracts.generated.EmailRegistrationMaster.Record(
                    mail.salt(), BigInteger.ZERO, Status.SUBMITTED.value())))), List.of()));
        ChainGateway.SignedTransaction signed =
            gateway.sign(deployment.master().getContractAddress(), data);
        store.markSent(List.of(entry.id()), new SentTransaction(signed.hash(), signed.nonce(),
            signed.raw(), java.time.Instant.now()));
        // ... and the process dies before broadcasting.

        OutboxPublisher restarted = new OutboxPublisher(store, gateway, 50, Duration.ofMillis(50));
        settle(restarted);

        assertThat(store.entry(mail.submitted(0).key()).orElseThrow().state())
            .isEqualTo(OutboxEntry.State.CONFIRMED);
        assertThat(CHAIN.web3j().ethGetTransactionReceipt(signed.hash()).send()
            .getTransactionReceipt()).isPresent();
    }

    @Test
    void shouldCountRecordAlreadyOnChainAsDoneWithoutPayingTwice() throws Exception {
        Mail mail = createMail(1);
        store.enqueue(mail.submitted(0));
        OutboxPublisher publisher = new OutboxPublisher(store, gateway, 50, Duration.ofMillis(50));
        settle(publisher);
        BigInteger credit = deployment.master().creditOf(SERVER.getAddress()).send();

        // A second store (e.g. restored from an old backup) queues the same record again.
        try (H2ServerStore stale = H2ServerStore.open(dir.resolve("stale"))) {
            stale.enqueue(mail.submitted(0));
            OutboxPublisher again = new OutboxPublisher(stale, gateway, 50, Duration.ofMillis(50));
            settle(again, stale);
            OutboxEntry entry = stale.entry(mail.submitted(0).key()).orElseThrow();
            assertThat(entry.state()).isEqualTo(OutboxEntry.State.CONFIRMED);
            assertThat(entry.outcome()).isEqualTo("already on chain");
        }
        assertThat(deployment.master().creditOf(SERVER.getAddress()).send()).isEqualTo(credit);
    }

    @Test
    void shouldLandEveryRecordExactlyOnceWhenQueuedFromEightThreads() throws Exception {
        List<Mail> mails = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            mails.add(createMail(10));
        }
        ExecutorService threads = Executors.newFixedThreadPool(8);
        AtomicInteger accepted = new AtomicInteger();
        List<Future<?>> work = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int offset = t;
            // Every thread queues every record of its share, plus its neighbour's share again.
            work.add(threads.submit(() -> {
                for (int m = 0; m < mails.size(); m++) {
                    if (m % 8 != offset && m % 8 != (offset + 1) % 8) {
                        continue;
                    }
                    for (int r = 0; r < 10; r++) {
                        if (store.enqueue(mails.get(m).submitted(r))) {
                            accepted.incrementAndGet();
                        }
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : work) {
            f.get();
        }
        threads.shutdown();
        assertThat(accepted.get()).isEqualTo(500);

        OutboxPublisher publisher = new OutboxPublisher(store, gateway, 100, Duration.ofMillis(20));
        for (int cycle = 0;
             cycle < 40 && store.countByState().get(OutboxEntry.State.CONFIRMED) < 500;
             cycle++) {
            publisher.runOnce();
        }

        Map<OutboxEntry.State, Long> counts = store.countByState();
        assertThat(counts).containsEntry(OutboxEntry.State.CONFIRMED, 500L)
            .containsEntry(OutboxEntry.State.REJECTED, 0L);
        for (Mail mail : mails) {
            for (int r = 0; r < 10; r++) {
                assertThat(onChain(mail, r, Status.SUBMITTED)).isTrue();
            }
        }
        assertThat(store.ledger()).hasSize(5);
        assertThat(store.ledger().stream().mapToInt(e -> e.records()).sum()).isEqualTo(500);
        assertThat(minedNonce()).as("no nonce gap, nothing stuck").isEqualTo(nonceAtStart + 5)
            .isEqualTo(pendingNonce());
    }
}
