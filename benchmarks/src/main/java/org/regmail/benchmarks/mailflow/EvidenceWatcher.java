package org.regmail.benchmarks.mailflow;

import java.io.IOException;
import java.math.BigInteger;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.regmail.contracts.Status;
import org.regmail.contracts.generated.EmailRegistration;
import org.web3j.abi.EventEncoder;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterNumber;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;

/**
 * Watches the chain for StatusRecorded events and notes, per (registration, recipient,
 * status), the {@link System#nanoTime()} at which its block was first seen. It asks for the
 * block number every {@code pollMillis}, so a "mined" time is late by at most that plus one
 * JSON-RPC round trip (on a local anvil, about a millisecond).
 */
final class EvidenceWatcher implements AutoCloseable {
    private static final String STATUS_RECORDED =
        EventEncoder.encode(EmailRegistration.STATUSRECORDED_EVENT);

    private final Web3j web3j;
    private final long pollMillis;
    private final Map<String, Long> minedAt = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long lastBlock;
    private volatile Exception failure;

    EvidenceWatcher(Web3j web3j, long pollMillis) throws IOException {
        this.web3j = web3j;
        this.pollMillis = pollMillis;
        this.lastBlock = web3j.ethBlockNumber().send().getBlockNumber().longValueExact();
        this.thread = new Thread(this::run, "bench-evidence-watcher");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    static String key(String registration, int index, Status status) {
        return registration.toLowerCase(Locale.ROOT) + "/" + index + "/" + status.name();
    }

    /** When the event was first seen, or null. */
    Long minedAt(String registration, int index, Status status) {
        return minedAt.get(key(registration, index, status));
    }

    private void run() {
        while (running) {
            try {
                long head = web3j.ethBlockNumber().send().getBlockNumber().longValueExact();
                long seen = System.nanoTime();
                if (head > lastBlock) {
                    collect(lastBlock + 1, head, seen);
                    lastBlock = head;
                }
                Thread.sleep(pollMillis);
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                failure = e;
                return;
            }
        }
    }

    private void collect(long from, long to, long seen) throws IOException {
        EthFilter filter = new EthFilter(new DefaultBlockParameterNumber(from),
            new DefaultBlockParameterNumber(to), List.of());
        filter.addSingleTopic(STATUS_RECORDED);
        EthLog answer = web3j.ethGetLogs(filter).send();
        if (answer.hasError()) {
            throw new IOException("eth_getLogs: " + answer.getError().getMessage());
        }
        for (EthLog.LogResult<?> result : answer.getLogs()) {
            Log log = (Log) result.get();
            int index = new BigInteger(log.getTopics().get(1).substring(2), 16).intValueExact();
            Status status = Status.of(new BigInteger(log.getTopics().get(2).substring(2), 16));
            minedAt.putIfAbsent(key(log.getAddress(), index, status), seen);
        }
    }

    /** Throws what stopped the watcher, if anything did. */
    void check() throws Exception {
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
