package org.regmail.core.store;

import java.math.BigInteger;
import java.time.Instant;

/**
 * A signed batch transaction kept until its records are settled, so that after a crash or a
 * lost broadcast the very same transaction (same nonce, same hash) is broadcast again.
 */
public record SentTransaction(String hash, BigInteger nonce, String raw, Instant sentAt) {
}
