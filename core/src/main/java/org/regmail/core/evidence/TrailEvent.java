package org.regmail.core.evidence;

import java.math.BigInteger;
import java.util.Objects;

import org.regmail.contracts.Status;

/**
 * One event of a registration's trail, where the chain holds it: which contract emitted it,
 * in which block (number, hash, time), transaction and log position, and what it says.
 * Fields an event does not carry are null.
 *
 * @param event the Solidity event's name: {@code RegistrationCreated}, {@code StatusRecorded},
 *     {@code RelayAuthorised}, {@code EscrowExhausted}, {@code EscrowToppedUp},
 *     {@code RecordRejected} or {@code EscrowWithdrawn}
 * @param contract the emitting contract (the Master or the registration), lower case
 * @param blockNumber the block holding the transaction
 * @param blockHash that block's hash
 * @param timestamp that block's time, unix seconds
 * @param transactionHash the transaction
 * @param logIndex the log's index within its block
 * @param recipientIndex the recipient concerned
 * @param status the status recorded (StatusRecorded) or refused (RecordRejected)
 * @param account who acted: the owner (RegistrationCreated, EscrowWithdrawn), the recording
 *     server or expiring caller (StatusRecorded), the relay authorised (RelayAuthorised)
 * @param by the previous hop that authorised a relay
 * @param amount wei: the escrow (RegistrationCreated), the reimbursement (StatusRecorded,
 *     RelayAuthorised), the amount (EscrowToppedUp, EscrowWithdrawn)
 * @param reason the custom error a batched record was refused with (RecordRejected)
 */
public record TrailEvent(String event, String contract, long blockNumber, String blockHash,
                         long timestamp, String transactionHash, long logIndex,
                         Integer recipientIndex, Status status, String account, String by,
                         BigInteger amount, String reason) {
    public static final String REGISTRATION_CREATED = "RegistrationCreated";
    public static final String STATUS_RECORDED = "StatusRecorded";
    public static final String RELAY_AUTHORISED = "RelayAuthorised";
    public static final String ESCROW_EXHAUSTED = "EscrowExhausted";
    public static final String ESCROW_TOPPED_UP = "EscrowToppedUp";
    public static final String RECORD_REJECTED = "RecordRejected";
    public static final String ESCROW_WITHDRAWN = "EscrowWithdrawn";

    public TrailEvent {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(contract, "contract");
        Objects.requireNonNull(transactionHash, "transactionHash");
    }

    /** Where the event sits on chain: one event per (transaction, log index). */
    public String position() {
        return transactionHash + "#" + logIndex;
    }

    public boolean isStatus() {
        return STATUS_RECORDED.equals(event);
    }

    /** A short description for people: "StatusRecorded DELIVERED recipient 1". */
    public String describe() {
        StringBuilder text = new StringBuilder(event);
        if (status != null) {
            text.append(' ').append(status);
        }
        if (recipientIndex != null) {
            text.append(" recipient ").append(recipientIndex);
        }
        return text.toString();
    }
}
