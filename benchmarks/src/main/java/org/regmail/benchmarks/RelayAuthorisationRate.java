package org.regmail.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.regmail.contracts.devchain.Anvil;
import org.regmail.core.chain.ChainGateway;
import org.regmail.core.chain.ChainSettings;
import org.regmail.core.config.ServerConfig;
import org.regmail.core.keys.KeystoreCredentials;
import org.regmail.core.server.ServerNode;
import org.regmail.core.store.H2ServerStore;
import org.regmail.core.store.LedgerEntry;
import org.regmail.core.store.RelayAuthorisation;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * How fast the sender's server authorises a protocol-speaking relay for a burst of relayed
 * mail on a chain with a block time, two ways side by side on one chain: one authorisation at
 * a time, each waiting for its receipt before the next is sent (what the server did before),
 * and the server's own run ({@link ServerNode#runRelayAuthorisations()}), which sends a page
 * back to back and then waits for the receipts together. Each way gets its own registrations.
 *
 * <p>Arguments (key=value, optional): {@code mails} (40) per way, {@code block-time} seconds
 * (2). Run: {@code ./mvnw -q -pl benchmarks compile exec:exec@relay-authorisations}.
 */
public final class RelayAuthorisationRate {
    static final Credentials RELAY = Anvil.devAccount(3);

    private RelayAuthorisationRate() {
    }

    /** One way of authorising, as measured. */
    record Result(String way, int authorisations, double seconds, long blocks, long gas) {
        void print() {
            System.out.printf("| %s | %d | %.1f | %d | %.1f | %,d |%n", way, authorisations,
                seconds, blocks, authorisations / seconds * 60, gas / authorisations);
        }
    }

    public static void main(String[] args) throws Exception {
        BenchOptions options = BenchOptions.parse(args);
        int mails = options.integer("mails", 40);
        int blockTime = options.integer("block-time", 2);
        MachineFacts.print(System.out, "Relay authorisations on a chain with a block time");
        try (BenchChain chain = BenchChain.start()) {
            chain.deployment().registerAndApprove(RELAY, "relay.example");
            List<BenchChain.Mail> oneByOne = new ArrayList<>();
            List<BenchChain.Mail> paged = new ArrayList<>();
            for (int i = 0; i < mails; i++) {
                oneByOne.add(chain.create(1));
                paged.add(chain.create(1));
            }
            ChainSettings settings = ChainSettings.of(chain.anvil().rpcUrl(), Anvil.CHAIN_ID,
                chain.deployment().master().getContractAddress());
            chain.anvil().setAutomine(false);
            chain.anvil().setIntervalMining(blockTime);

            Result before = oneAtATime(chain, settings, oneByOne);
            Result after = asTheServerDoes(chain, settings, paged);

            System.out.printf("%d relayed mails per way, a block every %d s (anvil interval "
                + "mining), sender's server's account%n%n", mails, blockTime);
            System.out.println("| way | authorisations | seconds | blocks | per minute "
                + "| gas each |");
            System.out.println("|---|---:|---:|---:|---:|---:|");
            before.print();
            after.print();
            System.out.printf("%nspeed-up %.1fx; load average at the end %s%n",
                before.seconds() / after.seconds(), MachineFacts.loadAverage());
        }
    }

    private static Result oneAtATime(BenchChain chain, ChainSettings settings,
                                     List<BenchChain.Mail> mails) throws Exception {
        try (ChainGateway gateway = ChainGateway.connect(settings, BenchChain.SENDER_SERVER)) {
            long firstBlock = gateway.blockNumber();
            long start = System.nanoTime();
            long gas = 0;
            for (BenchChain.Mail mail : mails) {
                TransactionReceipt receipt = gateway.execute("authorising the relay",
                    gateway.master().authoriseRelay(mail.salt(), RELAY.getAddress()));
                gas += receipt.getGasUsed().longValueExact();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Result("one at a time, each waiting for its receipt (before)",
                mails.size(), seconds, gateway.blockNumber() - firstBlock, gas);
        }
    }

    private static Result asTheServerDoes(BenchChain chain, ChainSettings settings,
                                          List<BenchChain.Mail> mails) throws Exception {
        Path dir = Files.createTempDirectory("regmail-relay-authorisations");
        ServerConfig config = new ServerConfig(settings, "sender.example",
            dir.resolve("unused.json"), new KeystoreCredentials.PasswordVariable("UNUSED"), 50,
            Duration.ofSeconds(1), dir.resolve("store"), Duration.ofSeconds(60));
        try (ServerNode node = new ServerNode(config, BenchChain.SENDER_SERVER,
            ChainGateway.connect(settings, BenchChain.SENDER_SERVER),
            H2ServerStore.open(dir.resolve("store")))) {
            for (BenchChain.Mail mail : mails) {
                node.store().queueRelayAuthorisation(new RelayAuthorisation(mail.address(),
                    mail.salt(), BenchChain.OWNER.getAddress(), RELAY.getAddress()));
            }
            long firstBlock = node.gateway().blockNumber();
            long start = System.nanoTime();
            int settled = node.runRelayAuthorisations();
            double seconds = (System.nanoTime() - start) / 1e9;
            if (settled != mails.size()
                || !node.store().pendingRelayAuthorisations(mails.size()).isEmpty()) {
                throw new IllegalStateException(settled + " of " + mails.size() + " settled");
            }
            long gas = node.store().ledger().stream().mapToLong(LedgerEntry::gasUsed).sum();
            return new Result("the server's run: pages of 50 sent, then their receipts (now)",
                mails.size(), seconds, node.gateway().blockNumber() - firstBlock, gas);
        }
    }
}
