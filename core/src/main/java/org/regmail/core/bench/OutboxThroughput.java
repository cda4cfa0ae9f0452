package org.regmail.core.bench;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.regmail.contracts.Status;
import org.regmail.contracts.devchain.Anvil;
import org.regmail.contracts.devchain.DevDeployment;
import org.regmail.core.chain.ChainGateway;
import org.regmail.core.chain.ChainSettings;
import org.regmail.core.outbox.OutboxPublisher;
import org.regmail.core.store.H2ServerStore;
import org.regmail.core.store.OutboxEntry;
import org.regmail.core.store.RecordRequest;
import org.web3j.crypto.Credentials;

/**
 * Outbox throughput to a local anvil, in records per second from the first enqueue to the
 * last confirmation, with records batched and with one transaction per record, side by side in
 * one run on a fresh chain each. Prints numbers; asserts nothing.
 *
 * <p>Run: {@code ./mvnw -q -pl core exec:java
 * -Dexec.mainClass=org.regmail.core.bench.OutboxThroughput [-Dexec.args="600"]}.
 */
public final class OutboxThroughput {
    private static final Credentials SERVER = Anvil.devAccount(1);
    private static final Credentials OWNER = Anvil.devAccount(4);
    private static final int RECIPIENTS_PER_MAIL = 10;

    private OutboxThroughput() {
    }

    /** One measured configuration. */
    record Result(String mode, int records, int transactions, long millis, long gas) {
        double perSecond() {
            return records * 1000.0 / millis;
        }
    }

    public static void main(String[] args) throws Exception {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        List<Result> results = new ArrayList<>();
        results.add(run("batched, 100 per tx", records, 100));
        results.add(run("one tx per record", records, 1));
        System.out.printf("Outbox throughput, %d SUBMITTED records, anvil automine, %d cores%n%n",
            records, Runtime.getRuntime().availableProcessors());
        System.out.println("| mode | records | transactions | seconds | records/s | gas/record |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        for (Result r : results) {
            System.out.printf("| %s | %d | %d | %.2f | %.1f | %,d |%n", r.mode(), r.records(),
                r.transactions(), r.millis() / 1000.0, r.perSecond(), r.gas() / r.records());
        }
        System.exit(0);
    }

    private static Result run(String mode, int records, int batchSize) throws Exception {
        Path dir = Files.createTempDirectory("outbox-bench-");
        try (Anvil anvil = Anvil.start()) {
            DevDeployment deployment = DevDeployment.deploy(anvil.web3j(), Anvil.devAccount(0));
            deployment.registerAndApprove(SERVER, "sender.example");
            List<RecordRequest> requests = new ArrayList<>();
            SecureRandom random = new SecureRandom();
            long deadline = anvil.latestTimestamp() + 86_400;
            while (requests.size() < records) {
                byte[] localId = new byte[32];
                random.nextBytes(localId);
                List<byte[]> commitments = new ArrayList<>();
                List<String> servers = new ArrayList<>();
                for (int i = 0; i < RECIPIENTS_PER_MAIL; i++) {
                    commitments.add(new byte[32]);
                    servers.add("0x0000000000000000000000000000000000000000");
                }
                deployment.as(OWNER).createRegistration(localId, SERVER.getAddress(),
                    BigInteger.valueOf(deadline), BigInteger.valueOf(100_000_000_000L),
                    new byte[32], commitments, servers,
                    new BigInteger("100000000000000000")).send();
                String registration = deployment.master()
                    .registrationAddress(OWNER.getAddress(), localId).send();
                byte[] salt = deployment.master()
                    .registrationSalt(OWNER.getAddress(), localId).send();
                for (int i = 0; i < RECIPIENTS_PER_MAIL && requests.size() < records; i++) {
                    requests.add(new RecordRequest(registration, salt, i, Status.SUBMITTED,
                        OWNER.getAddress()));
                }
            }
            ChainSettings settings = ChainSettings.of(anvil.rpcUrl(), Anvil.CHAIN_ID,
                deployment.master().getContractAddress());
            try (H2ServerStore store = H2ServerStore.open(dir.resolve("store"));
                 ChainGateway gateway = ChainGateway.connect(settings, SERVER)) {
                OutboxPublisher publisher = new OutboxPublisher(store, gateway, batchSize,
                    Duration.ofMillis(10));
                long start = System.nanoTime();
                for (RecordRequest request : requests) {
                    store.enqueue(request);
                }
                while (store.countByState().get(OutboxEntry.State.CONFIRMED) < records) {
                    publisher.runOnce();
                }
                long millis = (System.nanoTime() - start) / 1_000_000;
                long gas = store.ledger().stream().mapToLong(e -> e.gasUsed()).sum();
                return new Result(mode, records, store.ledger().size(), millis, gas);
            }
        }
    }
}
