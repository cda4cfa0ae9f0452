package org.regmail.core.envelope;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.stream.IntStream;
import org.bouncycastle.util.encoders.Hex;
import org.regmail.core.commitment.ContentCommitment;

/**
 * Writes the golden {@code Registered-Mail} header values of {@code src/test/resources/envelope}
 * and the Java → eciesjs vector that {@code src/test/js/make-ecies-vector.mjs} checks. Every
 * vector is sealed to the TEST server key of {@code test-keys.properties}, with a seeded random
 * source, so running it again rewrites the same bytes.
 *
 * <pre>
 * ./mvnw -B -o -pl core test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=org.regmail.core.envelope.GoldenEnvelopeVectors \
 *     -Dexec.args=core/src/test/resources/envelope
 * </pre>
 *
 * {@code GoldenEnvelopeVectorsTest} states, on its own, what opening each file must give.
 */
public final class GoldenEnvelopeVectors {

    static final long CHAIN_ID = 31337;
    static final String REGISTRATION = "0x8464135c8f25da09e49bc8782676a84730c318bc";
    static final byte[] LOCAL_ID =
            Hex.decode("0000000000000000000001a2b3c4d5e60000000000000000000000000000002a");
    static final byte[] SALT =
            Hex.decode("5a17b0c3d2e1f40918273645a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f");
    static final List<Integer> INDEXES = List.of(0, 2, 5);

    private final Path folder;
    private final SecureRandom random = new SeededRandom("regmail golden envelope vectors");
    private final byte[] serverKey = TestKeys.directoryKey(TestKeys.server());
    private final byte[] commitment;

    private GoldenEnvelopeVectors(Path folder) throws IOException {
        this.folder = folder;
        byte[] contentHash = ContentCommitment.contentHash(fixture("/commitment/submitted.eml"));
        this.commitment = ContentCommitment.contentCommitment(SALT, contentHash);
    }

    public static void main(String[] args) throws Exception {
        Path folder = Path.of(args.length > 0 ? args[0] : "src/test/resources/envelope");
        new GoldenEnvelopeVectors(folder).writeAll();
        System.out.println("golden envelope vectors written to " + folder.toAbsolutePath());
    }

    private void writeAll() throws Exception {
        RegistrationEnvelope valid = signed(CHAIN_ID, INDEXES);
        String validValue = RegisteredMailHeader.seal(valid, serverKey, random);
        write("valid-v1.txt", validValue);
        write("valid-v1-folded.txt", fold(validValue));
        write("valid-v1-one-recipient.txt", seal(signed(CHAIN_ID, List.of(3))));
        write("valid-v1-200-recipients.txt",
                seal(signed(CHAIN_ID, IntStream.range(0, 200).boxed().toList())));
        write("signed-over-other-content.txt", seal(RegistrationEnvelope.sign(CHAIN_ID,
                REGISTRATION, LOCAL_ID, SALT, INDEXES, new byte[32], TestKeys.owner())));
        write("wrong-chain.txt", seal(signed(1, INDEXES)));
        write("sealed-to-another-server.txt", RegisteredMailHeader.seal(valid,
                TestKeys.directoryKey(TestKeys.otherServer()), random));

        write("wrong-version.txt", "v2;" + validValue.substring(validValue.indexOf(';') + 1));
        write("missing-version.txt", validValue.substring(validValue.indexOf(';') + 2));
        write("non-ascii.txt", validValue.substring(0, 40) + "é" + validValue.substring(41));
        write("not-base64url.txt", "v1; " + Base64.getEncoder().encodeToString(
                Ecies.encrypt(serverKey, valid.encode(), random)));
        write("garbage.txt", "v1; this is not an envelope, just some words!");
        write("truncated.txt", validValue.substring(0, 200));
        write("oversized.txt",
                validValue + " " + "A".repeat(RegisteredMailHeader.MAX_VALUE_LENGTH));
        write("tampered-ciphertext.txt", tamper(validValue));

        byte[] plaintext = valid.encode();
        write("wrong-envelope-version.txt", sealRaw(withByte(plaintext, 0, 2)));
        write("truncated-envelope.txt",
                sealRaw(Arrays.copyOf(plaintext, plaintext.length - 10)));
        write("trailing-bytes.txt",
                sealRaw(Arrays.copyOf(plaintext, plaintext.length + 1)));
        // Indexes sit at offset 94; the envelope holds [0, 2, 5].
        write("duplicate-indexes.txt", sealRaw(withByte(plaintext, 95, 0)));
        write("index-out-of-range.txt", sealRaw(withByte(plaintext, 96, 200)));
        write("unordered-indexes.txt", sealRaw(withByte(plaintext, 94, 3)));
        write("bad-signature-v.txt", sealRaw(withByte(plaintext, plaintext.length - 1, 29)));

        byte[] javaPlaintext = "Registered mail interoperability vector: Java encrypted this."
                .getBytes(US_ASCII);
        Files.writeString(folder.resolve("java-ecies-vector.properties"), String.join("\n",
                "# Made by GoldenEnvelopeVectors (Java, BouncyCastle) for src/test/js to decrypt",
                "# with eciesjs. Sealed to server.privateKey of test-keys.properties (a TEST KEY).",
                "plaintext=" + Hex.toHexString(javaPlaintext),
                "ciphertext=" + Hex.toHexString(Ecies.encrypt(serverKey, javaPlaintext, random)),
                ""), US_ASCII);
    }

    private RegistrationEnvelope signed(long chainId, List<Integer> indexes) {
        return RegistrationEnvelope.sign(chainId, REGISTRATION, LOCAL_ID, SALT, indexes,
                commitment, TestKeys.owner());
    }

    private String seal(RegistrationEnvelope envelope) throws EnvelopeException {
        return RegisteredMailHeader.seal(envelope, serverKey, random);
    }

    /** Seals bytes that no RegistrationEnvelope would encode to. */
    private String sealRaw(byte[] plaintext) throws EnvelopeException {
        return "v1; " + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(Ecies.encrypt(serverKey, plaintext, random));
    }

    /** Folds as an MTA may: CRLF and one space every 70 characters. */
    private static String fold(String value) {
        StringBuilder folded = new StringBuilder();
        for (int i = 0; i < value.length(); i += 70) {
            if (i > 0) {
                folded.append("\r\n ");
            }
            folded.append(value, i, Math.min(value.length(), i + 70));
        }
        return folded.toString();
    }

    /** Changes one base64url character inside the encrypted part (past key, nonce and tag). */
    private static String tamper(String value) {
        int at = value.length() - 20;
        char replacement = value.charAt(at) == 'A' ? 'B' : 'A';
        return value.substring(0, at) + replacement + value.substring(at + 1);
    }

    private static byte[] withByte(byte[] bytes, int offset, int value) {
        byte[] changed = bytes.clone();
        changed[offset] = (byte) value;
        return changed;
    }

    private void write(String name, String headerValue) throws IOException {
        Files.writeString(folder.resolve(name), headerValue + "\n", UTF_8);
    }

    private static byte[] fixture(String resource) throws IOException {
        try (InputStream in = GoldenEnvelopeVectors.class.getResourceAsStream(resource)) {
            return in.readAllBytes();
        }
    }

    /**
     * SHA-256 in counter mode over a fixed seed: the same bytes on every run, so regenerated
     * vectors do not change. Only for test vectors sealed to published test keys.
     */
    static final class SeededRandom extends SecureRandom {

        private static final long serialVersionUID = 1L;

        private final byte[] seed;
        private long counter;

        SeededRandom(String seed) {
            super(new byte[0]);
            this.seed = seed.getBytes(US_ASCII);
        }

        @Override
        public synchronized void nextBytes(byte[] bytes) {
            int filled = 0;
            while (filled < bytes.length) {
                byte[] block = block(counter++);
                int n = Math.min(block.length, bytes.length - filled);
                System.arraycopy(block, 0, bytes, filled, n);
                filled += n;
            }
        }

        @Override
        public void setSeed(long ignored) {
            // The seed is fixed; Random's constructor calls this before the fields are set.
        }

        private byte[] block(long index) {
            try {
                MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
                sha256.update(seed);
                sha256.update(Long.toString(index).getBytes(US_ASCII));
                return sha256.digest();
            } catch (NoSuchAlgorithmException missing) {
                throw new IllegalStateException(missing);
            }
        }
    }
}
