package org.regmail.core.envelope;

import static org.regmail.core.envelope.EnvelopeException.Reason.INVALID_PUBLIC_KEY;
import static org.regmail.core.envelope.EnvelopeException.Reason.MALFORMED;
import static org.regmail.core.envelope.EnvelopeException.Reason.TRUNCATED;
import static org.regmail.core.envelope.EnvelopeException.Reason.WRONG_KEY;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.util.BigIntegers;
import org.web3j.crypto.Sign;

/**
 * ECIES on secp256k1 in the byte layout of the <a href="https://github.com/ecies/js">eciesjs</a>
 * npm library with its default configuration (uncompressed ephemeral key, uncompressed HKDF
 * input, AES-256-GCM with a 16-byte nonce), so that a browser or Node client and our servers
 * read each other's ciphertexts:
 *
 * <pre>
 * ciphertext = ephemeral public key   65 bytes, uncompressed (0x04 ‖ x ‖ y)
 *            ‖ nonce                  16 bytes, random
 *            ‖ tag                    16 bytes, the AES-GCM authentication tag
 *            ‖ encrypted plaintext    as long as the plaintext
 *
 * shared point = receiver public key × ephemeral private key, uncompressed (65 bytes)
 * key          = HKDF-SHA256(ikm = ephemeral public key ‖ shared point,
 *                            no salt, no info, 32 bytes)                     (RFC 5869)
 * </pre>
 *
 * No associated data is authenticated. Built on BouncyCastle's low-level primitives (no JCE
 * provider is registered) and the curve parameters web3j signs with. The interoperability
 * test decrypts a vector made by eciesjs itself ({@code src/test/js}).
 */
public final class Ecies {

    /** Length of an uncompressed secp256k1 public key: 0x04 ‖ x ‖ y. */
    public static final int PUBLIC_KEY_LENGTH = 65;
    /** Length of the AES-GCM nonce eciesjs uses. */
    public static final int NONCE_LENGTH = 16;
    /** Length of the AES-GCM authentication tag. */
    public static final int TAG_LENGTH = 16;
    /** Bytes a ciphertext has beyond its plaintext. */
    public static final int OVERHEAD = PUBLIC_KEY_LENGTH + NONCE_LENGTH + TAG_LENGTH;

    private static final int KEY_LENGTH = 32;
    private static final int DIRECTORY_KEY_LENGTH = 64;
    private static final ECDomainParameters SECP256K1 = domain(Sign.CURVE_PARAMS);
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ecies() {
    }

    /**
     * Encrypts {@code plaintext} to a receiver's public key with a fresh ephemeral key and nonce.
     *
     * @param receiverPublicKey 64 bytes (x ‖ y, as in the server directory), 65 bytes
     *     (0x04 ‖ x ‖ y) or 33 bytes (compressed)
     * @throws EnvelopeException {@code INVALID_PUBLIC_KEY} when the key is not a curve point
     */
    public static byte[] encrypt(byte[] receiverPublicKey, byte[] plaintext)
            throws EnvelopeException {
        return encrypt(receiverPublicKey, plaintext, RANDOM);
    }

    /**
     * As {@link #encrypt(byte[], byte[])}, drawing the ephemeral key and the nonce from
     * {@code random}; a predictable source makes predictable (and breakable) ciphertexts, so
     * only golden test vectors pass anything but a {@link SecureRandom} from the platform.
     */
    public static byte[] encrypt(byte[] receiverPublicKey, byte[] plaintext, SecureRandom random)
            throws EnvelopeException {
        ECPoint receiver = publicPoint(receiverPublicKey);

        BigInteger ephemeralKey = BigIntegers.createRandomInRange(
                BigInteger.ONE, SECP256K1.getN().subtract(BigInteger.ONE), random);
        byte[] ephemeralPublicKey = new FixedPointCombMultiplier()
                .multiply(SECP256K1.getG(), ephemeralKey).normalize().getEncoded(false);
        byte[] key = sharedKey(ephemeralPublicKey, receiver.multiply(ephemeralKey));

        byte[] nonce = new byte[NONCE_LENGTH];
        random.nextBytes(nonce);
        byte[] sealed;
        try {
            sealed = gcm(true, key, nonce, plaintext);
        } catch (InvalidCipherTextException impossible) {
            throw new IllegalStateException("AES-GCM encryption checks no tag", impossible);
        } finally {
            Arrays.fill(key, (byte) 0);
        }

        // BouncyCastle appends the tag to the ciphertext; eciesjs puts it in front.
        int encryptedLength = plaintext.length;
        byte[] out = new byte[OVERHEAD + encryptedLength];
        System.arraycopy(ephemeralPublicKey, 0, out, 0, PUBLIC_KEY_LENGTH);
        System.arraycopy(nonce, 0, out, PUBLIC_KEY_LENGTH, NONCE_LENGTH);
        System.arraycopy(sealed, encryptedLength, out, PUBLIC_KEY_LENGTH + NONCE_LENGTH,
                TAG_LENGTH);
        System.arraycopy(sealed, 0, out, OVERHEAD, encryptedLength);
        return out;
    }

    /**
     * Decrypts a ciphertext made by {@link #encrypt} or by eciesjs for this private key.
     *
     * @throws EnvelopeException {@code TRUNCATED} when shorter than {@value #OVERHEAD} bytes,
     *     {@code MALFORMED} when the ephemeral key is not an uncompressed curve point,
     *     {@code WRONG_KEY} when the tag does not verify (another key, or altered bytes)
     */
    public static byte[] decrypt(BigInteger receiverPrivateKey, byte[] ciphertext)
            throws EnvelopeException {
        if (receiverPrivateKey == null || receiverPrivateKey.signum() <= 0
                || receiverPrivateKey.compareTo(SECP256K1.getN()) >= 0) {
            throw new EnvelopeException(WRONG_KEY, "the private key is not a secp256k1 key");
        }
        if (ciphertext.length < OVERHEAD) {
            throw new EnvelopeException(TRUNCATED, "ECIES ciphertext is " + ciphertext.length
                    + " bytes, shorter than its " + OVERHEAD + "-byte header");
        }
        byte[] ephemeralPublicKey = Arrays.copyOfRange(ciphertext, 0, PUBLIC_KEY_LENGTH);
        if (ephemeralPublicKey[0] != 0x04) {
            throw new EnvelopeException(MALFORMED,
                    "ECIES ephemeral key is not an uncompressed point (0x04 prefix)");
        }
        ECPoint ephemeral = decodePoint(ephemeralPublicKey, MALFORMED, "ECIES ephemeral key");
        byte[] key = sharedKey(ephemeralPublicKey, ephemeral.multiply(receiverPrivateKey));

        byte[] nonce = Arrays.copyOfRange(ciphertext, PUBLIC_KEY_LENGTH, PUBLIC_KEY_LENGTH
                + NONCE_LENGTH);
        int encryptedLength = ciphertext.length - OVERHEAD;
        byte[] sealed = new byte[encryptedLength + TAG_LENGTH];
        System.arraycopy(ciphertext, OVERHEAD, sealed, 0, encryptedLength);
        System.arraycopy(ciphertext, PUBLIC_KEY_LENGTH + NONCE_LENGTH, sealed, encryptedLength,
                TAG_LENGTH);
        try {
            return gcm(false, key, nonce, sealed);
        } catch (InvalidCipherTextException tagMismatch) {
            throw new EnvelopeException(WRONG_KEY, "ECIES authentication tag does not verify "
                    + "with this key: sealed to another key, or altered in transit");
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /** The 65-byte uncompressed public key (0x04 ‖ x ‖ y) of a private key. */
    public static byte[] publicKeyOf(BigInteger privateKey) {
        return new FixedPointCombMultiplier().multiply(SECP256K1.getG(), privateKey)
                .normalize().getEncoded(false);
    }

    private static byte[] sharedKey(byte[] ephemeralPublicKey, ECPoint sharedPoint) {
        byte[] ikm = new byte[2 * PUBLIC_KEY_LENGTH];
        System.arraycopy(ephemeralPublicKey, 0, ikm, 0, PUBLIC_KEY_LENGTH);
        System.arraycopy(sharedPoint.normalize().getEncoded(false), 0, ikm, PUBLIC_KEY_LENGTH,
                PUBLIC_KEY_LENGTH);

        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(ikm, null, null));
        byte[] key = new byte[KEY_LENGTH];
        hkdf.generateBytes(key, 0, KEY_LENGTH);
        Arrays.fill(ikm, (byte) 0);
        return key;
    }

    private static byte[] gcm(boolean encrypt, byte[] key, byte[] nonce, byte[] input)
            throws InvalidCipherTextException {
        GCMModeCipher cipher = GCMBlockCipher.newInstance(AESEngine.newInstance());
        cipher.init(encrypt, new AEADParameters(new KeyParameter(key), TAG_LENGTH * 8, nonce));
        byte[] output = new byte[cipher.getOutputSize(input.length)];
        int written = cipher.processBytes(input, 0, input.length, output, 0);
        written += cipher.doFinal(output, written);
        return written == output.length ? output : Arrays.copyOf(output, written);
    }

    private static ECPoint publicPoint(byte[] publicKey) throws EnvelopeException {
        if (publicKey == null) {
            throw new EnvelopeException(INVALID_PUBLIC_KEY, "no public key given");
        }
        byte[] encoded = publicKey;
        if (publicKey.length == DIRECTORY_KEY_LENGTH) {
            encoded = new byte[PUBLIC_KEY_LENGTH];
            encoded[0] = 0x04;
            System.arraycopy(publicKey, 0, encoded, 1, DIRECTORY_KEY_LENGTH);
        }
        if (encoded.length != PUBLIC_KEY_LENGTH && encoded.length != 33) {
            throw new EnvelopeException(INVALID_PUBLIC_KEY, "public key is " + publicKey.length
                    + " bytes, expected 64, 65 or 33");
        }
        return decodePoint(encoded, INVALID_PUBLIC_KEY, "public key");
    }

    private static ECPoint decodePoint(byte[] encoded, EnvelopeException.Reason reason,
            String what) throws EnvelopeException {
        try {
            ECPoint point = SECP256K1.getCurve().decodePoint(encoded);
            if (point.isInfinity() || !point.isValid()) {
                throw new EnvelopeException(reason, what + " is not a point on secp256k1");
            }
            return point;
        } catch (IllegalArgumentException | ArithmeticException notOnCurve) {
            throw new EnvelopeException(reason, what + " is not a point on secp256k1");
        }
    }

    private static ECDomainParameters domain(X9ECParameters curve) {
        return new ECDomainParameters(curve.getCurve(), curve.getG(), curve.getN(), curve.getH());
    }
}
