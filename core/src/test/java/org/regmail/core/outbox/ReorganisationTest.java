package org.regmail.core.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;

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
import org.regmail.core.registration.TestRegistrations;
import org.regmail.core.store.H2ServerStore;
import org.regmail.core.store.OutboxEntry;
import org.regmail.core.store.RecordRequest;
import org.web3j.crypto.Credentials;

/**
 * A chain reorganisation shorter than the configured confirmations (anvil reverted to a
 * snapshot taken before the record's block): the record is not reported final before it has
 * its confirmations, the transaction is broadcast again, and it lands once.
 */
class ReorganisationTest {
    @RegisterExtension
    static final AnvilExtension CHAIN = AnvilExtension.shared();

    static final Credentials SERVER = Anvil.devAccount(1);
    static final Credentials OWNER = Anvil.devAccount(4);

    @TempDir
    Path dir;

    @Test
    void shouldResendRecordDroppedByReorganisationAndReportItFinalOnlyWhenConfirmed()
        throws Exception {
        DevDeployment deployment = DevDeployment.deploy(CHAIN.web3j(), Anvil.devAccount(0));
        deployment.registerAndApprove(SERVER, "sender.example");
        TestRegistrations.Created created = TestRegistrations.createForBob(deployment, OWNER,
            SERVER, CHAIN.anvil().latestTimestamp() + 3_600);
        RecordRequest submitted = created.submitted(OWNER);
        ChainSettings settings = ChainSettings.of(CHAIN.rpcUrl(), Anvil.CHAIN_ID,
            deployment.master().getContractAddress()).withConfirmations(3);

        try (H2ServerStore store = H2ServerStore.open(dir.resolve("store"));
             ChainGateway gateway = ChainGateway.connect(settings, SERVER)) {
            OutboxPublisher publisher = new OutboxPublisher(store, gateway, 50,
                Duration.ofMillis(50)).rebroadcastAfter(Duration.ZERO);
            String beforeRecord = CHAIN.anvil().snapshot();
            store.enqueue(submitted);
            publisher.runOnce(); // sent and mined (automine), one confirmation of three
            Thread.sleep(100);
            publisher.runOnce();
            assertThat(onChain(created)).isTrue();
            assertThat(store.entry(submitted.key()).orElseThrow().state())
                .as("not final before its confirmations").isEqualTo(OutboxEntry.State.SENT);

            CHAIN.anvil().revert(beforeRecord); // the block holding the record is gone
            assertThat(onChain(created)).isFalse();
            for (int cycle = 0; cycle < 50
                && store.entry(submitted.key()).orElseThrow().state()
                    != OutboxEntry.State.CONFIRMED;
                 cycle++) {
                publisher.runOnce(); // broadcasts again; the blocks below confirm it
                CHAIN.anvil().mine();
                Thread.sleep(20);
            }

            assertThat(store.entry(submitted.key()).orElseThrow().state())
                .isEqualTo(OutboxEntry.State.CONFIRMED);
            assertThat(onChain(created)).isTrue();
            assertThat(store.ledger()).hasSize(1);
        }
    }

    static boolean onChain(TestRegistrations.Created created) throws Exception {
        return EmailRegistration.load(created.registration(), CHAIN.web3j(),
                new org.web3j.tx.ReadonlyTransactionManager(CHAIN.web3j(), OWNER.getAddress()),
                new org.web3j.tx.gas.DefaultGasProvider())
            .hasStatus(BigInteger.ZERO, Status.SUBMITTED.value()).send();
    }
}
