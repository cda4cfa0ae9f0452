package org.regmail.core.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.bouncycastle.util.encoders.Hex;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.regmail.core.envelope.EnvelopeException.Reason;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.crypto.Hash;
import org.web3j.crypto.Sign;

class RegistrationEnvelopeTest {

    private static final long CHAIN_ID = 31337;
    private static final String REGISTRATION = "0x8464135c8f25da09e49bc8782676a84730c318bc";
    private static final byte[] LOCAL_ID = filled(32, 0x11);
    private static final byte[] SALT = filled(32, 0x22);
    private static final byte[] COMMITMENT = filled(32, 0x33);
    private static final String OWNER = TestKeys.address(TestKeys.owner());

    @Nested
    class OwnerSignature {

        @Test
        void shouldRecoverTheOwnerWhoSignedTheContentCommitment() throws Exception {
            RegistrationEnvelope envelope = signed(List.of(0, 1));

            assertThat(envelope.recoverOwner(COMMITMENT)).isEqualTo(OWNER);
        }

        @Test
        void shouldRecoverSomeoneElseFromAnotherContentCommitment() throws Exception {
            RegistrationEnvelope envelope = signed(List.of(0));

            assertThat(envelope.recoverOwner(filled(32, 0x34))).isNotEqualTo(OWNER);
        }

        @Test
        void shouldVerifyTheExpectedOwnerWhateverTheAddressCase() throws Exception {
            RegistrationEnvelope envelope = signed(List.of(0));

            envelope.verifyOwner(COMMITMENT, OWNER.toUpperCase().replace("0X", "0x"));
        }

        @Test
        void shouldRejectAnEnvelopeSignedBySomeoneElse() {
            RegistrationEnvelope envelope = signed(List.of(0));
            String stranger = TestKeys.address(TestKeys.otherServer());

            assertThatThrownBy(() -> envelope.verifyOwner(COMMITMENT, stranger))
                    .isInstanceOf(EnvelopeException.class)
                    .hasFieldOrPropertyWithValue("reason", Reason.BAD_SIGNATURE)
                    .hasMessage("BAD_SIGNATURE: owner signature was made by " + OWNER
                            + " over this content, not by " + stranger);
        }

        @Test
        void shouldSignTheKeccakOfTheAbiEncodedChainRegistrationAndCommitment() {
            String abiEncoded = FunctionEncoder.encodeConstructor(List.of(
                    new Uint256(CHAIN_ID), new Address(REGISTRATION), new Bytes32(COMMITMENT)));

            assertThat(RegistrationEnvelope.ownerMessage(CHAIN_ID, REGISTRATION, COMMITMENT))
                    .isEqualTo(Hash.sha3(Hex.decode(abiEncoded)));
        }

        @Test
        void shouldSignWithThePersonalMessagePrefixOfEip191() throws Exception {
            RegistrationEnvelope envelope = signed(List.of(0));
            byte[] rsv = envelope.ownerSignature();
            byte[] prefixed = Hash.sha3(concat(
                    "\u0019Ethereum Signed Message:\n32".getBytes(),
                    RegistrationEnvelope.ownerMessage(CHAIN_ID, REGISTRATION, COMMITMENT)));

            BigInteger signer = Sign.signedMessageHashToKey(prefixed, new Sign.SignatureData(
                    rsv[64], Arrays.copyOfRange(rsv, 0, 32), Arrays.copyOfRange(rsv, 32, 64)));

            assertThat(signer).isEqualTo(TestKeys.owner().getPublicKey());
        }

        @Test
        void shouldRejectAMalleatedSignatureWithHighS() {
            byte[] rsv = signed(List.of(0)).ownerSignature();
            BigInteger s = new BigInteger(1, Arrays.copyOfRange(rsv, 32, 64));
            byte[] highS = toBytes32(Sign.CURVE_PARAMS.getN().subtract(s));
            System.arraycopy(highS, 0, rsv, 32, 32);
            rsv[64] = (byte) (rsv[64] == 27 ? 28 : 27);
            RegistrationEnvelope malleated = withSignature(rsv);

            assertThatThrownBy(() -> malleated.recoverOwner(COMMITMENT))
                    .isInstanceOf(EnvelopeException.class)
                    .hasFieldOrPropertyWithValue("reason", Reason.BAD_SIGNATURE)
                    .hasMessageContaining("lower half of the curve order");
        }

        @Test
        void shouldRejectASignatureWithZeroR() {
            byte[] rsv = signed(List.of(0)).ownerSignature();
            Arrays.fill(rsv, 0, 32, (byte) 0);
            RegistrationEnvelope broken = withSignature(rsv);

            assertThatThrownBy(() -> broken.recoverOwner(COMMITMENT))
                    .isInstanceOf(EnvelopeException.class)
                    .hasFieldOrPropertyWithValue("reason", Reason.BAD_SIGNATURE);
        }

        @Test
        void shouldRejectASignatureFromWhichNoKeyRecovers() {
            // r = 5 is not the x coordinate of any curve point.
            byte[] rsv = signed(List.of(0)).ownerSignature();
            Arrays.fill(rsv, 0, 32, (byte) 0);
            rsv[31] = 5;
            RegistrationEnvelope broken = withSignature(rsv);

            assertThatThrownBy(() -> broken.recoverOwner(COMMITMENT))
                    .isInstanceOf(EnvelopeException.class)
                    .hasFieldOrPropertyWithValue("reason", Reason.BAD_SIGNATURE)
                    .hasMessage("BAD_SIGNATURE: no public key recovers from the owner signature");
        }

        @Test
        void shouldGiveTheMastersCreate2SaltForAnOwner() {
            String abiEncoded = FunctionEncoder.encodeConstructor(List.of(
                    new Address(OWNER), new Bytes32(LOCAL_ID)));

            assertThat(signed(List.of(0)).registrationSalt(OWNER))
                    .isEqualTo(Hash.sha3(Hex.decode(abiEncoded)));
        }
    }

    @Nested
    class BinaryLayout {

        @Test
        void shouldEncodeEachFieldAtItsDocumentedOffset() {
            RegistrationEnvelope envelope = signed(List.of(7, 3, 199));

            byte[] encoded = envelope.encode();

            assertThat(encoded).hasSize(159 + 3);
            assertThat(encoded[0]).isEqualTo((byte) 1);
            assertThat(Hex.toHexString(Arrays.copyOfRange(encoded, 1, 9)))
                    .isEqualTo("0000000000007a69");
            assertThat("0x" + Hex.toHexString(Arrays.copyOfRange(encoded, 9, 29)))
                    .isEqualTo(REGISTRATION);
            assertThat(Arrays.copyOfRange(encoded, 29, 61)).isEqualTo(LOCAL_ID);
            assertThat(Arrays.copyOfRange(encoded, 61, 93)).isEqualTo(SALT);
            assertThat(Arrays.copyOfRange(encoded, 93, 97)).containsExactly(3, 3, 7, 199);
            assertThat(Arrays.copyOfRange(encoded, 97, 162))
                    .isEqualTo(envelope.ownerSignature());
        }

        @Test
        void shouldDecodeWhatItEncoded() throws Exception {
            RegistrationEnvelope envelope = signed(List.of(4, 0, 9));

            assertThat(RegistrationEnvelope.decode(envelope.encode())).isEqualTo(envelope);
        }

        @Test
        void shouldDecodeTheLargestEnvelope() throws Exception {
            RegistrationEnvelope envelope = signed(IntStream.range(0, 200).boxed().toList());

            byte[] encoded = envelope.encode();

            assertThat(encoded).hasSize(RegistrationEnvelope.MAX_ENCODED_LENGTH).hasSize(359);
            assertThat(RegistrationEnvelope.decode(encoded)).isEqualTo(envelope);
        }

        @Test
        void shouldRefuseAnEmptyEnvelope() {
            assertDecodeFails(new byte[0], Reason.TRUNCATED, "TRUNCATED: envelope is empty");
        }

        @Test
        void shouldRefuseAnEnvelopeLongerThanTheLargestBeforeReadingIt() {
            assertDecodeFails(new byte[360], Reason.OVERSIZED,
                    "OVERSIZED: envelope is 360 bytes, more than the 359 of its largest form");
        }

        @Test
        void shouldRefuseAnotherLayoutVersion() {
            byte[] encoded = signed(List.of(0)).encode();
            encoded[0] = 2;

            assertDecodeFails(encoded, Reason.UNSUPPORTED_VERSION, "UNSUPPORTED_VERSION: "
                    + "envelope layout version 2 is not supported (this code reads 1)");
        }

        @Test
        void shouldRefuseAnEnvelopeCutBeforeItsRecipientCount() {
            byte[] encoded = Arrays.copyOf(signed(List.of(0)).encode(), 93);

            assertDecodeFails(encoded, Reason.TRUNCATED,
                    "TRUNCATED: envelope is 93 bytes, cut before its recipient count");
        }

        @Test
        void shouldRefuseAnEnvelopeCutInItsSignature() {
            byte[] encoded = Arrays.copyOf(signed(List.of(0, 1)).encode(), 150);

            assertDecodeFails(encoded, Reason.TRUNCATED,
                    "TRUNCATED: envelope is 150 bytes, expected 161 for 2 recipients");
        }

        @ParameterizedTest
        @ValueSource(ints = {0, 201, 255})
        void shouldRefuseARecipientCountOutOfRange(int count) {
            byte[] encoded = signed(List.of(0)).encode();
            encoded[93] = (byte) count;

            assertDecodeFails(encoded, Reason.BAD_INDEXES, "BAD_INDEXES: envelope names "
                    + count + " recipients, expected 1 to 200");
        }

        @Test
        void shouldRefuseAChainIdThatDoesNotFitALong() {
            byte[] encoded = signed(List.of(0)).encode();
            encoded[1] = (byte) 0x80;

            assertDecodeFails(encoded, Reason.MALFORMED,
                    "MALFORMED: chain id does not fit 1 .. 2^63-1");
        }

        @Test
        void shouldRefuseChainIdZero() {
            byte[] encoded = signed(List.of(0)).encode();
            Arrays.fill(encoded, 1, 9, (byte) 0);

            assertDecodeFails(encoded, Reason.MALFORMED,
                    "MALFORMED: chain id does not fit 1 .. 2^63-1");
        }

        @ParameterizedTest
        @ValueSource(ints = {0, 1, 26, 29, 255})
        void shouldRefuseASignatureRecoveryByteOtherThan27Or28(int v) {
            byte[] encoded = signed(List.of(0)).encode();
            encoded[encoded.length - 1] = (byte) v;

            assertDecodeFails(encoded, Reason.BAD_SIGNATURE, "BAD_SIGNATURE: owner signature v is "
                    + v + ", expected 27 or 28");
        }

        @Test
        void shouldThrowNothingButEnvelopeExceptionForAnyBytes() {
            Random random = new Random(20261203);
            byte[] valid = signed(List.of(1, 2, 3)).encode();
            int decoded = 0;

            for (int round = 0; round < 20_000; round++) {
                byte[] candidate = round % 2 == 0
                        ? randomBytes(random, random.nextInt(400))
                        : mutate(valid, random);
                Throwable thrown = catchThrowable(() -> RegistrationEnvelope.decode(candidate));
                if (thrown == null) {
                    decoded++;
                } else {
                    assertThat(thrown).isInstanceOf(EnvelopeException.class);
                }
            }

            assertThat(decoded).isPositive();
        }
    }

    @Nested
    class Fields {

        @Test
        void shouldKeepRecipientIndexesAscending() {
            assertThat(signed(List.of(5, 0, 2)).recipientIndexes()).containsExactly(0, 2, 5);
        }

        @Test
        void shouldKeepTheRegistrationAddressInLowerCase() {
            RegistrationEnvelope envelope = new RegistrationEnvelope(1, CHAIN_ID,
                    "0x8464135C8F25DA09E49BC8782676A84730C318BC", LOCAL_ID, SALT, List.of(0),
                    new byte[65]);

            assertThat(envelope.registration()).isEqualTo(REGISTRATION);
        }

        @Test
        void shouldHandOutCopiesOfItsBytes() {
            RegistrationEnvelope envelope = signed(List.of(0));

            envelope.salt()[0] = 0;
            envelope.localId()[0] = 0;
            envelope.ownerSignature()[0] = 0;

            assertThat(envelope).isEqualTo(signed(List.of(0)));
            assertThat(envelope.salt()).isEqualTo(SALT);
        }

        @Test
        void shouldLeaveTheSaltAndSignatureOutOfItsText() {
            RegistrationEnvelope envelope = signed(List.of(0, 2));

            assertThat(envelope.toString())
                    .isEqualTo("RegistrationEnvelope[v1, chain 31337, registration " + REGISTRATION
                            + ", local ID 0x" + "11".repeat(32) + ", recipients [0, 2]]")
                    .doesNotContain(Hex.toHexString(SALT))
                    .doesNotContain(Hex.toHexString(envelope.ownerSignature()));
        }

        @Test
        void shouldRejectRepeatedRecipientIndexes() {
            assertThatThrownBy(() -> signed(List.of(1, 4, 1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("recipient index 1 is given twice");
        }

        @ParameterizedTest
        @ValueSource(ints = {-1, 200, 256})
        void shouldRejectARecipientIndexOutOfRange(int index) {
            assertThatThrownBy(() -> signed(List.of(index)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("recipient index " + index + " is out of range 0 .. 199");
        }

        @Test
        void shouldRejectNoRecipientAndMoreThanTwoHundred() {
            assertThatThrownBy(() -> signed(List.of()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("an envelope needs at least one recipient index");
            assertThatThrownBy(() -> signed(IntStream.range(0, 201).boxed().toList()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("201 recipient indexes, more than 200");
        }

        @Test
        void shouldRejectFieldsOfTheWrongSize() {
            assertThatThrownBy(() -> new RegistrationEnvelope(1, CHAIN_ID, REGISTRATION,
                    new byte[31], SALT, List.of(0), new byte[65]))
                    .hasMessage("local ID must be 32 bytes, not 31");
            assertThatThrownBy(() -> new RegistrationEnvelope(1, CHAIN_ID, REGISTRATION,
                    LOCAL_ID, SALT, List.of(0), new byte[64]))
                    .hasMessage("owner signature must be 65 bytes, not 64");
            assertThatThrownBy(() -> new RegistrationEnvelope(1, CHAIN_ID, "0x1234",
                    LOCAL_ID, SALT, List.of(0), new byte[65]))
                    .hasMessage("registration must be 0x and 40 hex digits");
            assertThatThrownBy(() -> new RegistrationEnvelope(2, CHAIN_ID, REGISTRATION,
                    LOCAL_ID, SALT, List.of(0), new byte[65]))
                    .hasMessage("version must be 1, not 2");
            assertThatThrownBy(() -> new RegistrationEnvelope(1, 0, REGISTRATION,
                    LOCAL_ID, SALT, List.of(0), new byte[65]))
                    .hasMessage("chain id must be positive, not 0");
        }
    }

    @Nested
    class NextHop {

        @Test
        void shouldNarrowTheEnvelopeToASubsetKeepingTheOwnerSignature() throws Exception {
            RegistrationEnvelope envelope = signed(List.of(0, 2, 5));

            RegistrationEnvelope narrowed = envelope.forRecipients(List.of(5, 2));

            assertThat(narrowed.recipientIndexes()).containsExactly(2, 5);
            assertThat(narrowed.ownerSignature()).isEqualTo(envelope.ownerSignature());
            assertThat(narrowed.recoverOwner(COMMITMENT)).isEqualTo(OWNER);
        }

        @Test
        void shouldRefuseAnIndexTheEnvelopeDoesNotHold() {
            RegistrationEnvelope envelope = signed(List.of(0, 2, 5));

            assertThatThrownBy(() -> envelope.forRecipients(List.of(2, 3)))
                    .isInstanceOf(EnvelopeException.class)
                    .hasFieldOrPropertyWithValue("reason", Reason.BAD_INDEXES)
                    .hasMessage("BAD_INDEXES: recipient index 3 is not among this envelope's "
                            + "[0, 2, 5]");
        }

        @Test
        void shouldRefuseAnEmptyOrRepeatedSubset() {
            RegistrationEnvelope envelope = signed(List.of(0, 2, 5));

            assertThatThrownBy(() -> envelope.forRecipients(List.of()))
                    .isInstanceOf(EnvelopeException.class)
                    .hasMessage("BAD_INDEXES: no recipient index to re-wrap for");
            assertThatThrownBy(() -> envelope.forRecipients(List.of(2, 2)))
                    .isInstanceOf(EnvelopeException.class)
                    .hasMessage("BAD_INDEXES: recipient index 2 is given twice");
        }
    }

    private static RegistrationEnvelope signed(List<Integer> indexes) {
        return RegistrationEnvelope.sign(CHAIN_ID, REGISTRATION, LOCAL_ID, SALT, indexes,
                COMMITMENT, TestKeys.owner());
    }

    private static RegistrationEnvelope withSignature(byte[] rsv) {
        return new RegistrationEnvelope(1, CHAIN_ID, REGISTRATION, LOCAL_ID, SALT, List.of(0),
                rsv);
    }

    private static void assertDecodeFails(byte[] encoded, Reason reason, String message) {
        assertThatThrownBy(() -> RegistrationEnvelope.decode(encoded))
                .isInstanceOf(EnvelopeException.class)
                .hasFieldOrPropertyWithValue("reason", reason)
                .hasMessage(message);
    }

    private static byte[] mutate(byte[] valid, Random random) {
        List<Byte> bytes = new ArrayList<>();
        for (byte b : valid) {
            bytes.add(b);
        }
        int at = random.nextInt(bytes.size());
        switch (random.nextInt(3)) {
            case 0 -> bytes.set(at, (byte) random.nextInt(256));
            case 1 -> bytes.remove(at);
            default -> bytes.add(at, (byte) random.nextInt(256));
        }
        byte[] mutated = new byte[bytes.size()];
        for (int i = 0; i < mutated.length; i++) {
            mutated[i] = bytes.get(i);
        }
        return mutated;
    }

    private static byte[] randomBytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        if (length > 0) {
            bytes[0] = 1;
        }
        return bytes;
    }

    private static byte[] filled(int length, int value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }

    private static byte[] toBytes32(BigInteger value) {
        byte[] raw = value.toByteArray();
        byte[] word = new byte[32];
        int copy = Math.min(raw.length, 32);
        System.arraycopy(raw, raw.length - copy, word, 32 - copy, copy);
        return word;
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }
}
