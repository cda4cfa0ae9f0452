package org.regmail.core.envelope;

import static org.regmail.core.envelope.EnvelopeException.Reason.MALFORMED;
import static org.regmail.core.envelope.EnvelopeException.Reason.OVERSIZED;
import static org.regmail.core.envelope.EnvelopeException.Reason.TRUNCATED;
import static org.regmail.core.envelope.EnvelopeException.Reason.UNSUPPORTED_VERSION;
import static org.regmail.core.envelope.EnvelopeException.Reason.WRONG_CHAIN;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Collection;
import java.util.regex.Pattern;
import org.web3j.crypto.ECKeyPair;

/**
 * The {@code Registered-Mail} header that marks a registered mail and carries its
 * {@link RegistrationEnvelope}, encrypted to the public key of the server that reads it next.
 *
 * <pre>
 * Registered-Mail: v1; &lt;base64url without padding (RFC 4648 §5) of the ECIES ciphertext&gt;
 * </pre>
 *
 * The ciphertext is {@link Ecies} (eciesjs layout) of {@link RegistrationEnvelope#encode()}.
 * Whitespace anywhere in the value, folding line breaks included, is ignored, so a header
 * refolded in transit still opens. The value is at most {@value #MAX_VALUE_LENGTH}
 * characters, checked before anything is decoded; a sealed value is 347 characters for one
 * recipient and 612 for {@value RegistrationEnvelope#MAX_RECIPIENTS}. Sealing writes the
 * value unfolded, one line of under 998 characters (RFC 5322 §2.1.1).
 *
 * <p>Opening never throws anything but {@link EnvelopeException}: whatever a sender put in the
 * header, a server can log the reason and deliver the mail as ordinary mail.
 */
public final class RegisteredMailHeader {

    /** The header's name. */
    public static final String NAME = "Registered-Mail";
    /** The version tag this code writes and reads. */
    public static final String VERSION_TAG = "v1";
    /** The longest header value accepted, folding whitespace included. */
    public static final int MAX_VALUE_LENGTH = 2048;

    private static final Pattern VERSION_SYNTAX = Pattern.compile("v[0-9]{1,9}");
    private static final int MAX_CIPHERTEXT_LENGTH =
            Ecies.OVERHEAD + RegistrationEnvelope.MAX_ENCODED_LENGTH;
    private static final int MIN_CIPHERTEXT_LENGTH =
            Ecies.OVERHEAD + RegistrationEnvelope.MIN_ENCODED_LENGTH;

    private RegisteredMailHeader() {
    }

    /**
     * The header value carrying {@code envelope} to the server holding {@code serverPublicKey}.
     *
     * @param serverPublicKey the server's key as in the directory: 64 bytes (x ‖ y), or 65
     *     (0x04 ‖ x ‖ y)
     * @throws EnvelopeException {@code INVALID_PUBLIC_KEY} when the key is not a curve point
     */
    public static String seal(RegistrationEnvelope envelope, byte[] serverPublicKey)
            throws EnvelopeException {
        return format(Ecies.encrypt(serverPublicKey, envelope.encode()));
    }

    /** As {@link #seal(RegistrationEnvelope, byte[])}; only golden test vectors pass a random. */
    static String seal(RegistrationEnvelope envelope, byte[] serverPublicKey,
            SecureRandom random) throws EnvelopeException {
        return format(Ecies.encrypt(serverPublicKey, envelope.encode(), random));
    }

    /**
     * Opens a header value with this server's keys.
     *
     * @param headerValue the value after {@code "Registered-Mail:"}, folded or not
     * @throws EnvelopeException naming the first thing wrong (see {@link
     *     EnvelopeException.Reason})
     */
    public static RegistrationEnvelope open(String headerValue, ECKeyPair serverKeys)
            throws EnvelopeException {
        byte[] ciphertext = parse(headerValue);
        return RegistrationEnvelope.decode(Ecies.decrypt(serverKeys.getPrivateKey(), ciphertext));
    }

    /**
     * Opens a header value and checks that its registration lives on {@code expectedChainId}.
     *
     * @throws EnvelopeException {@code WRONG_CHAIN} when it does not, or as {@link
     *     #open(String, ECKeyPair)}
     */
    public static RegistrationEnvelope open(String headerValue, ECKeyPair serverKeys,
            long expectedChainId) throws EnvelopeException {
        RegistrationEnvelope envelope = open(headerValue, serverKeys);
        if (envelope.chainId() != expectedChainId) {
            throw new EnvelopeException(WRONG_CHAIN, "envelope is for chain "
                    + envelope.chainId() + ", this server records on chain " + expectedChainId);
        }
        return envelope;
    }

    /**
     * Opens a header value with this server's keys and seals it again for the next hop,
     * narrowed to the recipients that hop serves.
     *
     * @throws EnvelopeException as {@link #open(String, ECKeyPair)}; {@code BAD_INDEXES} when
     *     {@code recipientIndexes} is empty or not a subset of the envelope's;
     *     {@code INVALID_PUBLIC_KEY} when the next key is not a curve point
     */
    public static String rewrap(String headerValue, ECKeyPair myKeys,
            byte[] nextServerPublicKey, Collection<Integer> recipientIndexes)
            throws EnvelopeException {
        RegistrationEnvelope envelope = open(headerValue, myKeys);
        return seal(envelope.forRecipients(recipientIndexes), nextServerPublicKey);
    }

    private static String format(byte[] ciphertext) {
        return VERSION_TAG + "; " + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(ciphertext);
    }

    /** The ciphertext in a header value, after every check that needs no key. */
    private static byte[] parse(String headerValue) throws EnvelopeException {
        if (headerValue == null) {
            throw new EnvelopeException(MALFORMED, "header has no value");
        }
        if (headerValue.length() > MAX_VALUE_LENGTH) {
            throw new EnvelopeException(OVERSIZED, "header value is " + headerValue.length()
                    + " characters, more than " + MAX_VALUE_LENGTH);
        }
        String compact = withoutWhitespace(headerValue);

        int semicolon = compact.indexOf(';');
        String tag = semicolon < 0 ? compact : compact.substring(0, semicolon);
        if (!VERSION_SYNTAX.matcher(tag).matches()) {
            throw new EnvelopeException(MALFORMED, "header value does not start with a "
                    + "version tag such as \"" + VERSION_TAG + ";\"");
        }
        if (!tag.equals(VERSION_TAG)) {
            throw new EnvelopeException(UNSUPPORTED_VERSION, "header version " + tag
                    + " is not supported (this server reads " + VERSION_TAG + ")");
        }
        if (semicolon < 0) {
            throw new EnvelopeException(MALFORMED, "header value has no ';' after its version");
        }

        String payload = compact.substring(semicolon + 1);
        checkBase64Url(payload);
        long decodedLength = payload.length() * 3L / 4;
        if (decodedLength < MIN_CIPHERTEXT_LENGTH) {
            throw new EnvelopeException(TRUNCATED, "envelope ciphertext is " + decodedLength
                    + " bytes, shorter than the smallest sealed envelope ("
                    + MIN_CIPHERTEXT_LENGTH + ")");
        }
        if (decodedLength > MAX_CIPHERTEXT_LENGTH) {
            throw new EnvelopeException(OVERSIZED, "envelope ciphertext is " + decodedLength
                    + " bytes, longer than the largest sealed envelope ("
                    + MAX_CIPHERTEXT_LENGTH + ")");
        }
        return Base64.getUrlDecoder().decode(payload);
    }

    /** Drops SP, HTAB, CR and LF; refuses anything but printable US-ASCII. */
    private static String withoutWhitespace(String value) throws EnvelopeException {
        StringBuilder compact = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                continue;
            }
            if (c < 0x21 || c > 0x7e) {
                throw new EnvelopeException(MALFORMED, "header value holds a non-ASCII or "
                        + "control character (U+" + String.format("%04X", (int) c)
                        + ") at position " + i);
            }
            compact.append(c);
        }
        return compact.toString();
    }

    private static void checkBase64Url(String payload) throws EnvelopeException {
        for (int i = 0; i < payload.length(); i++) {
            char c = payload.charAt(i);
            boolean alphabet = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
                    || (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (!alphabet) {
                throw new EnvelopeException(MALFORMED, "character '" + c + "' at position " + i
                        + " of the envelope is not base64url without padding");
            }
        }
        if (payload.length() % 4 == 1) {
            throw new EnvelopeException(MALFORMED, "envelope is " + payload.length()
                    + " base64url characters, a length no byte string encodes to");
        }
    }
}
