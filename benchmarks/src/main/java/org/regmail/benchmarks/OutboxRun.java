package org.regmail.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.regmail.contracts.Status;
import org.regmail.contracts.devchain.Anvil;
import org.regmail.core.chain.ChainGateway;
import org.regmail.core.chain.ChainSettings;
import org.regmail.core.outbox.OutboxPublisher;
import org.regmail.core.store.H2ServerStore;
import org.regmail.core.store.OutboxEntry;
import org.regmail.core.store.RecordRequest;

/**
 * Puts records on chain through the sender server's real outbox (its H2 store and publisher),
 * driven in a tight loop, and measures records per second from the first enqueue to the last
 * confirmation, and gas per record landed from the blocks mined meanwhile.
 */
final class OutboxRun {
    private OutboxRun() {
    }

    /** One measured outbox run. */
    /**
     * What the sender server's account did on chain during the run, read from the blocks (not
     * from the server's own ledger, so that a transaction the outbox lost track of still
     * counts).
     *
     * @param landed StatusRecorded events for this server
     * @param transactions the server's transactions mined during the run
     * @param emptyTransactions those in which no record landed (every record refused, e.g. as
     *     already on chain)
     * @param gas gas used by all of them
     */
    record Result(int records, int landed, int transactions, int emptyTransactions,
                  double seconds, long gas) {
        double recordsPerSecond() {
            return records / seconds;
        }

        double gasPerRecord() {
            return (double) gas / landed;
        }
    }

    private static Result onChain(BenchChain chain, long from, long to, double seconds,
                                  int records) throws Exception {
        BenchChain.Tally tally = chain.tally(BenchChain.SENDER_SERVER.getAddress(), from, to);
        if (tally.landed() != records) {
            throw new IllegalStateException(tally.landed() + " of " + records
                + " records landed");
        }
        return new Result(records, tally.landed(), tally.transactions(),
            tally.emptyTransactions(), seconds, tally.gas());
    }

    /** SUBMITTED for every recipient of every mail, published {@code batchSize} per tx. */
    static Result submitted(BenchChain chain, List<BenchChain.Mail> mails, int batchSize)
        throws Exception {
        List<RecordRequest> requests = new ArrayList<>();
        for (BenchChain.Mail mail : mails) {
            for (int i = 0; i < mail.recipients(); i++) {
                requests.add(new RecordRequest(mail.address(), mail.salt(), i, Status.SUBMITTED,
                    BenchChain.OWNER.getAddress()));
            }
        }
        Path dir = Files.createTempDirectory("regmail-outbox-run-");
        ChainSettings settings = ChainSettings.of(chain.anvil().rpcUrl(), Anvil.CHAIN_ID,
            chain.deployment().master().getContractAddress());
        try (H2ServerStore store = H2ServerStore.open(dir.resolve("store"));
             ChainGateway gateway = ChainGateway.connect(settings, BenchChain.SENDER_SERVER)) {
            OutboxPublisher publisher = new OutboxPublisher(store, gateway, batchSize,
                Duration.ofMillis(10));
            long firstBlock = gateway.blockNumber() + 1;
            long start = System.nanoTime();
            for (RecordRequest request : requests) {
                store.enqueue(request);
            }
            long deadline = start + Duration.ofMinutes(10).toNanos();
            while (store.countByState().getOrDefault(OutboxEntry.State.CONFIRMED, 0L)
                + store.countByState().getOrDefault(OutboxEntry.State.REJECTED, 0L)
                < requests.size()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("outbox did not confirm " + requests.size()
                        + " records within 10 minutes: " + store.countByState());
                }
                publisher.runOnce();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return onChain(chain, firstBlock, gateway.blockNumber(), seconds,
                requests.size());
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
