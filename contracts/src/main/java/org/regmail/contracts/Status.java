package org.regmail.contracts;

import java.math.BigInteger;

/**
 * Per-recipient statuses of a registered mail, mirroring {@code Status.sol}: the ordinal is the
 * on-chain value, so the order is part of the protocol and must never change.
 */
public enum Status {
    NONE, SUBMITTED, HANDED_OFF, RELAYED, DELIVERED, DELIVERED_ALTERED, REJECTED,
    DOWNLOADED, READ, DELETED, EXPIRED;

    /** The on-chain value. */
    public BigInteger value() {
        return BigInteger.valueOf(ordinal());
    }

    /** The status for an on-chain value. */
    public static Status of(BigInteger value) {
        int ordinal = value.intValueExact();
        if (ordinal < 0 || ordinal >= values().length) {
            throw new IllegalArgumentException("unknown status value " + value);
        }
        return values()[ordinal];
    }

    /** Whether the bitmap of statuses reached (EmailRegistration.recipient) holds this one. */
    public boolean isIn(BigInteger reachedBitmap) {
        return reachedBitmap.testBit(ordinal());
    }
}
