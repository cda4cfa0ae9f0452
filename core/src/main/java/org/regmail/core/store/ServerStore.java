package org.regmail.core.store;

import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A server's durable state: the outbox of records to put on chain, the disposition index
 * (stored message → registration and recipient) and the billing ledger.
 *
 * <p>Every write is durable when the method returns. The embedded default is
 * {@link H2ServerStore}; a clustered James can put a shared database behind this interface.
 */
public interface ServerStore extends AutoCloseable {

    // ---------------------------------------------------------------- outbox

    /**
     * Queues a record. Queuing the same record (same registration, recipient and status) again
     * is harmless and returns false.
     */
    boolean enqueue(RecordRequest request);

    /**
     * One mail's writes in one store transaction: queues the records (skipping those queued
     * before, as {@link #enqueue(RecordRequest)} does) and remembers the stored messages (as
     * {@link #remember(Disposition)} does). All or nothing: when a write fails, none is kept.
     * A mail with several records costs one commit instead of one per record.
     *
     * @return the records newly queued, in the order given
     */
    List<RecordRequest> enqueue(List<RecordRequest> requests, List<Disposition> dispositions);

    /**
     * Up to {@code limit} pending records due at {@code now}, in the protocol's order of
     * statuses (SUBMITTED before HANDED_OFF, DELIVERED before DOWNLOADED before READ…), oldest
     * first within a status, so that a batch never carries a record before the one it needs.
     */
    List<OutboxEntry> duePending(int limit, Instant now);

    /** Stores a signed transaction and marks its records SENT, before it is broadcast. */
    void markSent(List<Long> entryIds, SentTransaction transaction);

    /** Puts a replacement (same nonce, higher fees) in the place of a stuck transaction. */
    void replaceTransaction(String stuckHash, SentTransaction replacement);

    /** Transactions whose records are not settled yet. */
    List<SentTransaction> unsettledTransactions();

    /** The records a transaction carries. */
    List<OutboxEntry> entriesOf(String transactionHash);

    /** A record is on chain (or was already); {@code outcome} says how much it was paid. */
    void markConfirmed(long entryId, String outcome);

    /**
     * Many records are on chain (or were already), each with its outcome, in one store
     * transaction: settling a batch costs one commit, not one per record.
     */
    void markConfirmed(Map<Long, String> outcomeByEntryId);

    /** Puts one sent record back in the queue, due at {@code notBefore}. */
    void retryLater(long entryId, Instant notBefore, String why);

    /** The contracts refused a record for good; {@code reason} names the rule. */
    void markRejected(long entryId, String reason);

    /** Puts a transaction's records back in the queue (not before {@code notBefore}). */
    void requeue(String transactionHash, Instant notBefore, String why);

    /** Delays pending records (e.g. the whole batch was refused for now). */
    void delay(List<Long> entryIds, Instant notBefore, String why);

    /** Forgets a settled transaction. */
    void forgetTransaction(String transactionHash);

    /** How many records are in each state. */
    Map<OutboxEntry.State, Long> countByState();

    /** A record by its key ({@link RecordRequest#key()}). */
    Optional<OutboxEntry> entry(String key);

    /** Remembers that a recipient's escrow share ran dry, so no more records are queued for it. */
    void markEscrowExhausted(String registration, int recipientIndex);

    /**
     * Whether {@link #markEscrowExhausted} was called for the recipient. The mark never goes
     * away, so a store may answer from memory.
     */
    boolean isEscrowExhausted(String registration, int recipientIndex);

    // ---------------------------------------------------------------- chain identity

    /**
     * The hash of the genesis block of the chain this store's transactions were sent to, as
     * first seen; empty before the outbox first reached the node.
     */
    Optional<String> genesisHash();

    /** Notes the genesis block hash of the chain the outbox now sends to. */
    void rememberGenesisHash(String genesisHash);

    // ---------------------------------------------------------------- disposition index

    /** Remembers which registration and recipient a stored message belongs to. */
    void remember(Disposition disposition);

    Optional<Disposition> disposition(String messageKey);

    /** Messages whose registration deadline is before {@code unixSeconds}. */
    List<Disposition> dispositionsWithDeadlineBefore(long unixSeconds);

    /** Forgets a message (it reached a final status). */
    void forget(String messageKey);

    /**
     * Moves a remembered message to a new key (e.g. the mailbox gave it its own id), in one
     * store transaction.
     *
     * @return false when nothing is remembered under {@code oldKey}
     */
    boolean rekey(String oldKey, String newKey);

    /**
     * Remembers that the message first known as {@code pendingKey} is now {@code storedKey},
     * for a registration not checked yet (see {@link #defer}).
     */
    void alias(String pendingKey, String storedKey);

    Optional<String> aliasOf(String pendingKey);

    // ---------------------------------------------------------------- deferred checks

    /** Keeps a check for later, when the chain could not be asked. */
    void defer(DeferredCheck check);

    /** The oldest deferred checks. */
    List<DeferredCheck> deferredChecks(int limit);

    /** Whether a deferred check will remember a message under {@code messageKey}. */
    boolean isDeferred(String messageKey);

    /** Forgets a deferred check once done (or refused for good). */
    void forgetDeferred(long id);

    // ---------------------------------------------------------------- relay authorisations

    /** Keeps a relay authorisation to send; queuing it again is harmless. */
    void queueRelayAuthorisation(RelayAuthorisation authorisation);

    /** Relay authorisations not settled yet (sent or not), oldest first. */
    List<RelayAuthorisation> pendingRelayAuthorisations(int limit);

    /**
     * Notes the transaction signed for a relay authorisation, before it is broadcast (null:
     * none), so that after a crash its receipt is looked for instead of a second one paid.
     */
    void markRelayAuthorisationSent(String registration, String relay, String transactionHash);

    /** Forgets a relay authorisation once it has landed (or was refused for good). */
    void forgetRelayAuthorisation(String registration, String relay);

    // ---------------------------------------------------------------- billing ledger

    /** Adds a settled transaction to the ledger with the owners its records were paid by. */
    void addToLedger(LedgerEntry entry, Map<String, BigInteger> reimbursedByOwner);

    List<LedgerEntry> ledger();

    /** Wei reimbursed per registration owner (sender). */
    Map<String, BigInteger> reimbursedByOwner();

    @Override
    void close();
}
