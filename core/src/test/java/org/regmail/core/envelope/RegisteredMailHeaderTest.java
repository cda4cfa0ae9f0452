package org.regmail.core.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.bouncycastle.util.encoders.Hex;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.regmail.core.envelope.EnvelopeException.Reason;
import org.web3j.crypto.ECKeyPair;

class RegisteredMailHeaderTest {

    private static final long CHAIN_ID = 31337;
    private static final ECKeyPair SERVER = TestKeys.server();
    private static final ECKeyPair NEXT_SERVER = TestKeys.otherServer();
    private static final byte[] SALT = filled(0x5a);
    private static final byte[] COMMITMENT = filled(0x33);
    private static final RegistrationEnvelope ENVELOPE = RegistrationEnvelope.sign(CHAIN_ID,
            "0x8464135c8f25da09e49bc8782676a84730c318bc", filled(0x11), SALT, List.of(0, 2, 5),
            COMMITMENT, TestKeys.owner());

    @Nested
    class SealAndOpen {

        @Test
        void shouldOpenWhatWasSealedToThisServer() throws Exception {
            String value = RegisteredMailHeader.seal(ENVELOPE, TestKeys.directoryKey(SERVER));

            assertThat(RegisteredMailHeader.open(value, SERVER)).isEqualTo(ENVELOPE);
        }

        @Test
        void shouldWriteAVersionTagAndUnpaddedBase64UrlOnOneLine() throws Exception {
            String value = RegisteredMailHeader.seal(ENVELOPE, TestKeys.directoryKey(SERVER));

            assertThat(value).matches("v1; [A-Za-z0-9_-]+").hasSize(350);
            assertThat(RegisteredMailHeader.NAME).isEqualTo("Registered-Mail");
        }

        @Test
        void shouldSealToTheUncompressedKeyAsToTheDirectoryKey() throws Exception {
            String value = RegisteredMailHeader.seal(ENVELOPE,
                    Ecies.publicKeyOf(SERVER.getPrivateKey()));

            assertThat(RegisteredMailHeader.open(value, SERVER)).isEqualTo(ENVELOPE);
        }

        @Test
        void shouldOpenAHeaderRefoldedWithTabsAndSurroundingWhitespace() throws Exception {
            String value = RegisteredMailHeader.seal(ENVELOPE, TestKeys.directoryKey(SERVER));
            String refolded = " " + value.substring(0, 3) + "\r\n\t" + value.substring(3, 100)
                    + "\r\n  " + value.substring(100) + "\r\n";

            assertThat(RegisteredMailHeader.open(refolded, SERVER)).isEqualTo(ENVELOPE);
        }

        @Test
        void shouldOpenAnEnvelopeForTheChainThisServerRecordsOn() throws Exception {
            String value = RegisteredMailHeader.seal(ENVELOPE, TestKeys.directoryKey(SERVER));

            assertThat(RegisteredMailHeader.open(value, SERVER, CHAIN_ID).chainId())
                    .isEqualTo(CHAIN_ID);
        }

        @Test
        void shouldRejectEnvelopeSealedToAnotherServer() throws Exception {
            String value = RegisteredMailHeader.seal(ENVELOPE,
                    TestKeys.directoryKey(NEXT_SERVER));

            assertThatThrownBy(() -> RegisteredMailHeader.open(value, SERVER))
                    .isInstanceOf(EnvelopeException.class)
                    .hasFieldOrPropertyWithValue("reason", Reason.WRONG_KEY);
        }

        @Test
        void shouldRejectEnvelopeMadeForAnotherChain() throws Exception {
            String value = RegisteredMailHeader.seal(ENVELOPE, TestKeys.directoryKey(SERVER));

            assertThatThrownBy(() -> RegisteredMailHeader.open(value, SERVER, 1))
                    .isInstanceOf(EnvelopeException.class)
                    .hasFieldOrPropertyWithValue("reason", Reason.WRONG_CHAIN)
                    .hasMessage("WRONG_CHAIN: envelope is for chain 31337, this server records "
                            + "on chain 1");
        }

        @Test
        void shouldRefuseToSealToAKeyOffTheCurve() {
            byte[] broken = TestKeys.directoryKey(SERVER);
            broken[10] ^= 0x01;

            assertThatThrownBy(() -> RegisteredMailHeader.seal(ENVELOPE, broken))
                    .isInstanceOf(EnvelopeException.class)
                    .hasFieldOrPropertyWithValue("reason", Reason.INVALID_PUBLIC_KEY);
        }
    }

    @Nested
    class NextHop {

        @Test
        void shouldRewrapForTheNextServerWithOnlyItsRecipients() throws Exception {
            String value = RegisteredMailHeader.seal(ENVELOPE, TestKeys.directoryKey(SERVER));

            String rewrapped = RegisteredMailHeader.rewrap(value, SERVER,
                    TestKeys.directoryKey(NEXT_SERVER), List.of(5, 2));

            RegistrationEnvelope forNextHop = RegisteredMailHeader.open(rewrapped, NEXT_SERVER);
            assertThat(forNextHop.recipientIndexes()).containsExactly(2, 5);
            assertThat(forNextHop.registration()).isEqualTo(ENVELOPE.registration());
            assertThat(forNextHop.salt()).isEqualTo(SALT);
            assertThat(forNextHop.recoverOwner(COMMITMENT))
                    .isEqualTo(TestKeys.address(TestKeys.owner()));
        }

        @Test
        void shouldNotLetThePreviousServerOpenTheRewrappedHeader() throws Exception {
            String value = RegisteredMailHeader.seal(ENVELOPE, TestKeys.directoryKey(SERVER));
            String rewrapped = RegisteredMailHeader.rewrap(value, SERVER,
                    TestKeys.directoryKey(NEXT_SERVER), List.of(0));

            assertThatThrownBy(() -> RegisteredMailHeader.open(rewrapped, SERVER))
                    .isInstanceOf(EnvelopeException.class)
                    .hasFieldOrPropertyWithValue("reason", Reason.WRONG_KEY);
        }

        @Test
        void shouldRefuseToRewrapForARecipientTheEnvelopeDoesNotHold() throws Exception {
            String value = RegisteredMailHeader.seal(ENVELOPE, TestKeys.directoryKey(SERVER));

            assertThatThrownBy(() -> RegisteredMailHeader.rewrap(value, SERVER,
                    TestKeys.directoryKey(NEXT_SERVER), List.of(1)))
                    .isInstanceOf(EnvelopeException.class)
                    .hasFieldOrPropertyWithValue("reason", Reason.BAD_INDEXES);
        }

        @Test
        void shouldRefuseToRewrapAHeaderSealedToSomeoneElse() throws Exception {
            String value = RegisteredMailHeader.seal(ENVELOPE,
                    TestKeys.directoryKey(NEXT_SERVER));

            assertThatThrownBy(() -> RegisteredMailHeader.rewrap(value, SERVER,
                    TestKeys.directoryKey(NEXT_SERVER), List.of(0)))
                    .isInstanceOf(EnvelopeException.class)
                    .hasFieldOrPropertyWithValue("reason", Reason.WRONG_KEY);
        }
    }

    @Nested
    class HostileValues {

        @Test
        void shouldRefuseAnOversizedValueBeforeLookingAtItsCharacters() {
            String value = "v1; " + "é".repeat(RegisteredMailHeader.MAX_VALUE_LENGTH);

            assertRejected(value, Reason.OVERSIZED,
                    "OVERSIZED: header value is 2052 characters, more than 2048");
        }

        @Test
        void shouldRefuseACiphertextLongerThanTheLargestEnvelope() {
            String value = "v1; " + "A".repeat(1000);

            assertRejected(value, Reason.OVERSIZED, "OVERSIZED: envelope ciphertext is 750 "
                    + "bytes, longer than the largest sealed envelope (456)");
        }

        @Test
        void shouldRefuseAMissingValue() {
            assertRejected(null, Reason.MALFORMED, "MALFORMED: header has no value");
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "   ", "hello", "V1; AAAA", "v; AAAA", "1; AAAA", "v1 AAAA"})
        void shouldRefuseAValueWithoutVersionTag(String value) {
            assertRejected(value, Reason.MALFORMED, "MALFORMED: header value does not start "
                    + "with a version tag such as \"v1;\"");
        }

        @Test
        void shouldRefuseAVersionTagWithoutSemicolon() {
            assertRejected("v1", Reason.MALFORMED,
                    "MALFORMED: header value has no ';' after its version");
        }

        @ParameterizedTest
        @ValueSource(strings = {"v0; AAAA", "v2; AAAA", "v10; AAAA", "v2"})
        void shouldRefuseAnotherHeaderVersion(String value) {
            String tag = value.split(";")[0];

            assertRejected(value, Reason.UNSUPPORTED_VERSION, "UNSUPPORTED_VERSION: header "
                    + "version " + tag + " is not supported (this server reads v1)");
        }

        @Test
        void shouldRefuseNonAsciiNamingItsPositionButNotEchoingTheValue() {
            assertRejected("v1; AAAA\u00e9AAAA", Reason.MALFORMED, "MALFORMED: header value "
                    + "holds a non-ASCII or control character (U+00E9) at position 8");
        }

        @Test
        void shouldRefuseAControlCharacter() {
            assertRejected("v1; AA\u0000AA", Reason.MALFORMED, "MALFORMED: header value holds "
                    + "a non-ASCII or control character (U+0000) at position 6");
        }

        @ParameterizedTest
        @ValueSource(strings = {"v1; AAAA+AAA", "v1; AAAA/AAA", "v1; AAAAAA==", "v1; AA.A"})
        void shouldRefuseCharactersOutsideUnpaddedBase64Url(String value) {
            Throwable thrown = catchThrowable(() -> RegisteredMailHeader.open(value, SERVER));

            assertThat(thrown).isInstanceOf(EnvelopeException.class)
                    .hasFieldOrPropertyWithValue("reason", Reason.MALFORMED)
                    .hasMessageContaining("is not base64url without padding");
        }

        @Test
        void shouldRefuseABase64LengthNoBytesEncodeTo() {
            assertRejected("v1; " + "A".repeat(345), Reason.MALFORMED, "MALFORMED: envelope is "
                    + "345 base64url characters, a length no byte string encodes to");
        }

        @Test
        void shouldRefuseAnEmptyOrShortCiphertextAsTruncated() {
            assertRejected("v1;", Reason.TRUNCATED, "TRUNCATED: envelope ciphertext is 0 bytes, "
                    + "shorter than the smallest sealed envelope (257)");
            assertRejected("v1; AAAA", Reason.TRUNCATED, "TRUNCATED: envelope ciphertext is 3 "
                    + "bytes, shorter than the smallest sealed envelope (257)");
        }

        @Test
        void shouldRefuseATamperedCiphertext() throws Exception {
            String value = RegisteredMailHeader.seal(ENVELOPE, TestKeys.directoryKey(SERVER));
            int at = value.length() - 30;
            String tampered = value.substring(0, at) + (value.charAt(at) == 'x' ? 'y' : 'x')
                    + value.substring(at + 1);

            assertRejected(tampered, Reason.WRONG_KEY, "WRONG_KEY: ECIES authentication tag "
                    + "does not verify with this key: sealed to another key, or altered in "
                    + "transit");
        }

        @Test
        void shouldRefuseEveryTruncationOfAValidHeaderWithATypedError() throws Exception {
            String value = RegisteredMailHeader.seal(ENVELOPE, TestKeys.directoryKey(SERVER));

            for (int length = 0; length < value.length(); length++) {
                String cut = value.substring(0, length);
                assertThat(catchThrowable(() -> RegisteredMailHeader.open(cut, SERVER)))
                        .as("cut at %d", length)
                        .isInstanceOf(EnvelopeException.class);
            }
        }

        @Test
        void shouldThrowOnlyEnvelopeExceptionsWithoutSecretsForMutatedHeaders()
                throws Exception {
            String value = RegisteredMailHeader.seal(ENVELOPE, TestKeys.directoryKey(SERVER));
            String alphabet = "ABCxyz019-_;: \r\n\t=+/é\u0000v";
            Random random = new Random(31337);
            List<String> secrets = List.of(Hex.toHexString(SALT),
                    SERVER.getPrivateKey().toString(16), SERVER.getPrivateKey().toString());

            for (int round = 0; round < 3_000; round++) {
                char[] chars = value.toCharArray();
                int changes = 1 + random.nextInt(3);
                for (int i = 0; i < changes; i++) {
                    chars[random.nextInt(chars.length)] =
                            alphabet.charAt(random.nextInt(alphabet.length()));
                }
                String mutated = new String(chars);

                Throwable thrown = catchThrowable(() -> RegisteredMailHeader.open(mutated,
                        SERVER, CHAIN_ID));

                if (thrown != null) {
                    assertThat(thrown).as(mutated).isInstanceOf(EnvelopeException.class);
                    for (String secret : secrets) {
                        assertThat(thrown.getMessage()).doesNotContain(secret);
                    }
                }
            }
        }
    }

    private static void assertRejected(String value, Reason reason, String message) {
        assertThatThrownBy(() -> RegisteredMailHeader.open(value, SERVER))
                .isInstanceOf(EnvelopeException.class)
                .hasFieldOrPropertyWithValue("reason", reason)
                .hasMessage(message);
    }

    private static byte[] filled(int value) {
        byte[] bytes = new byte[32];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }
}
