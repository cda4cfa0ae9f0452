package org.regmail.core.outbox;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.regmail.contracts.ContractErrors;
import org.regmail.contracts.Status;
import org.regmail.contracts.generated.EmailRegistration;
import org.regmail.contracts.generated.EmailRegistrationMaster;
import org.regmail.core.chain.ChainException;
import org.regmail.core.chain.ChainGateway;
import org.regmail.core.store.LedgerEntry;
import org.regmail.core.store.OutboxEntry;
import org.regmail.core.store.RecordRequest;
import org.regmail.core.store.SentTransaction;
import org.regmail.core.store.ServerStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.Function;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

/**
 * Puts a server's queued records on chain: every interval it takes up to a batch of pending
 * records from the {@link ServerStore}, signs one {@code recordBatch} transaction, stores it,
 * broadcasts it, and settles its records once the receipt has the configured confirmations.
 *
 * <p>Delivery is at least once and harmless when repeated. The signed transaction is stored
 * before it is broadcast, so after a crash it is broadcast again unchanged (same nonce, same
 * hash) rather than paid twice; a record that reaches the chain twice is refused there as
 * {@code StatusAlreadyRecorded}, which counts as done and is not paid. While the node is
 * unreachable the publisher backs off (up to {@link #MAX_BACKOFF}) and loses nothing.
 */
public final class OutboxPublisher implements AutoCloseable {
    /** Longest pause between attempts while the node is unreachable. */
    public static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    /** How long a transaction may stay pending before it is replaced with higher fees. */
    public static final Duration DEFAULT_REPLACE_AFTER = Duration.ofSeconds(60);
    /** More gas than any one record of a batch uses (about 19,000–50,000 measured). */
    private static final long GAS_PER_RECORD_CEILING = 60_000;
    /**
     * Records refused for an order that another server's record may still fix (the previous
     * hop's SUBMITTED or relay authorisation) get this many tries, spaced by
     * {@link #orderRetryDelay}: together a little over an hour, so that a previous hop down
     * for an hour, restarted, or publishing slowly does not cost this server its record. Each
     * refused try costs the gas of a failed record in a batch, so the tries are few and far
     * between once the first minutes have passed.
     */
    static final int ORDER_RETRIES = 13;
    /** The longest pause between two tries of a record refused for its order. */
    static final Duration MAX_ORDER_RETRY_DELAY = Duration.ofMinutes(10);
    /** Transactions sent and not yet settled at any time; their nonces follow each other. */
    static final int MAX_IN_FLIGHT = 4;
    /** How long a broadcast transaction may stay unseen before it is broadcast again. */
    public static final Duration DEFAULT_REBROADCAST_AFTER = Duration.ofSeconds(10);

    private static final Logger LOG = LoggerFactory.getLogger(OutboxPublisher.class);
    private static final String ALREADY_RECORDED = "StatusAlreadyRecorded";
    private static final java.util.Set<String> RETRYABLE =
        java.util.Set.of("StatusOutOfOrder", "NotAuthorisedRelay");

    private final ServerStore store;
    private final ChainGateway gateway;
    private final int batchSize;
    private final Duration interval;
    private final ScheduledExecutorService scheduler;
    private final Map<String, Instant> lastBroadcast = new HashMap<>();
    private final java.util.Set<String> stuckAtCap = new java.util.HashSet<>();
    /**
     * The earlier versions of a replaced transaction (same nonce, lower fees), by the hash of
     * the latest: one of them may be mined after all, in the moment between the check of its
     * receipt and the broadcast of its replacement, which the node then refuses.
     *
     * <p>Limitation: kept in memory only. A server restarted in that moment takes the mined
     * earlier version for dropped: its records are sent again (refused as already recorded, one
     * transaction's gas spent for nothing) and the ledger misses the mined one.
     */
    private final Map<String, List<SentTransaction>> earlierVersions = new HashMap<>();
    private Duration replaceAfter = DEFAULT_REPLACE_AFTER;
    private Duration rebroadcastAfter = DEFAULT_REBROADCAST_AFTER;
    private int consecutiveFailures;
    private Instant pausedUntil = Instant.EPOCH;
    private boolean recovered;
    /** The message of the latest cycle the chain refused, or null after a cycle that passed. */
    private String lastRefusal;

    public OutboxPublisher(ServerStore store, ChainGateway gateway, int batchSize,
                           Duration interval) {
        if (batchSize < 1 || batchSize > 200) {
            throw new IllegalArgumentException("batch size must be 1..200, was " + batchSize);
        }
        this.store = store;
        this.gateway = gateway;
        this.batchSize = batchSize;
        this.interval = interval;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "regmail-outbox");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Sets how long a transaction may stay pending before it is replaced with higher fees. */
    public OutboxPublisher replaceAfter(Duration pendingFor) {
        this.replaceAfter = pendingFor;
        return this;
    }

    /**
     * Sets how long a sent transaction may stay unseen by the node (dropped from its pool, or
     * taken out of the chain by a reorganisation) before it is broadcast again.
     */
    public OutboxPublisher rebroadcastAfter(Duration unseenFor) {
        this.rebroadcastAfter = unseenFor;
        return this;
    }

    /**
     * The pause before the next try of a record refused for its order after {@code attempts}
     * tries: 5 s, doubling, at most {@link #MAX_ORDER_RETRY_DELAY}.
     */
    static Duration orderRetryDelay(int attempts) {
        long seconds = 5L << Math.min(Math.max(attempts, 1) - 1, 16);
        return Duration.ofSeconds(Math.min(seconds, MAX_ORDER_RETRY_DELAY.toSeconds()));
    }

    /** Starts publishing in the background, every interval. */
    public void start() {
        scheduler.scheduleWithFixedDelay(this::runSafely, 0, interval.toMillis(),
            TimeUnit.MILLISECONDS);
    }

    private void runSafely() {
        try {
            runOnce();
        } catch (RuntimeException e) {
            // The store or an unexpected answer failed; the next cycle tries again.
            LOG.warn("outbox cycle failed, retrying in {} ms: {}", interval.toMillis(),
                e.toString());
        }
    }

    /**
     * One publishing cycle: settle what was sent, then send the next batch. Public so tests can
     * drive the publisher step by step.
     */
    public synchronized void runOnce() {
        if (Instant.now().isBefore(pausedUntil)) {
            return;
        }
        try {
            if (!recovered) {
                recover();
            }
            settleSent();
            int inFlight = store.unsettledTransactions().size();
            while (inFlight < MAX_IN_FLIGHT && sendNextBatch()) {
                inFlight++;
            }
            if (consecutiveFailures > 0) {
                LOG.info("Ethereum node at {} reachable again; outbox resumes",
                    gateway.settings().rpcUrl());
            }
            consecutiveFailures = 0;
            lastRefusal = null;
        } catch (ChainException e) {
            if (!e.isUnreachable()) {
                // A refusal that stays (a wrong Master in the configuration) is told once, not
                // every cycle; the records stay queued.
                if (!String.valueOf(e.getMessage()).equals(lastRefusal)) {
                    LOG.warn("outbox cycle refused by the chain, records stay queued: {}",
                        e.getMessage());
                    lastRefusal = e.getMessage();
                }
                return;
            }
            consecutiveFailures++;
            long backoff = Math.min(MAX_BACKOFF.toMillis(),
                interval.toMillis() << Math.min(consecutiveFailures, 10));
            pausedUntil = Instant.now().plusMillis(backoff);
            if (consecutiveFailures == 1) {
                LOG.warn("Ethereum node unreachable ({}); records stay queued, retrying with "
                    + "backoff up to {} s", e.getMessage(), MAX_BACKOFF.toSeconds());
            }
        }
    }

    /**
     * After a restart: notice a chain that forgot this store's transactions, broadcast every
     * other stored, unsettled transaction again, then resync nonces.
     */
    private void recover() throws ChainException {
        gateway.checkChain();
        List<SentTransaction> unsettled = byNonce(store.unsettledTransactions());
        Optional<String> genesis = gateway.genesisHash();
        Optional<String> firstSeen = store.genesisHash();
        if (firstSeen.isPresent() && genesis.isPresent() && !firstSeen.equals(genesis)) {
            forgetChain("the chain at " + gateway.settings().rpcUrl() + " starts from genesis "
                + "block " + genesis.get() + ", not " + firstSeen.get() + " as when this "
                + "server's store first saw it: it was reset or replaced", unsettled);
            unsettled = List.of();
        } else if (!unsettled.isEmpty() && gateway.receipt(unsettled.get(0).hash()).isEmpty()) {
            Optional<String> gap = gapBelow(unsettled.get(0));
            if (gap.isPresent()) {
                forgetChain(gap.get(), unsettled);
                unsettled = List.of();
            }
        }
        if (genesis.isPresent() && !firstSeen.equals(genesis)) {
            store.rememberGenesisHash(genesis.get());
        }
        for (SentTransaction sent : unsettled) {
            if (gateway.receipt(sent.hash()).isEmpty()) {
                gateway.broadcast(new ChainGateway.SignedTransaction(sent.nonce(), sent.hash(),
                    sent.raw()));
                lastBroadcast.put(sent.hash(), Instant.now());
            }
        }
        gateway.resyncNonce();
        recovered = true;
    }

    private void settleSent() throws ChainException {
        List<SentTransaction> unsettled = byNonce(store.unsettledTransactions());
        for (SentTransaction sent : unsettled) {
            Optional<TransactionReceipt> receipt = gateway.receipt(sent.hash());
            if (receipt.isEmpty()) {
                Optional<String> gap = sent == unsettled.get(0) ? gapBelow(sent)
                    : Optional.empty();
                if (gap.isPresent()) {
                    forgetChain(gap.get(), unsettled);
                    return;
                }
                handleMissingReceipt(sent);
            } else if (gateway.isConfirmed(receipt.get())) {
                settle(sent, receipt.get());
            }
        }
    }

    private static List<SentTransaction> byNonce(List<SentTransaction> transactions) {
        List<SentTransaction> sorted = new ArrayList<>(transactions);
        sorted.sort(Comparator.comparing(SentTransaction::nonce));
        return sorted;
    }

    /**
     * Why the node has forgotten transactions this server saw mined or sent, or empty when it
     * has not: the node expects of this account a nonce below that of the oldest unsettled
     * transaction (which has no receipt), a gap that nothing this server holds will fill. The
     * nonces below it were taken by transactions that were mined (settled here) or sent by this
     * server's other work, so the chain was reset, or reorganised deeper than the
     * confirmations. A transaction sent moments ago is given {@link #rebroadcastAfter} first:
     * one of a lower nonce (a relay authorisation) may still be on its way to the node.
     */
    private Optional<String> gapBelow(SentTransaction oldest) throws ChainException {
        if (Instant.now().isBefore(oldest.sentAt().plus(rebroadcastAfter))) {
            return Optional.empty();
        }
        BigInteger expected = gateway.pendingNonce();
        if (expected.compareTo(oldest.nonce()) >= 0) {
            return Optional.empty();
        }
        return Optional.of("the node at " + gateway.settings().rpcUrl() + " expects nonce "
            + expected + " of account " + gateway.address() + ", below nonce " + oldest.nonce()
            + " of the oldest unsettled outbox transaction " + oldest.hash() + ": the chain was "
            + "reset, or reorganised deeper than its confirmations");
    }

    /**
     * Gives up the unsettled transactions of a chain that forgot them: their records go back in
     * the queue and the next nonce is the node's again, so that new transactions land. Records
     * of registrations the chain no longer holds are then refused once by the contracts
     * ({@code NotGenuineRegistration}) and dropped; those it still holds land or count as
     * already recorded.
     *
     * <p>Limitation: a forgotten transaction the node still keeps in its pool, queued behind
     * the gap, is mined once new transactions fill the gap. Its records, sent again meanwhile,
     * are then refused as already recorded: its gas is spent once for nothing. A node offers
     * no standard way to withdraw it.
     */
    private void forgetChain(String what, List<SentTransaction> unsettled)
        throws ChainException {
        int records = 0;
        for (SentTransaction sent : unsettled) {
            records += store.entriesOf(sent.hash()).size();
            store.requeue(sent.hash(), Instant.now(),
                "the node forgot transaction " + sent.hash());
            forget(sent.hash());
        }
        gateway.resyncNonce();
        if (unsettled.isEmpty()) {
            LOG.warn("{}; no outbox transaction was in flight; new ones take their nonces from the"
                + " node", what);
            return;
        }
        BigInteger first = unsettled.get(0).nonce();
        String givenUp = unsettled.size() == 1
            ? "its unsettled outbox transaction (nonce " + first + ") is given up, its "
            : "its " + unsettled.size() + " unsettled outbox transactions (nonces " + first
                + " to " + unsettled.get(unsettled.size() - 1).nonce() + ") are given up, their ";
        LOG.warn("{}; the node has forgotten transactions this server saw mined or sent: {}{} "
            + "queued again and new transactions take their nonces from the node; records of "
            + "registrations the chain no longer holds are refused by the contracts once and "
            + "dropped", what, givenUp, count(records, "record"));
    }

    private void handleMissingReceipt(SentTransaction sent) throws ChainException {
        BigInteger mined;
        try {
            mined = gateway.web3j().ethGetTransactionCount(gateway.address(),
                DefaultBlockParameterName.LATEST).send().getTransactionCount();
        } catch (java.io.IOException e) {
            throw new ChainException("cannot reach the Ethereum node", e, true);
        }
        if (mined.compareTo(sent.nonce()) > 0 && gateway.receipt(sent.hash()).isEmpty()
            && !gateway.isKnown(sent.hash())) {
            // The nonce was used by another transaction and the node knows nothing of this one
            // (a node can count a mined nonce before it serves the receipt, so both are asked):
            // it was dropped or replaced. If the transaction it replaced was mined, that one
            // carried the records: settle it. Otherwise its records go back in the queue; on
            // chain they are idempotent.
            for (SentTransaction earlier : earlierVersions.getOrDefault(sent.hash(), List.of())) {
                if (gateway.receipt(earlier.hash()).isPresent()) {
                    store.replaceTransaction(sent.hash(), earlier);
                    forget(sent.hash());
                    LOG.info("outbox transaction {} was mined before its replacement {} reached "
                        + "the node; its receipt settles the records", earlier.hash(),
                        sent.hash());
                    return;
                }
            }
            store.requeue(sent.hash(), Instant.now(),
                "transaction " + sent.hash() + " was dropped");
            forget(sent.hash());
            LOG.warn("outbox transaction {} was dropped by the node; its records are queued again",
                sent.hash());
            return;
        }
        if (Instant.now().isAfter(sent.sentAt().plus(replaceAfter))) {
            Optional<ChainGateway.SignedTransaction> replacement = gateway.replaceWithHigherFees(
                new ChainGateway.SignedTransaction(sent.nonce(), sent.hash(), sent.raw()));
            if (replacement.isPresent()) {
                ChainGateway.SignedTransaction signed = replacement.get();
                store.replaceTransaction(sent.hash(), new SentTransaction(signed.hash(),
                    signed.nonce(), signed.raw(), Instant.now()));
                List<SentTransaction> versions =
                    new ArrayList<>(earlierVersions.getOrDefault(sent.hash(), List.of()));
                versions.add(sent);
                forget(sent.hash());
                earlierVersions.put(signed.hash(), versions);
                lastBroadcast.put(signed.hash(), Instant.now());
                gateway.broadcast(signed);
                LOG.warn("outbox transaction {} pending for more than {} s: replaced by {} with "
                    + "higher fees", sent.hash(), replaceAfter.toSeconds(), signed.hash());
                return;
            }
            if (stuckAtCap.add(sent.hash())) {
                LOG.warn("outbox transaction {} is pending and its fees are at the configured cap"
                    + " (chain.max-fee-gwei): it waits for the base fee to fall", sent.hash());
            }
        }
        Instant last = lastBroadcast.getOrDefault(sent.hash(), sent.sentAt());
        if (!Instant.now().isBefore(last.plus(rebroadcastAfter))) {
            gateway.broadcast(
                new ChainGateway.SignedTransaction(sent.nonce(), sent.hash(), sent.raw()));
            lastBroadcast.put(sent.hash(), Instant.now());
        }
    }

    /** A batch's order: by registration, then recipient, then status. */
    private static final Comparator<OutboxEntry> BATCH_ORDER = Comparator
        .comparing((OutboxEntry entry) -> entry.request().salt(), Arrays::compareUnsigned)
        .thenComparingInt(entry -> entry.request().recipientIndex())
        .thenComparing(entry -> entry.request().status().value());

    /** Sends one batch; false when there was nothing to send or the batch was refused. */
    private boolean sendNextBatch() throws ChainException {
        List<OutboxEntry> due = new ArrayList<>(store.duePending(batchSize, Instant.now()));
        if (due.isEmpty()) {
            return false;
        }
        // The Master pays a record that follows one of the same registration (and recipient)
        // less, as it costs less; the store's order by status stays within each recipient.
        due.sort(BATCH_ORDER);
        List<EmailRegistrationMaster.Record> records = new ArrayList<>();
        for (OutboxEntry entry : due) {
            RecordRequest r = entry.request();
            records.add(new EmailRegistrationMaster.Record(r.salt(),
                BigInteger.valueOf(r.recipientIndex()), r.status().value()));
        }
        String data = FunctionEncoder.encode(new Function(EmailRegistrationMaster.FUNC_RECORDBATCH,
            List.of(new DynamicArray<>(EmailRegistrationMaster.Record.class, records)), List.of()));
        List<Long> ids = due.stream().map(OutboxEntry::id).toList();
        ChainGateway.SignedTransaction signed;
        try {
            signed = gateway.sign(gateway.settings().masterAddress(), data,
                BigInteger.valueOf(GAS_PER_RECORD_CEILING * due.size() + 60_000));
        } catch (ChainException e) {
            if (e.isUnreachable()) {
                throw e;
            }
            // The whole batch is refused for now (e.g. this server's approval was revoked):
            // keep the records, try again later, say why.
            store.delay(ids, Instant.now().plus(MAX_BACKOFF), e.getMessage());
            LOG.warn("outbox batch of {} refused by the contracts, retrying in {} s: {}",
                count(ids.size(), "record"), MAX_BACKOFF.toSeconds(), e.getMessage());
            return false;
        }
        store.markSent(ids,
            new SentTransaction(signed.hash(), signed.nonce(), signed.raw(), Instant.now()));
        lastBroadcast.put(signed.hash(), Instant.now());
        gateway.broadcast(signed);
        LOG.debug("outbox sent {} in tx {}", count(ids.size(), "record"), signed.hash());
        return true;
    }

    private void settle(SentTransaction sent, TransactionReceipt receipt) {
        List<OutboxEntry> entries = store.entriesOf(sent.hash());
        if (!receipt.isStatusOK()) {
            store.requeue(sent.hash(), Instant.now().plus(MAX_BACKOFF),
                "transaction " + sent.hash() + " reverted");
            forget(sent.hash());
            LOG.warn("outbox transaction {} reverted as a whole ({}); its {} {} queued again",
                sent.hash(), gateway.explainFailure(receipt), count(entries.size(), "record"),
                entries.size() == 1 ? "is" : "are");
            return;
        }
        Map<String, BigInteger> recorded = new HashMap<>();
        for (EmailRegistration.StatusRecordedEventResponse event
            : EmailRegistration.getStatusRecordedEvents(receipt)) {
            if (event.server.equalsIgnoreCase(gateway.address())) {
                recorded.put(key(event.log.getAddress(), event.recipientIndex, event.status),
                    event.reimbursed);
            }
        }
        Map<String, String> rejected = new HashMap<>();
        for (EmailRegistrationMaster.RecordRejectedEventResponse event
            : EmailRegistrationMaster.getRecordRejectedEvents(receipt)) {
            String reason = ContractErrors.nameOf(Numeric.toHexString(event.reason))
                .orElse(Numeric.toHexString(event.reason));
            rejected.put(key(event.registration, event.recipientIndex, event.status), reason);
        }
        for (EmailRegistration.EscrowExhaustedEventResponse event
            : EmailRegistration.getEscrowExhaustedEvents(receipt)) {
            store.markEscrowExhausted(event.log.getAddress(), event.recipientIndex.intValueExact());
            LOG.warn("registered mail {} escrow share of recipient {} is used up: its later "
                + "records will not be reimbursed, and this server stops recording for it",
                event.log.getAddress(), event.recipientIndex);
        }

        BigInteger reimbursed = BigInteger.ZERO;
        // One store commit for the whole batch: per-record commits were the outbox's main
        // cost in the profile of BENCHMARKS.md (about 1 ms each with H2's WRITE_DELAY=0).
        Map<Long, String> confirmed = new LinkedHashMap<>();
        Map<String, BigInteger> byOwner = new HashMap<>();
        int landed = 0;
        for (OutboxEntry entry : entries) {
            RecordRequest r = entry.request();
            String key = key(r.registration(), BigInteger.valueOf(r.recipientIndex()),
                r.status().value());
            BigInteger paid = recorded.get(key);
            String reason = rejected.get(key);
            if (paid != null) {
                confirmed.put(entry.id(), "reimbursed " + paid + " wei");
                reimbursed = reimbursed.add(paid);
                if (r.owner() != null) {
                    byOwner.merge(r.owner(), paid, BigInteger::add);
                }
                landed++;
                LOG.info("registered mail {} recorded {} for recipient {} in tx {} (block {}), "
                    + "reimbursed {} wei", r.registration(), r.status(), r.recipientIndex(),
                    sent.hash(), receipt.getBlockNumber(), paid);
            } else if (ALREADY_RECORDED.equals(reason)) {
                confirmed.put(entry.id(), "already on chain");
                LOG.info("registered mail {} already had {} for recipient {} on chain",
                    r.registration(), r.status(), r.recipientIndex());
            } else if (reason != null && RETRYABLE.contains(reason)
                && entry.attempts() < ORDER_RETRIES) {
                // Another record it depends on (this server's own, or the previous hop's relay
                // authorisation) has not landed yet: try again a little later.
                store.retryLater(entry.id(),
                    Instant.now().plus(orderRetryDelay(entry.attempts())), reason);
                LOG.info("registered mail {}: {} for recipient {} refused for now ({}); retry {}"
                    + " of {}", r.registration(), r.status(), r.recipientIndex(), reason,
                    entry.attempts(), ORDER_RETRIES);
            } else if (reason != null) {
                store.markRejected(entry.id(), reason);
                LOG.warn("registered mail {}: the contracts refused {} for recipient {} ({}); "
                    + "the record is dropped",
                    r.registration(), r.status(), r.recipientIndex(), reason);
            } else {
                store.markRejected(entry.id(), "no trace of the record in tx " + sent.hash());
                LOG.warn("registered mail {}: tx {} shows neither {} for recipient {} "
                    + "nor a refusal",
                    r.registration(), sent.hash(), r.status(), r.recipientIndex());
            }
        }
        BigInteger price = Numeric.decodeQuantity(receipt.getEffectiveGasPrice());
        LedgerEntry ledger = new LedgerEntry(sent.hash(), receipt.getBlockNumber().longValueExact(),
            receipt.getGasUsed().longValueExact(), price, landed, reimbursed, Instant.now());
        store.markConfirmed(confirmed);
        store.addToLedger(ledger, byOwner);
        store.forgetTransaction(sent.hash());
        forget(sent.hash());
        LOG.info("outbox tx {} settled: {} landed, gas {} at {} wei costs {} wei, "
            + "reimbursed {} wei", sent.hash(), count(landed, "record"), receipt.getGasUsed(),
            price, ledger.cost(), reimbursed);
    }

    /** Drops what this publisher keeps in memory about a transaction it no longer watches. */
    private void forget(String transactionHash) {
        lastBroadcast.remove(transactionHash);
        stuckAtCap.remove(transactionHash);
        earlierVersions.remove(transactionHash);
    }

    /** Transactions noted as pending with their fees at the cap (tests). */
    int transactionsWaitingAtFeeCap() {
        return stuckAtCap.size();
    }

    private static String key(String registration, BigInteger recipientIndex, BigInteger status) {
        return registration.toLowerCase() + "/" + recipientIndex + "/" + Status.of(status).name();
    }

    @Override
    public void close() {
        scheduler.shutdown();
        try {
            if (!scheduler.awaitTermination(10, TimeUnit.SECONDS)) {
                scheduler.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            scheduler.shutdownNow();
        }
    }

    /** "1 record", "3 records". */
    private static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
