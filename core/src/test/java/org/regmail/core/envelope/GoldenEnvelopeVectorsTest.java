package org.regmail.core.envelope;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.stream.IntStream;
import org.bouncycastle.util.encoders.Hex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.regmail.core.commitment.ContentCommitment;
import org.regmail.core.envelope.EnvelopeException.Reason;

/**
 * Opens every checked-in vector of {@code src/test/resources/envelope} with the TEST server key
 * and states what must come out. The vectors are written by {@link GoldenEnvelopeVectors}; the
 * expectations here are written by hand.
 */
class GoldenEnvelopeVectorsTest {

    private static final long CHAIN_ID = 31337;
    private static final String REGISTRATION = "0x8464135c8f25da09e49bc8782676a84730c318bc";
    private static final String LOCAL_ID =
            "0000000000000000000001a2b3c4d5e60000000000000000000000000000002a";
    private static final String SALT =
            "5a17b0c3d2e1f40918273645a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f";

    @Test
    void shouldOpenTheValidVectorToItsRegistrationAndRecipients() throws Exception {
        RegistrationEnvelope envelope = open("valid-v1.txt");

        assertThat(envelope.version()).isEqualTo(1);
        assertThat(envelope.chainId()).isEqualTo(CHAIN_ID);
        assertThat(envelope.registration()).isEqualTo(REGISTRATION);
        assertThat(Hex.toHexString(envelope.localId())).isEqualTo(LOCAL_ID);
        assertThat(Hex.toHexString(envelope.salt())).isEqualTo(SALT);
        assertThat(envelope.recipientIndexes()).containsExactly(0, 2, 5);
    }

    @Test
    void shouldRecoverTheOwnerOfTheValidVectorFromTheMailItWasMadeFor() throws Exception {
        RegistrationEnvelope envelope = open("valid-v1.txt");
        byte[] contentHash = ContentCommitment.contentHash(resource("/commitment/submitted.eml"));
        byte[] commitment = ContentCommitment.contentCommitment(Hex.decode(SALT), contentHash);

        assertThat(envelope.recoverOwner(commitment)).isEqualTo(
                TestKeys.address(TestKeys.owner()));
    }

    @Test
    void shouldOpenAFoldedHeaderToTheSameEnvelope() throws Exception {
        assertThat(vector("valid-v1-folded.txt")).contains("\r\n ");

        assertThat(open("valid-v1-folded.txt")).isEqualTo(open("valid-v1.txt"));
    }

    @Test
    void shouldOpenTheSmallestAndTheLargestEnvelope() throws Exception {
        assertThat(open("valid-v1-one-recipient.txt").recipientIndexes()).containsExactly(3);
        assertThat(open("valid-v1-200-recipients.txt").recipientIndexes())
                .isEqualTo(IntStream.range(0, 200).boxed().toList());
    }

    @Test
    void shouldKeepEveryValidVectorWithinTheHeaderSizeLimit() {
        for (String name : List.of("valid-v1.txt", "valid-v1-200-recipients.txt")) {
            assertThat(vector(name).strip().length())
                    .isLessThanOrEqualTo(RegisteredMailHeader.MAX_VALUE_LENGTH);
        }
        assertThat(vector("valid-v1.txt").strip()).hasSize(350);
        assertThat(vector("valid-v1-200-recipients.txt").strip()).hasSize(612);
    }

    @Test
    void shouldRejectAnEnvelopeSignedOverOtherContent() throws Exception {
        RegistrationEnvelope envelope = open("signed-over-other-content.txt");
        byte[] contentHash = ContentCommitment.contentHash(resource("/commitment/submitted.eml"));
        byte[] commitment = ContentCommitment.contentCommitment(Hex.decode(SALT), contentHash);

        assertThatThrownBy(() -> envelope.verifyOwner(commitment,
                TestKeys.address(TestKeys.owner())))
                .isInstanceOf(EnvelopeException.class)
                .hasFieldOrPropertyWithValue("reason", Reason.BAD_SIGNATURE);
    }

    @Test
    void shouldRejectTheWrongChainVectorOnTheTestChain() {
        assertThatThrownBy(() -> RegisteredMailHeader.open(vector("wrong-chain.txt"),
                TestKeys.server(), CHAIN_ID))
                .isInstanceOf(EnvelopeException.class)
                .hasFieldOrPropertyWithValue("reason", Reason.WRONG_CHAIN)
                .hasMessage("WRONG_CHAIN: envelope is for chain 1, this server records on "
                        + "chain 31337");
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', textBlock = """
            wrong-version.txt            | UNSUPPORTED_VERSION | header version v2 is not supported
            wrong-envelope-version.txt   | UNSUPPORTED_VERSION | envelope layout version 2
            missing-version.txt          | MALFORMED           | does not start with a version tag
            non-ascii.txt                | MALFORMED           | non-ASCII or control character
            not-base64url.txt            | MALFORMED           | is not base64url without padding
            garbage.txt                  | MALFORMED           | is not base64url without padding
            trailing-bytes.txt           | MALFORMED           | 1 bytes after its owner signature
            truncated.txt                | TRUNCATED           | shorter than the smallest sealed
            truncated-envelope.txt       | TRUNCATED           | shorter than the smallest sealed
            oversized.txt                | OVERSIZED           | more than 2048
            tampered-ciphertext.txt      | WRONG_KEY           | tag does not verify
            sealed-to-another-server.txt | WRONG_KEY           | tag does not verify
            duplicate-indexes.txt        | BAD_INDEXES         | index 0 follows 0
            unordered-indexes.txt        | BAD_INDEXES         | index 2 follows 3
            index-out-of-range.txt       | BAD_INDEXES         | index 200 is out of range 0 .. 199
            bad-signature-v.txt          | BAD_SIGNATURE       | v is 29, expected 27 or 28
            """)
    void shouldRefuseEachInvalidVectorWithItsReason(String name, Reason reason, String message) {
        assertThatThrownBy(() -> open(name))
                .isInstanceOf(EnvelopeException.class)
                .hasFieldOrPropertyWithValue("reason", reason)
                .hasMessageStartingWith(reason + ": ")
                .hasMessageContaining(message);
    }

    @Test
    void shouldOpenTheVectorSealedToAnotherServerWithThatServersKey() throws Exception {
        RegistrationEnvelope envelope = RegisteredMailHeader.open(
                vector("sealed-to-another-server.txt"), TestKeys.otherServer());

        assertThat(envelope).isEqualTo(open("valid-v1.txt"));
    }

    private static RegistrationEnvelope open(String name) throws EnvelopeException {
        return RegisteredMailHeader.open(vector(name), TestKeys.server());
    }

    private static String vector(String name) {
        return new String(resource("/envelope/" + name), UTF_8);
    }

    private static byte[] resource(String path) {
        try (InputStream in = GoldenEnvelopeVectorsTest.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
