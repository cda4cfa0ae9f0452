package org.regmail.core.envelope;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Properties;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.util.encoders.Hex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.regmail.core.envelope.EnvelopeException.Reason;
import org.regmail.core.envelope.GoldenEnvelopeVectors.SeededRandom;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Sign;

class EciesTest {

    private static final ECKeyPair SERVER = TestKeys.server();
    private static final byte[] PLAINTEXT =
            "Every server on the path writes what happened to the mail.".getBytes(UTF_8);

    @Test
    void shouldDecryptTheVectorThatEciesjsMade() throws Exception {
        Properties vector = properties("/envelope/eciesjs-vector.properties");

        byte[] plaintext = Ecies.decrypt(SERVER.getPrivateKey(),
                Hex.decode(vector.getProperty("ciphertext")));

        assertThat(vector.getProperty("publicKey"))
                .isEqualTo(Hex.toHexString(Ecies.publicKeyOf(SERVER.getPrivateKey())));
        assertThat(new String(plaintext, UTF_8)).isEqualTo("Registered mail interoperability "
                + "vector: eciesjs encrypted this, Java decrypts it. Grüße ✓");
        assertThat(plaintext).isEqualTo(Hex.decode(vector.getProperty("plaintext")));
    }

    @Test
    void shouldLayOutKeyNonceTagAndCiphertextAsEciesjsDoes() throws Exception {
        byte[] sealed = Ecies.encrypt(TestKeys.directoryKey(SERVER), PLAINTEXT,
                new SeededRandom("layout"));

        // Taken apart by hand and decrypted with the JDK's own AES-GCM, not with Ecies.
        byte[] ephemeral = Arrays.copyOfRange(sealed, 0, 65);
        byte[] nonce = Arrays.copyOfRange(sealed, 65, 81);
        byte[] tag = Arrays.copyOfRange(sealed, 81, 97);
        byte[] encrypted = Arrays.copyOfRange(sealed, 97, sealed.length);
        ECPoint shared = Sign.CURVE_PARAMS.getCurve().decodePoint(ephemeral)
                .multiply(SERVER.getPrivateKey()).normalize();
        byte[] key = hkdfSha256(concat(ephemeral, shared.getEncoded(false)));
        Cipher aes = Cipher.getInstance("AES/GCM/NoPadding");
        aes.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"),
                new GCMParameterSpec(128, nonce));

        assertThat(sealed).hasSize(Ecies.OVERHEAD + PLAINTEXT.length);
        assertThat(ephemeral[0]).isEqualTo((byte) 0x04);
        assertThat(aes.doFinal(concat(encrypted, tag))).isEqualTo(PLAINTEXT);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 15, 16, 17, 359, 4096})
    void shouldDecryptWhatItEncryptedWhateverTheLength(int length) throws Exception {
        byte[] plaintext = new byte[length];
        new SeededRandom("lengths").nextBytes(plaintext);

        byte[] sealed = Ecies.encrypt(TestKeys.directoryKey(SERVER), plaintext);

        assertThat(Ecies.decrypt(SERVER.getPrivateKey(), sealed)).isEqualTo(plaintext);
    }

    @Test
    void shouldAcceptDirectoryUncompressedAndCompressedPublicKeys() throws Exception {
        byte[] uncompressed = Ecies.publicKeyOf(SERVER.getPrivateKey());
        byte[] compressed = Sign.CURVE_PARAMS.getCurve().decodePoint(uncompressed)
                .getEncoded(true);

        for (byte[] key : new byte[][] {TestKeys.directoryKey(SERVER), uncompressed,
            compressed}) {
            byte[] sealed = Ecies.encrypt(key, PLAINTEXT);
            assertThat(Ecies.decrypt(SERVER.getPrivateKey(), sealed)).isEqualTo(PLAINTEXT);
        }
    }

    @Test
    void shouldDrawAFreshEphemeralKeyAndNonceForEveryEncryption() throws Exception {
        byte[] first = Ecies.encrypt(TestKeys.directoryKey(SERVER), PLAINTEXT);
        byte[] second = Ecies.encrypt(TestKeys.directoryKey(SERVER), PLAINTEXT);

        assertThat(Arrays.copyOfRange(first, 0, 65))
                .isNotEqualTo(Arrays.copyOfRange(second, 0, 65));
        assertThat(Arrays.copyOfRange(first, 65, 81))
                .isNotEqualTo(Arrays.copyOfRange(second, 65, 81));
    }

    @Test
    void shouldRefuseToDecryptWithAnotherServersKey() throws Exception {
        byte[] sealed = Ecies.encrypt(TestKeys.directoryKey(SERVER), PLAINTEXT);

        assertThatThrownBy(() -> Ecies.decrypt(TestKeys.otherServer().getPrivateKey(), sealed))
                .isInstanceOf(EnvelopeException.class)
                .hasFieldOrPropertyWithValue("reason", Reason.WRONG_KEY)
                .hasMessageContaining("authentication tag does not verify");
    }

    @ParameterizedTest(name = "byte {0}")
    @ValueSource(ints = {1, 64, 65, 80, 81, 96, 97, 100})
    void shouldRefuseACiphertextWithAnyByteChanged(int offset) throws Exception {
        byte[] sealed = Ecies.encrypt(TestKeys.directoryKey(SERVER), PLAINTEXT);
        sealed[offset] ^= 0x01;

        assertThatThrownBy(() -> Ecies.decrypt(SERVER.getPrivateKey(), sealed))
                .isInstanceOf(EnvelopeException.class)
                .extracting(e -> ((EnvelopeException) e).reason())
                .isIn(Reason.WRONG_KEY, Reason.MALFORMED);
    }

    @Test
    void shouldRefuseAnEphemeralKeyThatIsNotUncompressed() throws Exception {
        byte[] sealed = Ecies.encrypt(TestKeys.directoryKey(SERVER), PLAINTEXT);
        sealed[0] = 0x02;

        assertThatThrownBy(() -> Ecies.decrypt(SERVER.getPrivateKey(), sealed))
                .isInstanceOf(EnvelopeException.class)
                .hasFieldOrPropertyWithValue("reason", Reason.MALFORMED)
                .hasMessageContaining("not an uncompressed point");
    }

    @Test
    void shouldRefuseAnEphemeralKeyOffTheCurve() throws Exception {
        byte[] sealed = Ecies.encrypt(TestKeys.directoryKey(SERVER), PLAINTEXT);
        sealed[64] ^= 0x01;

        assertThatThrownBy(() -> Ecies.decrypt(SERVER.getPrivateKey(), sealed))
                .isInstanceOf(EnvelopeException.class)
                .hasFieldOrPropertyWithValue("reason", Reason.MALFORMED)
                .hasMessage("MALFORMED: ECIES ephemeral key is not a point on secp256k1");
    }

    @Test
    void shouldRefuseACiphertextShorterThanItsHeader() {
        assertThatThrownBy(() -> Ecies.decrypt(SERVER.getPrivateKey(), new byte[96]))
                .isInstanceOf(EnvelopeException.class)
                .hasFieldOrPropertyWithValue("reason", Reason.TRUNCATED)
                .hasMessage("TRUNCATED: ECIES ciphertext is 96 bytes, shorter than its "
                        + "97-byte header");
    }

    @Test
    void shouldRefuseToEncryptToAPublicKeyOffTheCurve() {
        byte[] notOnCurve = TestKeys.directoryKey(SERVER);
        notOnCurve[63] ^= 0x01;

        assertThatThrownBy(() -> Ecies.encrypt(notOnCurve, PLAINTEXT))
                .isInstanceOf(EnvelopeException.class)
                .hasFieldOrPropertyWithValue("reason", Reason.INVALID_PUBLIC_KEY)
                .hasMessage("INVALID_PUBLIC_KEY: public key is not a point on secp256k1");
    }

    @Test
    void shouldRefuseToEncryptToAPublicKeyOfAnotherLength() {
        assertThatThrownBy(() -> Ecies.encrypt(new byte[20], PLAINTEXT))
                .isInstanceOf(EnvelopeException.class)
                .hasFieldOrPropertyWithValue("reason", Reason.INVALID_PUBLIC_KEY)
                .hasMessage("INVALID_PUBLIC_KEY: public key is 20 bytes, expected 64, 65 or 33");
    }

    @Test
    void shouldRefuseAPrivateKeyOutsideTheCurveOrder() {
        assertThatThrownBy(() -> Ecies.decrypt(BigInteger.ZERO, new byte[200]))
                .isInstanceOf(EnvelopeException.class)
                .hasFieldOrPropertyWithValue("reason", Reason.WRONG_KEY)
                .hasMessage("WRONG_KEY: the private key is not a secp256k1 key");
    }

    /** RFC 5869 with the JDK's HMAC: no salt (32 zero bytes), no info, one 32-byte block. */
    private static byte[] hkdfSha256(byte[] ikm) throws Exception {
        Mac hmac = Mac.getInstance("HmacSHA256");
        hmac.init(new SecretKeySpec(new byte[32], "HmacSHA256"));
        byte[] pseudoRandomKey = hmac.doFinal(ikm);
        hmac.init(new SecretKeySpec(pseudoRandomKey, "HmacSHA256"));
        return hmac.doFinal(new byte[] {0x01});
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    private static Properties properties(String resource) {
        try (InputStream in = EciesTest.class.getResourceAsStream(resource)) {
            Properties properties = new Properties();
            properties.load(in);
            return properties;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
