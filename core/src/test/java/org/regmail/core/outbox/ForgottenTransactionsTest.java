package org.regmail.core.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
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
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.http.HttpService;

/**
 * The node forgets transactions the server saw mined or sent: the trial chain is reset, the
 * Master deployed again at the same address and the server registered again, while the store
 * still holds a transaction whose nonce is above the account's new one. A revert to a snapshot
 * taken before the server's first transaction is the model of the reset. The outbox must
 * notice the gap, queue the forgotten records again and take its nonces from the node, so that
 * records land again; a record of a registration the new chain lacks is refused once.
 */
class ForgottenTransactionsTest {
    @RegisterExtension
    static final AnvilExtension CHAIN = AnvilExtension.shared();

    static final Credentials ADMIN = Anvil.devAccount(0);
    static final Credentials SERVER = Anvil.devAccount(1);
    static final Credentials OWNER = Anvil.devAccount(4);

    @TempDir
    Path dir;
    String beforeTheServer;
    String masterAddress;
    H2ServerStore store;
    RecordRequest lost;

    /**
     * On the old chain: one record landed (the account's nonce 1), a second one is sent at
     * nonce 2 and waits in the pool when the chain is reset.
     */
    @BeforeEach
    void recordOnTheOldChain() throws Exception {
        beforeTheServer = CHAIN.anvil().snapshot();
        DevDeployment deployment = DevDeployment.deploy(CHAIN.web3j(), ADMIN);
        masterAddress = deployment.master().getContractAddress();
        deployment.registerAndApprove(SERVER, "sender.example");
        RecordRequest landed = TestRegistrations.createForBob(deployment, OWNER, SERVER,
            CHAIN.anvil().latestTimestamp() + 3_600).submitted(OWNER);
        lost = TestRegistrations.createForBob(deployment, OWNER, SERVER,
            CHAIN.anvil().latestTimestamp() + 3_600).submitted(OWNER);
        store = H2ServerStore.open(dir.resolve("store"));
        try (ChainGateway gateway = ChainGateway.connect(settings(), SERVER)) {
            OutboxPublisher publisher = publisher(gateway);
            store.enqueue(landed);
            settle(publisher);
            assertThat(store.entry(landed.key()).orElseThrow().state())
                .isEqualTo(OutboxEntry.State.CONFIRMED);

            CHAIN.anvil().setAutomine(false);
            store.enqueue(lost);
            publisher.runOnce();
        }
        assertThat(store.unsettledTransactions()).singleElement()
            .extracting(SentTransaction::nonce).isEqualTo(java.math.BigInteger.TWO);
    }

    @AfterEach
    void closeStore() throws Exception {
        store.close();
        dropPool(); // a revert keeps the pool: the next test starts without this one's
        CHAIN.anvil().setAutomine(true);
        CHAIN.anvil().revert(beforeTheServer);
    }

    /** The chain is reset, the Master deployed again and the server registered again. */
    DevDeployment resetChain() throws Exception {
        CHAIN.anvil().revert(beforeTheServer);
        beforeTheServer = CHAIN.anvil().snapshot(); // a snapshot serves one revert
        CHAIN.anvil().setAutomine(true);
        DevDeployment deployment = DevDeployment.deploy(CHAIN.web3j(), ADMIN);
        assertThat(deployment.master().getContractAddress()).isEqualTo(masterAddress);
        deployment.registerAndApprove(SERVER, "sender.example");
        assertThat(minedNonce()).as("the server registered again").isOne();
        return deployment;
    }

    @Test
    void shouldRequeueForgottenRecordsAndLandNewOnesWhenTheChainIsResetWhileRunning()
        throws Exception {
        DevDeployment deployment;
        RecordRequest fresh;
        try (ChainGateway gateway = ChainGateway.connect(settings(), SERVER)) {
            OutboxPublisher publisher = publisher(gateway);
            publisher.runOnce(); // the old chain: the transaction waits in the pool

            deployment = resetChain();
            fresh = TestRegistrations.createForBob(deployment, OWNER, SERVER,
                CHAIN.anvil().latestTimestamp() + 3_600).submitted(OWNER);
            store.enqueue(fresh);
            settle(publisher);

            assertThat(store.entry(fresh.key()).orElseThrow().state())
                .as("a new record lands").isEqualTo(OutboxEntry.State.CONFIRMED);
            assertForgottenRecordRefusedOnce();
            long nonce = minedNonce();
            for (int cycle = 0; cycle < 10; cycle++) {
                publisher.runOnce();
                Thread.sleep(20);
            }
            assertThat(minedNonce()).as("nothing is sent again").isEqualTo(nonce);
        }
    }

    @Test
    void shouldRequeueRecordsOfTransactionsTheNodeDoesNotKnowWhenRestartedAfterAReset()
        throws Exception {
        // The server is stopped, the chain reset, and its new node has never seen the server's
        // transaction (nothing in its pool either).
        resetChain();
        dropPool();

        try (ChainGateway gateway = ChainGateway.connect(settings(), SERVER)) {
            OutboxPublisher restarted = publisher(gateway);
            settle(restarted);

            assertForgottenRecordRefusedOnce();
            assertThat(minedNonce()).as("one transaction carried the forgotten record")
                .isEqualTo(2);
            for (int cycle = 0; cycle < 10; cycle++) {
                restarted.runOnce();
                Thread.sleep(20);
            }
            assertThat(minedNonce()).as("nothing is sent again").isEqualTo(2);
        }
    }

    @Test
    void shouldNotBroadcastTheOldChainsTransactionsOnANewChainWhenRestarted() throws Exception {
        // A new node for the same chain id: another genesis block. The server's account has as
        // many transactions there as the store's unsettled nonce, so no gap shows.
        String oldTransaction = store.unsettledTransactions().get(0).hash();
        try (Anvil newChain = Anvil.start(List.of())) {
            DevDeployment deployment = DevDeployment.deploy(newChain.web3j(), ADMIN);
            assertThat(deployment.master().getContractAddress()).isEqualTo(masterAddress);
            deployment.registerAndApprove(SERVER, "sender.example");
            deployment.as(SERVER).approveServer(SERVER.getAddress()).sendAsync().exceptionally(
                refused -> null).get(); // refused on chain, but it takes the nonce
            assertThat(newChain.web3j().ethGetTransactionCount(SERVER.getAddress(),
                DefaultBlockParameterName.LATEST).send().getTransactionCount()).isEqualTo(2);
            // Fees of their own on the new chain: the records sent again at the same nonce with
            // the old fees would be the old transaction byte for byte, and carry its hash.
            newChain.setNextBlockBaseFee(java.math.BigInteger.valueOf(7_000_000_000L));
            newChain.mine();
            ChainSettings settings = ChainSettings.of(newChain.rpcUrl(), Anvil.CHAIN_ID,
                masterAddress);

            try (ChainGateway gateway = ChainGateway.connect(settings, SERVER)) {
                OutboxPublisher restarted = publisher(gateway);
                settle(restarted);
            }

            assertForgottenRecordRefusedOnce();
            assertThat(newChain.web3j().ethGetTransactionByHash(oldTransaction).send()
                .getTransaction()).as("the old chain's transaction is not sent to the new one")
                .isEmpty();
            assertThat(store.genesisHash()).contains(newChain.web3j().ethGetBlockByNumber(
                org.web3j.protocol.core.DefaultBlockParameter.valueOf(java.math.BigInteger.ZERO),
                false).send().getBlock().getHash());
        }
    }

    void assertForgottenRecordRefusedOnce() {
        OutboxEntry entry = store.entry(lost.key()).orElseThrow();
        assertThat(entry.state()).isEqualTo(OutboxEntry.State.REJECTED);
        assertThat(entry.outcome()).contains("NotGenuineRegistration");
        assertThat(store.unsettledTransactions()).isEmpty();
        assertThat(store.countByState().getOrDefault(OutboxEntry.State.PENDING, 0L)).isZero();
    }

    OutboxPublisher publisher(ChainGateway gateway) {
        return new OutboxPublisher(store, gateway, 50, Duration.ofMillis(50))
            .rebroadcastAfter(Duration.ZERO);
    }

    /** The Master gets the same address on the new chain: the configuration is unchanged. */
    ChainSettings settings() {
        return ChainSettings.of(CHAIN.rpcUrl(), Anvil.CHAIN_ID, masterAddress);
    }

    void settle(OutboxPublisher publisher) throws InterruptedException {
        publisher.runOnce();
        for (int cycle = 0; cycle < 100 && (!store.unsettledTransactions().isEmpty()
            || store.countByState().getOrDefault(OutboxEntry.State.PENDING, 0L) > 0); cycle++) {
            Thread.sleep(20);
            publisher.runOnce();
        }
    }

    static void dropPool() throws Exception {
        new Request<>("anvil_dropAllTransactions", List.of(), new HttpService(CHAIN.rpcUrl()),
            Anvil.GenericResponse.class).send();
    }

    static long minedNonce() throws Exception {
        return CHAIN.web3j().ethGetTransactionCount(SERVER.getAddress(),
            DefaultBlockParameterName.LATEST).send().getTransactionCount().longValueExact();
    }
}
