package org.regmail.core.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.regmail.contracts.Status;
import org.regmail.contracts.devchain.Anvil;
import org.regmail.contracts.devchain.DevDeployment;
import org.regmail.contracts.generated.EmailRegistration;
import org.regmail.core.chain.ChainGateway;
import org.regmail.core.chain.ChainSettings;
import org.regmail.core.config.ServerConfig;
import org.regmail.core.keys.KeystoreCredentials;
import org.regmail.core.registration.TestRegistrations;
import org.regmail.core.store.H2ServerStore;
import org.regmail.core.store.OutboxEntry;
import org.web3j.crypto.Credentials;

/**
 * The chain node goes down while a registered mail arrives at the recipient's server and comes
 * back later (anvil restarted on the same port with its state file): the mail is delivered at
 * once, and every record lands after the recovery, none twice.
 */
class ChainOutageTest {
    static final Credentials SENDER = Anvil.devAccount(1);
    static final Credentials RECIPIENT = Anvil.devAccount(2);
    static final Credentials OWNER = Anvil.devAccount(4);

    @TempDir
    Path dir;
    Anvil anvil;
    ServerNode recipient;

    ServerNode sender;

    @AfterEach
    void stop() {
        if (sender != null) {
            sender.close();
        }
        if (recipient != null) {
            recipient.close();
        }
        if (anvil != null) {
            anvil.close();
        }
    }

    static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void shouldDeliverAtOnceAndRecordEverythingAfterTheNodeComesBack() throws Exception {
        int port = freePort();
        List<String> state = List.of("--state", dir.resolve("chain.json").toString());
        anvil = Anvil.startOnPort(port, state);
        DevDeployment deployment = DevDeployment.deploy(anvil.web3j(), Anvil.devAccount(0));
        deployment.registerAndApprove(SENDER, "sender.example");
        deployment.registerAndApprove(RECIPIENT, "recipient.example");
        TestRegistrations.Created created = TestRegistrations.create(deployment, OWNER, SENDER,
            List.of("bob@recipient.example"), List.of(RECIPIENT.getAddress()),
            TestRegistrations.message(), anvil.latestTimestamp() + 86_400);
        String master = deployment.master().getContractAddress();

        ChainSettings chain = ChainSettings.of(anvil.rpcUrl(), Anvil.CHAIN_ID, master);
        ServerConfig config = new ServerConfig(chain, "recipient.example", dir.resolve("k.json"),
            new KeystoreCredentials.PasswordVariable("UNUSED"), 50, Duration.ofMillis(100),
            dir.resolve("store"), Duration.ofSeconds(60));
        recipient = new ServerNode(config, RECIPIENT, ChainGateway.open(chain, RECIPIENT),
            H2ServerStore.open(dir.resolve("store")));

        anvil.close(); // the node goes down (and saves its state)
        anvil = null;

        ServerNode.Delivery delivery = recipient.deliver(created.sealFor(RECIPIENT),
            TestRegistrations.message(), List.of("bob@recipient.example"),
            rcpt -> "pending:bob@recipient.example/<contract-1@sender.example>");
        recipient.rekey("pending:bob@recipient.example/<contract-1@sender.example>", "mid:42");
        recipient.flushOutbox();

        assertThat(delivery.deferred()).isTrue();
        assertThat(recipient.runDeferredChecks()).as("chain still down").isZero();

        anvil = Anvil.startOnPort(port, state); // the node is back
        assertThat(recipient.runDeferredChecks()).isEqualTo(1);
        assertThat(recipient.recordRecipientAction("mid:42", Status.READ)).isTrue();
        for (int cycle = 0; cycle < 10
            && recipient.store().countByState().get(OutboxEntry.State.CONFIRMED) < 3; cycle++) {
            recipient.flushOutbox();
            Thread.sleep(50);
        }

        EmailRegistration registration = EmailRegistration.load(created.registration(),
            anvil.web3j(), new org.web3j.tx.ReadonlyTransactionManager(anvil.web3j(),
                OWNER.getAddress()), new org.web3j.tx.gas.DefaultGasProvider());
        for (Status status : List.of(Status.DELIVERED, Status.DOWNLOADED, Status.READ)) {
            assertThat(registration.hasStatus(BigInteger.ZERO, status.value()).send())
                .as(status.name()).isTrue();
        }
        assertThat(recipient.store().countByState())
            .containsEntry(OutboxEntry.State.CONFIRMED, 3L)
            .containsEntry(OutboxEntry.State.REJECTED, 0L);
        assertThat(recipient.store().deferredChecks(10)).isEmpty();
    }

    ServerNode node(Credentials account, String domain, ChainSettings chain) {
        ServerConfig config = new ServerConfig(chain, domain, dir.resolve("k.json"),
            new KeystoreCredentials.PasswordVariable("UNUSED"), 50, Duration.ofMillis(100),
            dir.resolve(domain), Duration.ofSeconds(60));
        return new ServerNode(config, account, ChainGateway.open(chain, account),
            H2ServerStore.open(dir.resolve(domain)));
    }

    static void publish(ServerNode node) throws InterruptedException {
        node.flushOutbox();
        for (int cycle = 0; cycle < 100 && !node.store().unsettledTransactions().isEmpty();
             cycle++) {
            Thread.sleep(10);
            node.flushOutbox();
        }
    }

    @Test
    void shouldSendOnAtOnceAndRecordSubmissionAndHandOffAfterTheNodeComesBack() throws Exception {
        int port = freePort();
        List<String> state = List.of("--state", dir.resolve("chain.json").toString());
        anvil = Anvil.startOnPort(port, state);
        DevDeployment deployment = DevDeployment.deploy(anvil.web3j(), Anvil.devAccount(0));
        deployment.registerAndApprove(SENDER, "sender.example");
        deployment.registerAndApprove(RECIPIENT, "recipient.example");
        List<String> bob = List.of("bob@recipient.example");
        long deadline = anvil.latestTimestamp() + 86_400;
        TestRegistrations.Created earlier = TestRegistrations.create(deployment, OWNER, SENDER,
            bob, List.of(RECIPIENT.getAddress()), TestRegistrations.message(), deadline);
        ChainSettings chain = ChainSettings.of(anvil.rpcUrl(), Anvil.CHAIN_ID,
            deployment.master().getContractAddress());
        sender = node(SENDER, "sender.example", chain);
        recipient = node(RECIPIENT, "recipient.example", chain);
        sender.acceptSubmission(earlier.sealFor(SENDER), TestRegistrations.message(), bob, null);
        // Created after the sender last read the chain: it cannot know it while the node is down.
        TestRegistrations.Created during = TestRegistrations.create(deployment, OWNER, SENDER,
            bob, List.of(RECIPIENT.getAddress()), TestRegistrations.message(), deadline);

        anvil.close(); // the node goes down
        anvil = null;
        ServerNode.Accepted accepted = sender.acceptSubmission(during.sealFor(SENDER),
            TestRegistrations.message(), bob, null);
        sender.recordHandedOffDeferred(accepted.deferred(), bob);
        ServerNode.Delivery delivery = recipient.deliver(
            accepted.hops().get(0).headerValue().orElseThrow(), TestRegistrations.message(), bob,
            rcpt -> "pending:bob/during");

        assertThat(accepted.isDeferred()).isTrue();
        assertThat(accepted.hops().get(0).headerValue()).as("sealed with the known key")
            .isPresent();
        assertThat(delivery.deferred()).isTrue();

        anvil = Anvil.startOnPort(port, state); // the node is back
        assertThat(sender.runDeferredChecks()).isEqualTo(2);
        assertThat(recipient.runDeferredChecks()).isEqualTo(1);
        publish(sender);
        publish(recipient);

        EmailRegistration registration = EmailRegistration.load(during.registration(),
            anvil.web3j(), new org.web3j.tx.ReadonlyTransactionManager(anvil.web3j(),
                OWNER.getAddress()), new org.web3j.tx.gas.DefaultGasProvider());
        for (Status status : List.of(Status.SUBMITTED, Status.HANDED_OFF, Status.DELIVERED)) {
            assertThat(registration.hasStatus(BigInteger.ZERO, status.value()).send())
                .as(status.name()).isTrue();
        }
    }
}
