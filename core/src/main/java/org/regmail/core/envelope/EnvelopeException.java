package org.regmail.core.envelope;

/**
 * A {@code Registered-Mail} header or envelope that cannot be used, with the reason. The
 * message names what is wrong and never holds key material, salts or plaintext, so it may be
 * logged as it is. A server that meets one delivers the mail as ordinary mail.
 */
public final class EnvelopeException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why an envelope was refused. */
    public enum Reason {
        /** Not in the format: bad characters, bad base64url, bad field values, extra bytes. */
        MALFORMED,
        /** Shorter than the format requires: cut off in transit or by hand. */
        TRUNCATED,
        /** Longer than the hard limits; refused before any decoding. */
        OVERSIZED,
        /** A header or envelope version this code does not read. */
        UNSUPPORTED_VERSION,
        /** Does not decrypt with this key: sealed to another server, or altered. */
        WRONG_KEY,
        /** A public key to seal to is not a point on secp256k1. */
        INVALID_PUBLIC_KEY,
        /** Made for another chain than the one this server records on. */
        WRONG_CHAIN,
        /** The owner signature is not a valid signature, or not the expected owner's. */
        BAD_SIGNATURE,
        /** Recipient indexes empty, out of range, repeated, unordered, or not a subset. */
        BAD_INDEXES
    }

    private final Reason reason;

    public EnvelopeException(Reason reason, String problem) {
        super(reason + ": " + problem);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
