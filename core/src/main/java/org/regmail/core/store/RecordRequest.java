package org.regmail.core.store;

import java.util.Objects;

import org.regmail.contracts.Status;

/**
 * A status this server has to record on chain for one recipient of one registration.
 *
 * @param registration the registration's address (0x…, lower case)
 * @param salt the registration's CREATE2 salt (32 bytes), how the Master finds it
 * @param recipientIndex the recipient's index in the registration
 * @param status what happened
 * @param owner the registration's owner (the sender), for the billing ledger
 */
public record RecordRequest(String registration, byte[] salt, int recipientIndex, Status status,
                            String owner) {
    public RecordRequest {
        Objects.requireNonNull(registration, "registration");
        Objects.requireNonNull(status, "status");
        if (salt == null || salt.length != 32) {
            throw new IllegalArgumentException("the registration salt must be 32 bytes");
        }
        if (recipientIndex < 0 || recipientIndex > 255) {
            throw new IllegalArgumentException("recipient index out of range: " + recipientIndex);
        }
        if (status == Status.NONE) {
            throw new IllegalArgumentException("NONE is not a status to record");
        }
        registration = registration.toLowerCase(java.util.Locale.ROOT);
        owner = owner == null ? null : owner.toLowerCase(java.util.Locale.ROOT);
        salt = salt.clone();
    }

    @Override
    public byte[] salt() {
        return salt.clone();
    }

    /** The identity of a record: a server records a status for a recipient once. */
    public String key() {
        return registration + "/" + recipientIndex + "/" + status.name();
    }
}
