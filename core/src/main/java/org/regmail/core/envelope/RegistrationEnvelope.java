package org.regmail.core.envelope;

import static org.regmail.core.envelope.EnvelopeException.Reason.BAD_INDEXES;
import static org.regmail.core.envelope.EnvelopeException.Reason.BAD_SIGNATURE;
import static org.regmail.core.envelope.EnvelopeException.Reason.MALFORMED;
import static org.regmail.core.envelope.EnvelopeException.Reason.OVERSIZED;
import static org.regmail.core.envelope.EnvelopeException.Reason.TRUNCATED;
import static org.regmail.core.envelope.EnvelopeException.Reason.UNSUPPORTED_VERSION;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.security.SignatureException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.bouncycastle.util.encoders.Hex;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Hash;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;

/**
 * What the {@code Registered-Mail} header carries to one server, once decrypted: which
 * registration the mail belongs to and which of its recipients this copy is for, signed by the
 * registration's owner.
 *
 * <h2>Owner signature</h2>
 * An Ethereum personal-sign signature (EIP-191, version 0x45: {@code "\x19Ethereum Signed
 * Message:\n32"} prefix) over {@code keccak256(abi.encode(uint256 chainId, address
 * registration, bytes32 contentCommitment))}, as {@code r ‖ s ‖ v} with {@code v} 27 or 28
 * and {@code s} in the lower half of the curve order (EIP-2). It binds the registration to
 * this content on this chain: nobody without the owner's key can attach the registration to
 * another mail. Recipient indexes, local ID and salt are not signed: the salt and the local ID
 * are bound on chain (the content commitment and the CREATE2 address), and the indexes are
 * narrowed by each hop that re-wraps the envelope, while the contract decides who may record
 * for which recipient.
 *
 * <h2>Binary layout, version 1</h2>
 * <pre>
 * offset  length  field
 *      0       1  version, 0x01
 *      1       8  chain id, unsigned big-endian, 1 .. 2^63-1
 *      9      20  registration address
 *     29      32  local ID
 *     61      32  salt
 *     93       1  n, number of recipient indexes, 1 .. 200
 *     94       n  recipient indexes, each 0 .. 199, strictly ascending
 *   94+n      65  owner signature r ‖ s ‖ v
 * </pre>
 * {@value #FIXED_LENGTH} + n bytes, at most {@value #MAX_ENCODED_LENGTH}. Decoding is strict:
 * a byte too few or too many, an index out of order, or a {@code v} other than 27 or 28 is
 * refused, so one envelope has exactly one encoding.
 *
 * @param version the layout version, {@value #VERSION}
 * @param chainId the EIP-155 chain id of the chain holding the registration
 * @param registration the registration contract's address, {@code 0x} and 40 hex digits
 * @param localId the owner's 32-byte local ID of the mail (the registration's CREATE2 input)
 * @param salt the registration's 32-byte commitment salt
 * @param recipientIndexes the recipients (indexes into the registration) this copy is for,
 *     ascending, without repeats
 * @param ownerSignature the owner's 65-byte signature {@code r ‖ s ‖ v}
 */
public record RegistrationEnvelope(
        int version,
        long chainId,
        String registration,
        byte[] localId,
        byte[] salt,
        List<Integer> recipientIndexes,
        byte[] ownerSignature) {

    /** The only layout version this code writes and reads. */
    public static final int VERSION = 1;
    /** Most recipients a registration holds ({@code EmailRegistrationMaster.MAX_RECIPIENTS}). */
    public static final int MAX_RECIPIENTS = 200;
    /** Length of the registration address in bytes. */
    public static final int ADDRESS_LENGTH = 20;
    /** Length of the local ID in bytes. */
    public static final int LOCAL_ID_LENGTH = 32;
    /** Length of the commitment salt in bytes. */
    public static final int SALT_LENGTH = 32;
    /** Length of the owner signature {@code r ‖ s ‖ v} in bytes. */
    public static final int SIGNATURE_LENGTH = 65;
    /** Encoded length without the recipient indexes. */
    public static final int FIXED_LENGTH = 1 + 8 + ADDRESS_LENGTH + LOCAL_ID_LENGTH + SALT_LENGTH
            + 1 + SIGNATURE_LENGTH;
    /** Encoded length with one recipient, the shortest envelope. */
    public static final int MIN_ENCODED_LENGTH = FIXED_LENGTH + 1;
    /** Encoded length with {@value #MAX_RECIPIENTS} recipients, the longest envelope. */
    public static final int MAX_ENCODED_LENGTH = FIXED_LENGTH + MAX_RECIPIENTS;

    private static final int COUNT_OFFSET = 1 + 8 + ADDRESS_LENGTH + LOCAL_ID_LENGTH
            + SALT_LENGTH;
    private static final Pattern ADDRESS = Pattern.compile("0x[0-9a-f]{40}");
    private static final BigInteger HALF_CURVE_ORDER = Sign.CURVE_PARAMS.getN().shiftRight(1);

    /**
     * Checks every field; see the class documentation for the rules.
     *
     * @throws IllegalArgumentException naming the broken rule (a programming error: decoding
     *     untrusted bytes goes through {@link #decode}, which reports {@link EnvelopeException})
     */
    public RegistrationEnvelope {
        require(version == VERSION, "version must be " + VERSION + ", not " + version);
        require(chainId > 0, "chain id must be positive, not " + chainId);
        require(registration != null, "registration address is missing");
        registration = registration.toLowerCase(Locale.ROOT);
        require(ADDRESS.matcher(registration).matches(),
                "registration must be 0x and 40 hex digits");
        localId = copyOfLength(localId, LOCAL_ID_LENGTH, "local ID");
        salt = copyOfLength(salt, SALT_LENGTH, "salt");
        require(recipientIndexes != null, "recipient indexes are missing");
        recipientIndexes = sortedIndexes(recipientIndexes);
        String indexProblem = indexProblem(recipientIndexes);
        require(indexProblem == null, indexProblem);
        ownerSignature = copyOfLength(ownerSignature, SIGNATURE_LENGTH, "owner signature");
    }

    /**
     * Signs a new envelope with the registration owner's key (EIP-191 personal sign); the
     * client does this once per mail, before submitting it.
     *
     * @param contentCommitment {@code keccak256(salt ‖ contentHash)} of the mail, as given to
     *     {@code createRegistration}
     * @throws IllegalArgumentException when a field breaks a rule of the layout
     */
    public static RegistrationEnvelope sign(long chainId, String registration, byte[] localId,
            byte[] salt, Collection<Integer> recipientIndexes, byte[] contentCommitment,
            ECKeyPair ownerKeys) {
        byte[] message = ownerMessage(chainId, registration, contentCommitment);
        Sign.SignatureData signature = Sign.signPrefixedMessage(message, ownerKeys);
        byte[] rsv = new byte[SIGNATURE_LENGTH];
        System.arraycopy(signature.getR(), 0, rsv, 0, 32);
        System.arraycopy(signature.getS(), 0, rsv, 32, 32);
        rsv[64] = signature.getV()[0];
        return new RegistrationEnvelope(VERSION, chainId, registration, localId, salt,
                new ArrayList<>(recipientIndexes), rsv);
    }

    /**
     * The 32 bytes the owner signs (before the EIP-191 prefix):
     * {@code keccak256(abi.encode(uint256 chainId, address registration, bytes32
     * contentCommitment))}, three 32-byte words.
     */
    public static byte[] ownerMessage(long chainId, String registration,
            byte[] contentCommitment) {
        require(contentCommitment != null && contentCommitment.length == 32,
                "content commitment must be 32 bytes");
        ByteBuffer words = ByteBuffer.allocate(3 * 32);
        words.position(24).putLong(chainId);
        words.position(32 + 12).put(addressBytes(registration));
        words.position(64).put(contentCommitment);
        return Hash.sha3(words.array());
    }

    /**
     * The address whose key made the owner signature over this content commitment. A
     * signature over another commitment recovers another address, so the caller compares the
     * result with the registration's owner, or (equivalently, and without a lookup) checks on
     * chain that {@code isRegistration(registration, registrationSalt(owner))}.
     *
     * @return {@code 0x} and 40 lower-case hex digits
     * @throws EnvelopeException {@code BAD_SIGNATURE} when no address can be recovered
     */
    public String recoverOwner(byte[] contentCommitment) throws EnvelopeException {
        if (contentCommitment == null || contentCommitment.length != 32) {
            throw new EnvelopeException(BAD_SIGNATURE, "content commitment must be 32 bytes");
        }
        byte[] r = Arrays.copyOfRange(ownerSignature, 0, 32);
        byte[] s = Arrays.copyOfRange(ownerSignature, 32, 64);
        BigInteger rValue = new BigInteger(1, r);
        BigInteger sValue = new BigInteger(1, s);
        if (rValue.signum() == 0 || rValue.compareTo(Sign.CURVE_PARAMS.getN()) >= 0
                || sValue.signum() == 0 || sValue.compareTo(HALF_CURVE_ORDER) > 0) {
            throw new EnvelopeException(BAD_SIGNATURE, "owner signature r or s is out of "
                    + "range (s must be in the lower half of the curve order, EIP-2)");
        }
        byte[] message = ownerMessage(chainId, registration, contentCommitment);
        try {
            BigInteger publicKey = Sign.signedPrefixedMessageToKey(
                    message, new Sign.SignatureData(ownerSignature[64], r, s));
            return "0x" + Keys.getAddress(publicKey);
        } catch (SignatureException | RuntimeException unrecoverable) {
            throw new EnvelopeException(BAD_SIGNATURE,
                    "no public key recovers from the owner signature");
        }
    }

    /**
     * Checks that {@code expectedOwner} signed this envelope over {@code contentCommitment}.
     *
     * @throws EnvelopeException {@code BAD_SIGNATURE} when someone else did, or nobody
     */
    public void verifyOwner(byte[] contentCommitment, String expectedOwner)
            throws EnvelopeException {
        String owner = recoverOwner(contentCommitment);
        if (expectedOwner == null || !owner.equalsIgnoreCase(expectedOwner)) {
            throw new EnvelopeException(BAD_SIGNATURE, "owner signature was made by " + owner
                    + " over this content, not by " + expectedOwner);
        }
    }

    /**
     * The Master's CREATE2 salt of this registration if {@code owner} created it,
     * {@code keccak256(abi.encode(address owner, bytes32 localId))}
     * ({@code EmailRegistrationMaster.registrationSalt}). Not to be confused with the
     * commitment {@link #salt()}.
     */
    public byte[] registrationSalt(String owner) {
        ByteBuffer words = ByteBuffer.allocate(2 * 32);
        words.position(12).put(addressBytes(owner));
        words.position(32).put(localId);
        return Hash.sha3(words.array());
    }

    /**
     * The same envelope for a subset of its recipients, as a hop re-wraps it for the server of
     * some of them. The owner signature stays valid: it does not cover the indexes.
     *
     * @throws EnvelopeException {@code BAD_INDEXES} when the subset is empty or holds an index
     *     this envelope does not
     */
    public RegistrationEnvelope forRecipients(Collection<Integer> subset)
            throws EnvelopeException {
        if (subset == null || subset.isEmpty()) {
            throw new EnvelopeException(BAD_INDEXES, "no recipient index to re-wrap for");
        }
        Set<Integer> distinct = new HashSet<>();
        for (Integer index : subset) {
            if (index == null || !recipientIndexes.contains(index)) {
                throw new EnvelopeException(BAD_INDEXES, "recipient index " + index
                        + " is not among this envelope's " + recipientIndexes);
            }
            if (!distinct.add(index)) {
                throw new EnvelopeException(BAD_INDEXES, "recipient index " + index
                        + " is given twice");
            }
        }
        return new RegistrationEnvelope(version, chainId, registration, localId, salt,
                new ArrayList<>(distinct), ownerSignature);
    }

    /** The version 1 binary layout (see the class documentation). */
    public byte[] encode() {
        ByteBuffer out = ByteBuffer.allocate(FIXED_LENGTH + recipientIndexes.size());
        out.put((byte) version);
        out.putLong(chainId);
        out.put(addressBytes(registration));
        out.put(localId);
        out.put(salt);
        out.put((byte) recipientIndexes.size());
        for (int index : recipientIndexes) {
            out.put((byte) index);
        }
        out.put(ownerSignature);
        return out.array();
    }

    /**
     * Reads the version 1 binary layout, strictly.
     *
     * @throws EnvelopeException {@code OVERSIZED}, {@code TRUNCATED},
     *     {@code UNSUPPORTED_VERSION}, {@code MALFORMED}, {@code BAD_INDEXES} or
     *     {@code BAD_SIGNATURE}, naming the field at fault
     */
    public static RegistrationEnvelope decode(byte[] encoded) throws EnvelopeException {
        if (encoded == null || encoded.length == 0) {
            throw new EnvelopeException(TRUNCATED, "envelope is empty");
        }
        if (encoded.length > MAX_ENCODED_LENGTH) {
            throw new EnvelopeException(OVERSIZED, "envelope is " + encoded.length
                    + " bytes, more than the " + MAX_ENCODED_LENGTH + " of its largest form");
        }
        int version = encoded[0] & 0xff;
        if (version != VERSION) {
            throw new EnvelopeException(UNSUPPORTED_VERSION, "envelope layout version "
                    + version + " is not supported (this code reads " + VERSION + ")");
        }
        if (encoded.length <= COUNT_OFFSET) {
            throw new EnvelopeException(TRUNCATED, "envelope is " + encoded.length
                    + " bytes, cut before its recipient count");
        }
        int count = encoded[COUNT_OFFSET] & 0xff;
        if (count == 0 || count > MAX_RECIPIENTS) {
            throw new EnvelopeException(BAD_INDEXES, "envelope names " + count
                    + " recipients, expected 1 to " + MAX_RECIPIENTS);
        }
        int expectedLength = FIXED_LENGTH + count;
        if (encoded.length < expectedLength) {
            throw new EnvelopeException(TRUNCATED, "envelope is " + encoded.length
                    + " bytes, expected " + expectedLength + " for " + count
                    + (count == 1 ? " recipient" : " recipients"));
        }
        if (encoded.length > expectedLength) {
            throw new EnvelopeException(MALFORMED, "envelope has "
                    + (encoded.length - expectedLength) + " bytes after its owner signature");
        }

        ByteBuffer in = ByteBuffer.wrap(encoded, 1, encoded.length - 1);
        long chainId = in.getLong();
        if (chainId <= 0) {
            throw new EnvelopeException(MALFORMED, "chain id does not fit 1 .. 2^63-1");
        }
        String registration = "0x" + Hex.toHexString(take(in, ADDRESS_LENGTH));
        byte[] localId = take(in, LOCAL_ID_LENGTH);
        byte[] salt = take(in, SALT_LENGTH);
        in.get();
        List<Integer> indexes = readIndexes(in, count);
        byte[] signature = take(in, SIGNATURE_LENGTH);
        int v = signature[SIGNATURE_LENGTH - 1] & 0xff;
        if (v != 27 && v != 28) {
            throw new EnvelopeException(BAD_SIGNATURE,
                    "owner signature v is " + v + ", expected 27 or 28");
        }
        return new RegistrationEnvelope(VERSION, chainId, registration, localId, salt, indexes,
                signature);
    }

    @Override
    public byte[] localId() {
        return localId.clone();
    }

    @Override
    public byte[] salt() {
        return salt.clone();
    }

    @Override
    public byte[] ownerSignature() {
        return ownerSignature.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RegistrationEnvelope that
                && version == that.version
                && chainId == that.chainId
                && registration.equals(that.registration)
                && Arrays.equals(localId, that.localId)
                && Arrays.equals(salt, that.salt)
                && recipientIndexes.equals(that.recipientIndexes)
                && Arrays.equals(ownerSignature, that.ownerSignature);
    }

    @Override
    public int hashCode() {
        int hash = Long.hashCode(chainId);
        hash = 31 * hash + registration.hashCode();
        hash = 31 * hash + Arrays.hashCode(localId);
        hash = 31 * hash + recipientIndexes.hashCode();
        return 31 * hash + Arrays.hashCode(ownerSignature);
    }

    /** Leaves out the salt, which must never reach a log. */
    @Override
    public String toString() {
        return "RegistrationEnvelope[v" + version + ", chain " + chainId + ", registration "
                + registration + ", local ID 0x" + Hex.toHexString(localId) + ", recipients "
                + recipientIndexes + "]";
    }

    private static List<Integer> readIndexes(ByteBuffer in, int count) throws EnvelopeException {
        List<Integer> indexes = new ArrayList<>(count);
        int previous = -1;
        for (int i = 0; i < count; i++) {
            int index = in.get() & 0xff;
            if (index >= MAX_RECIPIENTS) {
                throw new EnvelopeException(BAD_INDEXES, "recipient index " + index
                        + " is out of range 0 .. " + (MAX_RECIPIENTS - 1));
            }
            if (index <= previous) {
                throw new EnvelopeException(BAD_INDEXES, "recipient index " + index
                        + " follows " + previous + ": indexes must be strictly ascending");
            }
            indexes.add(index);
            previous = index;
        }
        return indexes;
    }

    private static List<Integer> sortedIndexes(List<Integer> indexes) {
        // Not indexes.contains(null): immutable lists throw on that question.
        List<Integer> sorted = new ArrayList<>(indexes);
        require(sorted.stream().allMatch(Objects::nonNull), "a recipient index is null");
        sorted.sort(null);
        return List.copyOf(sorted);
    }

    /** Null when the sorted indexes are acceptable, else what is wrong with them. */
    private static String indexProblem(List<Integer> sorted) {
        if (sorted.isEmpty()) {
            return "an envelope needs at least one recipient index";
        }
        if (sorted.size() > MAX_RECIPIENTS) {
            return sorted.size() + " recipient indexes, more than " + MAX_RECIPIENTS;
        }
        for (int i = 0; i < sorted.size(); i++) {
            int index = sorted.get(i);
            if (index < 0 || index >= MAX_RECIPIENTS) {
                return "recipient index " + index + " is out of range 0 .. "
                        + (MAX_RECIPIENTS - 1);
            }
            if (i > 0 && index == sorted.get(i - 1)) {
                return "recipient index " + index + " is given twice";
            }
        }
        return null;
    }

    private static byte[] addressBytes(String address) {
        require(address != null && ADDRESS.matcher(address.toLowerCase(Locale.ROOT)).matches(),
                "an address must be 0x and 40 hex digits");
        return Hex.decode(address.substring(2));
    }

    private static byte[] copyOfLength(byte[] value, int length, String what) {
        require(value != null, what + " is missing");
        require(value.length == length, what + " must be " + length + " bytes, not "
                + value.length);
        return value.clone();
    }

    private static byte[] take(ByteBuffer in, int length) {
        byte[] bytes = new byte[length];
        in.get(bytes);
        return bytes;
    }

    private static void require(boolean condition, String problem) {
        if (!condition) {
            throw new IllegalArgumentException(problem);
        }
    }
}
