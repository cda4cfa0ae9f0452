package org.regmail.core.commitment;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Locale;
import org.web3j.crypto.Hash;

/**
 * What a registered mail commits to on chain: the hash of its content, and the salted
 * commitments to that hash and to each recipient address that {@code EmailRegistration}
 * stores.
 *
 * <h2>Content hash</h2>
 * {@code contentHash = SHA-256(canonical form)}, where the canonical form is
 * <ol>
 *   <li>the header fields From, To, Cc, Subject, Date and Message-ID, in this order, every
 *       occurrence of each in the order it appears in the message, absent ones skipped,
 *       each canonicalised "relaxed" as in RFC 6376 §3.4.2 ({@code name:value} with the name
 *       lower-cased, the value unfolded, runs of whitespace reduced to one space, leading and
 *       trailing whitespace removed) and ended by CRLF;</li>
 *   <li>one CRLF, so headers and body cannot be confused;</li>
 *   <li>the body canonicalised "relaxed" as in RFC 6376 §3.4.4 (trailing whitespace on each
 *       line removed, runs of whitespace reduced to one space, empty lines at the end
 *       removed), computed by Apache jDKIM.</li>
 * </ol>
 * Line endings are read as LF or CRLF alike. So the hash does not change when a relay adds
 * {@code Received} or {@code DKIM-Signature} headers, refolds a header, converts line endings,
 * or adds blank lines at the end; nor when our own {@code Registered-Mail} header is added or
 * stripped, since it is never hashed. Bytes are hashed as they are: a UTF-8 (RFC 6532) or an
 * RFC 2047 encoded header gives the same hash on every machine.
 *
 * <h2>Transfer encoding</h2>
 * The body is hashed as transmitted, not decoded, as DKIM does. A relay that re-encodes the
 * body (an 8bit body turned into quoted-printable for a peer without 8BITMIME, RFC 6152)
 * changes the hash, and the recipient's server records {@code DELIVERED_ALTERED}: the content
 * was changed in transit, even if only in form. Decoding MIME parts before hashing would
 * survive that, but would tie the commitment to a MIME parser's reading of every part and
 * let two different transmitted bodies share one hash. A client avoids the case by submitting
 * a 7-bit-safe body (quoted-printable or base64 parts), which no relay needs to re-encode.
 *
 * <h2>Salted commitments</h2>
 * {@code contentCommitment = keccak256(salt ‖ contentHash)} and, per recipient,
 * {@code recipientCommitment = keccak256(salt ‖ UTF-8(lower-case address))}, with the 32-byte
 * salt of the registration, as the contracts store them. The salt keeps anyone who guesses an
 * address or a text from confirming it against the chain.
 */
public final class ContentCommitment {

    /** The header fields committed to, in the order they are hashed. */
    public static final List<String> COMMITTED_HEADERS =
            List.of("From", "To", "Cc", "Subject", "Date", "Message-ID");

    /** Length of a salt, a content hash and a commitment, in bytes. */
    public static final int LENGTH = 32;

    /** The longest address SMTP carries (RFC 5321 4.5.3.1.3: a 256-octet path less "&lt;&gt;"). */
    public static final int MAX_ADDRESS_LENGTH = 254;

    private ContentCommitment() {
    }

    /**
     * The content hash of a raw RFC 5322 message, read to its end (the stream is not closed).
     *
     * @param message the message as transmitted: header section, empty line, body
     * @return the 32-byte SHA-256 of the canonical form
     * @throws IOException when the stream fails
     */
    public static byte[] contentHash(InputStream message) throws IOException {
        MessageDigest sha256 = sha256();
        RelaxedCanonicalization.write(
                message,
                COMMITTED_HEADERS,
                new DigestOutputStream(OutputStream.nullOutputStream(), sha256));
        return sha256.digest();
    }

    /** The content hash of a raw RFC 5322 message held in memory. */
    public static byte[] contentHash(byte[] message) {
        try {
            return contentHash(new ByteArrayInputStream(message));
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
    }

    /**
     * The bytes {@link #contentHash} hashes, for evidence bundles and for explaining a
     * {@code DELIVERED_ALTERED} record.
     */
    public static byte[] canonicalForm(byte[] message) {
        ByteArrayOutputStream canonical = new ByteArrayOutputStream(message.length + 64);
        try {
            RelaxedCanonicalization.write(
                    new ByteArrayInputStream(message), COMMITTED_HEADERS, canonical);
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
        return canonical.toByteArray();
    }

    /**
     * {@code keccak256(salt ‖ contentHash)}: the registration's content commitment.
     *
     * @throws IllegalArgumentException when the salt or the hash is not 32 bytes
     */
    public static byte[] contentCommitment(byte[] salt, byte[] contentHash) {
        requireLength("salt", salt);
        requireLength("content hash", contentHash);
        return Hash.sha3(concat(salt, contentHash));
    }

    /**
     * {@code keccak256(salt ‖ UTF-8(address))} with the address trimmed and lower-cased: one
     * recipient's commitment.
     *
     * @param address a bare address such as {@code bob@example.org}, no display name
     * @throws InvalidRecipientException when the address is empty or not an address
     * @throws IllegalArgumentException when the salt is not 32 bytes
     */
    public static byte[] recipientCommitment(byte[] salt, String address)
            throws InvalidRecipientException {
        requireLength("salt", salt);
        return Hash.sha3(concat(salt, canonicalAddress(address).getBytes(UTF_8)));
    }

    /**
     * The form of an address that is committed to: trimmed and lower-cased. It must hold one
     * local part and one domain around its last '@', at most {@value #MAX_ADDRESS_LENGTH}
     * characters, and no whitespace, control character or angle bracket (a display name or a
     * path is not an address). Non-ASCII addresses (RFC 6531) are accepted.
     *
     * @throws InvalidRecipientException naming the broken rule
     */
    public static String canonicalAddress(String address) throws InvalidRecipientException {
        if (address == null || address.isBlank()) {
            throw new InvalidRecipientException("recipient address is empty");
        }
        String canonical = address.trim().toLowerCase(Locale.ROOT);
        if (canonical.length() > MAX_ADDRESS_LENGTH) {
            throw new InvalidRecipientException("recipient address is " + canonical.length()
                    + " characters long, more than " + MAX_ADDRESS_LENGTH);
        }
        for (int i = 0; i < canonical.length(); i++) {
            char c = canonical.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c) || c == '<' || c == '>') {
                throw new InvalidRecipientException("recipient address holds a whitespace, "
                        + "control or angle bracket character at position " + i);
            }
        }
        int at = canonical.lastIndexOf('@');
        if (at <= 0 || at == canonical.length() - 1) {
            throw new InvalidRecipientException(
                    "recipient address needs a local part and a domain around '@'");
        }
        return canonical;
    }

    private static void requireLength(String what, byte[] value) {
        if (value == null || value.length != LENGTH) {
            throw new IllegalArgumentException(what + " must be " + LENGTH + " bytes, not "
                    + (value == null ? "null" : value.length));
        }
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = new byte[first.length + second.length];
        System.arraycopy(first, 0, both, 0, first.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException missing) {
            throw new IllegalStateException("every Java platform has SHA-256", missing);
        }
    }
}
