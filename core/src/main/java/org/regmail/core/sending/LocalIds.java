package org.regmail.core.sending;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Instant;

/**
 * The owner's local ID of a mail, the input of its registration's CREATE2 address:
 * 8 bytes of Unix time in milliseconds, 8 bytes of the sender's sequence number, 16 random
 * bytes (big-endian). Time and sequence keep one sender's IDs apart and sortable; the random
 * part keeps two installations sharing one key from colliding.
 */
public final class LocalIds {
    private LocalIds() {
    }

    public static byte[] localId(Instant now, long sequence, SecureRandom random) {
        byte[] tail = new byte[16];
        random.nextBytes(tail);
        return ByteBuffer.allocate(32).putLong(now.toEpochMilli()).putLong(sequence).put(tail)
            .array();
    }

    /** A fresh 32-byte commitment salt. */
    public static byte[] salt(SecureRandom random) {
        byte[] salt = new byte[32];
        random.nextBytes(salt);
        return salt;
    }
}
