package org.regmail.core.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.regmail.contracts.devchain.Anvil;
import org.regmail.contracts.devchain.DevDeployment;
import org.regmail.contracts.testing.AnvilExtension;
import org.regmail.core.chain.ChainGateway;
import org.regmail.core.chain.ChainSettings;
import org.regmail.core.registration.TestRegistrations;
import org.regmail.core.store.H2ServerStore;
import org.regmail.core.store.OutboxEntry;
import org.regmail.core.store.RecordRequest;
import org.regmail.core.store.SentTransaction;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.TransactionDecoder;
import org.web3j.crypto.transaction.type.Transaction1559;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.http.HttpService;

/**
 * A transaction stuck in the pool because the base fee rose above its max fee is replaced with
 * higher fees, within the cap, and its record lands once. On a chain of its own: a raised base
 * fee and a pooled transaction survive anvil's snapshot revert.
 */
class StuckTransactionTest {
    @RegisterExtension
    static final AnvilExtension CHAIN = AnvilExtension.shared();

    static final Credentials SERVER = Anvil.devAccount(1);
    static final Credentials OWNER = Anvil.devAccount(4);
    static final BigInteger BASE_FEE = BigInteger.valueOf(30_000_000_000L);
    static final BigInteger ONE_GWEI = BigInteger.valueOf(1_000_000_000L);

    @TempDir
    Path dir;

    @Test
    void shouldReplaceTransactionStuckInThePoolWithHigherFeesWithinTheCap() throws Exception {
        Setup setup = deployWithOneRecord();
        RecordRequest submitted = setup.submitted();
        ChainSettings settings = setup.settings();
        long nonceBefore = minedNonce();

        try (H2ServerStore store = H2ServerStore.open(dir.resolve("store"));
             ChainGateway gateway = ChainGateway.connect(settings, SERVER)) {
            store.enqueue(submitted);
            // The next block asks far more than the fees computed from the latest one.
            CHAIN.anvil().setNextBlockBaseFee(BASE_FEE);
            OutboxPublisher publisher = new OutboxPublisher(store, gateway, 50,
                Duration.ofMillis(50)).replaceAfter(Duration.ZERO);

            publisher.runOnce();
            SentTransaction first = store.unsettledTransactions().get(0);
            String stuck = first.hash();
            BigInteger stuckMaxFee = ((Transaction1559) TransactionDecoder.decode(first.raw())
                .getTransaction()).getMaxFeePerGas();
            assertThat(stuckMaxFee).as("the first transaction cannot pay the raised base fee")
                .isLessThan(BASE_FEE);
            for (int cycle = 0; cycle < 60
                && store.countByState().get(OutboxEntry.State.CONFIRMED) < 1; cycle++) {
                publisher.runOnce();
            }

            assertThat(store.entry(submitted.key()).orElseThrow().state())
                .isEqualTo(OutboxEntry.State.CONFIRMED);
            assertThat(store.ledger()).singleElement().satisfies(entry -> {
                assertThat(entry.transactionHash()).isNotEqualTo(stuck);
                // Not >= BASE_FEE: anvil may mine an empty block at the raised base fee, and the
                // replacement then lands in a later block whose base fee fell by up to 12.5 %.
                assertThat(entry.gasPrice()).isGreaterThan(stuckMaxFee)
                    .isLessThanOrEqualTo(ChainSettings.DEFAULT_MAX_FEE_PER_GAS);
            });
            assertThat(minedNonce()).as("one transaction landed").isEqualTo(nonceBefore + 1);
        }
    }

    /**
     * A pending transaction is mined in the moment between the check of its receipt and the
     * broadcast of its replacement, which the node then refuses as using a spent nonce: the
     * mined one settles the records, and they are not sent a second time. (Blocks are mined by
     * hand here: the first transaction waits in the pool, and the node mines it just before
     * the replacement arrives.)
     */
    @Test
    void shouldSettleAPendingTransactionMinedJustBeforeItsReplacementReachedTheNode()
        throws Exception {
        CHAIN.anvil().setNextBlockBaseFee(ONE_GWEI); // whatever another test left on the chain
        Setup setup = deployWithOneRecord();
        RecordRequest submitted = setup.submitted();
        ChainSettings settings = setup.settings();
        long nonceBefore = minedNonce();
        AtomicInteger broadcasts = new AtomicInteger();
        HttpService minesBeforeTheReplacement = new HttpService(CHAIN.rpcUrl()) {
            @Override
            public <T extends Response> T send(Request request, Class<T> responseType)
                throws IOException {
                if (request.getMethod().equals("eth_sendRawTransaction")
                    && broadcasts.incrementAndGet() == 2) {
                    CHAIN.anvil().mine();
                }
                return super.send(request, responseType);
            }
        };

        CHAIN.anvil().setAutomine(false);
        try (H2ServerStore store = H2ServerStore.open(dir.resolve("store"));
             ChainGateway gateway = ChainGateway.open(settings, SERVER,
                 minesBeforeTheReplacement)) {
            store.enqueue(submitted);
            OutboxPublisher publisher = new OutboxPublisher(store, gateway, 50,
                Duration.ofMillis(50)).replaceAfter(Duration.ZERO);
            publisher.runOnce();
            String pending = store.unsettledTransactions().get(0).hash();
            for (int cycle = 0; cycle < 10
                && store.countByState().get(OutboxEntry.State.CONFIRMED) < 1; cycle++) {
                publisher.runOnce();
            }
            CHAIN.anvil().mine(); // whatever was sent again lands now
            for (int cycle = 0; cycle < 10 && !store.unsettledTransactions().isEmpty(); cycle++) {
                publisher.runOnce();
            }

            assertThat(broadcasts.get()).as("the replacement was broadcast").isGreaterThan(1);
            assertThat(store.entry(submitted.key()).orElseThrow().state())
                .isEqualTo(OutboxEntry.State.CONFIRMED);
            assertThat(store.ledger()).singleElement()
                .satisfies(entry -> assertThat(entry.transactionHash()).isEqualTo(pending));
            assertThat(minedNonce()).as("no second transaction").isEqualTo(nonceBefore + 1);
        } finally {
            CHAIN.anvil().setAutomine(true);
        }
    }

    /**
     * A transaction left pending with its fees at the cap is watched until it lands, then
     * forgotten: what the publisher keeps in memory per transaction must not outlive it.
     */
    @Test
    void shouldForgetTransactionWaitingAtTheFeeCapOnceItLands() throws Exception {
        CHAIN.anvil().setNextBlockBaseFee(ONE_GWEI); // whatever another test left on the chain
        Setup setup = deployWithOneRecord();
        RecordRequest submitted = setup.submitted();
        BigInteger cap = BASE_FEE.shiftRight(1);
        ChainSettings capped = new ChainSettings(CHAIN.rpcUrl(), Anvil.CHAIN_ID,
            setup.master(), cap,
            ChainSettings.DEFAULT_PRIORITY_FEE_PER_GAS, Duration.ofMillis(10), 1);

        try (H2ServerStore store = H2ServerStore.open(dir.resolve("store"));
             ChainGateway gateway = ChainGateway.connect(capped, SERVER)) {
            store.enqueue(submitted);
            CHAIN.anvil().setNextBlockBaseFee(BASE_FEE);
            OutboxPublisher publisher = new OutboxPublisher(store, gateway, 50,
                Duration.ofMillis(50)).replaceAfter(Duration.ZERO).rebroadcastAfter(Duration.ZERO);
            for (int cycle = 0; cycle < 20 && publisher.transactionsWaitingAtFeeCap() == 0;
                 cycle++) {
                publisher.runOnce();
            }
            assertThat(publisher.transactionsWaitingAtFeeCap()).as("stuck at the cap").isOne();

            // The base fee falls below the cap: the waiting transaction lands.
            CHAIN.anvil().setNextBlockBaseFee(ONE_GWEI);
            CHAIN.anvil().mine();
            for (int cycle = 0; cycle < 40
                && store.countByState().get(OutboxEntry.State.CONFIRMED) < 1; cycle++) {
                publisher.runOnce();
                Thread.sleep(50);
            }

            assertThat(store.entry(submitted.key()).orElseThrow().state())
                .isEqualTo(OutboxEntry.State.CONFIRMED);
            assertThat(publisher.transactionsWaitingAtFeeCap()).isZero();
        }
    }

    /** A fresh deployment with the server approved, and SUBMITTED of a new registration. */
    record Setup(String master, RecordRequest submitted) {
        ChainSettings settings() {
            return ChainSettings.of(CHAIN.rpcUrl(), Anvil.CHAIN_ID, master);
        }
    }

    static Setup deployWithOneRecord() throws Exception {
        DevDeployment deployment = DevDeployment.deploy(CHAIN.web3j(), Anvil.devAccount(0));
        deployment.registerAndApprove(SERVER, "sender.example");
        TestRegistrations.Created created = TestRegistrations.createForBob(deployment, OWNER,
            SERVER, CHAIN.anvil().latestTimestamp() + 3_600);
        return new Setup(deployment.master().getContractAddress(), created.submitted(OWNER));
    }

    static long minedNonce() throws Exception {
        return CHAIN.web3j().ethGetTransactionCount(SERVER.getAddress(),
            DefaultBlockParameterName.LATEST).send().getTransactionCount().longValueExact();
    }
}
