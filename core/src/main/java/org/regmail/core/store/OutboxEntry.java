package org.regmail.core.store;

import java.time.Instant;

/**
 * A queued record and where it stands.
 *
 * @param id the store's identifier
 * @param request what to record
 * @param state where it stands
 * @param transactionHash the transaction carrying it, once sent
 * @param attempts how many transactions carried it
 * @param outcome why it was rejected, or how much it was reimbursed
 * @param queuedAt when it was queued
 */
public record OutboxEntry(long id, RecordRequest request, State state, String transactionHash,
                          int attempts, String outcome, Instant queuedAt) {
    /** The life of a queued record. */
    public enum State {
        /** Waiting for the next batch. */
        PENDING,
        /** In a signed transaction that was (or is about to be) broadcast. */
        SENT,
        /** On chain with the configured confirmations (or found already there). */
        CONFIRMED,
        /** Refused by the contracts for a reason retrying cannot change. */
        REJECTED
    }
}
