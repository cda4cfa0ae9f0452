package org.regmail.core.commitment;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import org.bouncycastle.crypto.digests.KeccakDigest;
import org.bouncycastle.util.encoders.Hex;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class ContentCommitmentTest {

    private static final byte[] SALT = Hex.decode(
            "7c1f4e2a9b0d3c5e6f718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7");

    /** Also computed by a separate few-line Python rendering of RFC 6376 relaxed rules. */
    private static final String SUBMITTED_FIXTURE_HASH =
            "8355ccba2ad20a3d8c2f44913a33d4c6154370951907377cf3db0c57573d65be";

    @Nested
    class CanonicalForm {

        @Test
        void shouldCanonicaliseHeadersAndBodyAsInTheRfc6376Example() {
            // RFC 6376 §3.4.6, with From and Subject standing in for its headers A and B.
            String message = "Subject: X\r\nFrom : Y\t\r\n\tZ  \r\n\r\n C \r\nD \t E\r\n\r\n\r\n";

            assertThat(canonical(message))
                    .isEqualTo("from:Y Z\r\nsubject:X\r\n\r\n C\r\nD E\r\n");
        }

        @Test
        void shouldHashCommittedHeadersInTheirFixedOrderWhateverTheMessageOrder() {
            String message = "Message-ID: <1@x>\r\nDate: today\r\nSubject: s\r\nCc: c@x\r\n"
                    + "To: t@x\r\nFrom: f@x\r\n\r\nbody\r\n";

            assertThat(canonical(message)).isEqualTo("from:f@x\r\nto:t@x\r\ncc:c@x\r\n"
                    + "subject:s\r\ndate:today\r\nmessage-id:<1@x>\r\n\r\nbody\r\n");
        }

        @Test
        void shouldHashEveryOccurrenceOfARepeatedHeaderInMessageOrder() {
            String message = "To: first@x\r\nSubject: s\r\nTo: second@x\r\n\r\n";

            assertThat(canonical(message))
                    .startsWith("to:first@x\r\nto:second@x\r\nsubject:s\r\n\r\n");
        }

        @Test
        void shouldLeaveOutEveryHeaderOutsideTheCommittedSet() {
            String message = "Received: from a by b\r\nRegistered-Mail: v1; abc\r\n"
                    + "DKIM-Signature: v=1; b=x\r\nReply-To: r@x\r\nSubject: s\r\n\r\nbody\r\n";

            assertThat(canonical(message)).isEqualTo("subject:s\r\n\r\nbody\r\n");
        }

        @Test
        void shouldMatchHeaderNamesWhateverTheirCase() {
            String message = "MESSAGE-ID: <1@x>\r\nfrom: f@x\r\n\r\n";

            assertThat(canonical(message)).startsWith("from:f@x\r\nmessage-id:<1@x>\r\n");
        }

        @Test
        void shouldKeepNonAsciiHeaderBytesAsTheyAre() {
            byte[] message = "Subject:  Grüße   aus  Köln \r\n\r\nHallo\r\n".getBytes(UTF_8);

            assertThat(ContentCommitment.canonicalForm(message))
                    .isEqualTo("subject:Grüße aus Köln\r\n\r\nHallo\r\n".getBytes(UTF_8));
        }

        @Test
        void shouldSkipLinesThatAreNotHeaderFields() {
            String message = "From alice@example.org Thu Dec  3 16:39:55 2026\r\n"
                    + " orphan continuation\r\nFrom: f@x\r\n\r\nbody\r\n";

            assertThat(canonical(message)).isEqualTo("from:f@x\r\n\r\nbody\r\n");
        }

        @Test
        void shouldCanonicaliseAMissingOrBlankBodyToNothingAsRfc6376Says() {
            assertThat(canonical("Subject: only headers\r\n"))
                    .isEqualTo(canonical("Subject: only headers\r\n\r\n"))
                    .isEqualTo(canonical("Subject: only headers\r\n\r\n \r\n\t\r\n\r\n"))
                    .isEqualTo("subject:only headers\r\n\r\n");
        }

        @Test
        void shouldEndANonEmptyBodyWithOneCrlf() {
            assertThat(canonical("Subject: s\r\n\r\nx")).isEqualTo("subject:s\r\n\r\nx\r\n");
            assertThat(canonical("Subject: s\r\n\r\n\r\nx \r\n\r\n"))
                    .isEqualTo("subject:s\r\n\r\n\r\nx\r\n");
        }

        @Test
        void shouldKeepTheBodyApartFromTheHeadersSoTheyCannotTradePlaces() {
            String toInHeader = "From: f@x\r\nTo: t@x\r\n\r\nHello\r\n";
            String toInBody = "From: f@x\r\n\r\nto:t@x\r\nHello\r\n";

            assertThat(hashHex(toInHeader)).isNotEqualTo(hashHex(toInBody));
        }
    }

    @Nested
    class WhatRelaysDo {

        @Test
        void shouldGiveTheSameHashAfterRelaysAddHeadersRefoldAndChangeLineEndings() {
            byte[] submitted = fixture("submitted.eml");
            byte[] delivered = fixture("delivered-by-relays.eml");

            assertThat(delivered).isNotEqualTo(submitted);
            assertThat(ContentCommitment.contentHash(delivered))
                    .isEqualTo(ContentCommitment.contentHash(submitted));
        }

        @Test
        void shouldGiveTheSameHashWithLfOrCrlfLineEndings() {
            String crlf = new String(fixture("submitted.eml"), US_ASCII);
            String lf = crlf.replace("\r\n", "\n");

            assertThat(hashHex(lf)).isEqualTo(hashHex(crlf));
        }

        @Test
        void shouldGiveTheSameHashWhetherTheRegisteredMailHeaderIsThereOrStripped() {
            String withHeader = new String(fixture("submitted.eml"), US_ASCII);
            String stripped = withHeader.substring(withHeader.indexOf("From:"));

            assertThat(withHeader).startsWith("Registered-Mail:");
            assertThat(hashHex(stripped)).isEqualTo(hashHex(withHeader));
        }

        @Test
        void shouldGiveTheSameHashWithTrailingBlankLinesOrNoFinalLineBreak() {
            String message = "Subject: s\r\n\r\nline one\r\nline two";

            assertThat(hashHex(message + "\r\n\r\n\r\n"))
                    .isEqualTo(hashHex(message + "\r\n"))
                    .isEqualTo(hashHex(message));
        }

        @Test
        void shouldGiveTheSameHashFromAStreamReadInSmallPiecesAsFromBytes() throws IOException {
            byte[] delivered = fixture("delivered-by-relays.eml");

            byte[] streamed = ContentCommitment.contentHash(new TrickleStream(delivered, 3));

            assertThat(streamed).isEqualTo(ContentCommitment.contentHash(delivered));
        }

        @Test
        void shouldChangeTheHashWhenTheBodyChanges() {
            assertThat(ContentCommitment.contentHash(fixture("altered-body.eml")))
                    .isNotEqualTo(ContentCommitment.contentHash(fixture("submitted.eml")));
        }

        @Test
        void shouldChangeTheHashWhenTheSubjectChanges() {
            assertThat(ContentCommitment.contentHash(fixture("altered-subject.eml")))
                    .isNotEqualTo(ContentCommitment.contentHash(fixture("submitted.eml")));
        }

        @Test
        void shouldChangeTheHashWhenARelayReencodesAn8bitBodyAsQuotedPrintable() {
            byte[] submitted = fixture("submitted-8bit.eml");
            byte[] reencoded = fixture("relay-reencoded-8bit-to-qp.eml");

            assertThat(new String(reencoded, US_ASCII)).contains("Gr=C3=BC=C3=9Fen");
            assertThat(ContentCommitment.contentHash(reencoded))
                    .isNotEqualTo(ContentCommitment.contentHash(submitted));
        }

        @Test
        void shouldKeepTheContentHashOfTheSubmittedFixture() {
            // Pinned: a change here breaks every registration made before it.
            assertThat(Hex.toHexString(ContentCommitment.contentHash(fixture("submitted.eml"))))
                    .isEqualTo(SUBMITTED_FIXTURE_HASH);
        }

        @Test
        void shouldHashTheCanonicalFormWithSha256() throws Exception {
            byte[] submitted = fixture("submitted.eml");

            byte[] expected = MessageDigest.getInstance("SHA-256")
                    .digest(ContentCommitment.canonicalForm(submitted));

            assertThat(ContentCommitment.contentHash(submitted)).isEqualTo(expected);
        }
    }

    @Nested
    class SaltedCommitments {

        @Test
        void shouldCommitToTheContentAsKeccakOfSaltAndHash() {
            byte[] contentHash = ContentCommitment.contentHash(fixture("submitted.eml"));

            assertThat(ContentCommitment.contentCommitment(SALT, contentHash))
                    .isEqualTo(keccak256(SALT, contentHash));
        }

        @Test
        void shouldMatchTheKnownKeccakOfSixtyFourZeroBytes() {
            byte[] zero = new byte[32];

            assertThat(Hex.toHexString(ContentCommitment.contentCommitment(zero, zero)))
                    .isEqualTo("ad3228b676f7d3cd4284a5443f17f1962b36e491b30a40b2405849e597ba5fb5");
        }

        @Test
        void shouldCommitToTheTrimmedLowerCaseRecipientAddress() throws Exception {
            byte[] commitment = ContentCommitment.recipientCommitment(SALT, "  Bob@Example.NET\t");

            assertThat(commitment)
                    .isEqualTo(ContentCommitment.recipientCommitment(SALT, "bob@example.net"))
                    .isEqualTo(keccak256(SALT, "bob@example.net".getBytes(US_ASCII)));
        }

        @Test
        void shouldCommitToAnInternationalisedAddressInUtf8() throws Exception {
            byte[] commitment =
                    ContentCommitment.recipientCommitment(SALT, "Jürgen@Bücher.example");

            assertThat(commitment)
                    .isEqualTo(keccak256(SALT, "jürgen@bücher.example".getBytes(UTF_8)));
        }

        @Test
        void shouldGiveDifferentRecipientCommitmentsUnderDifferentSalts() throws Exception {
            byte[] otherSalt = SALT.clone();
            otherSalt[0] ^= 1;

            assertThat(ContentCommitment.recipientCommitment(otherSalt, "bob@example.net"))
                    .isNotEqualTo(ContentCommitment.recipientCommitment(SALT, "bob@example.net"));
        }

        @ParameterizedTest
        @NullSource
        @ValueSource(strings = {"", "   ", "\t"})
        void shouldRejectAnEmptyRecipientAddress(String address) {
            assertThatThrownBy(() -> ContentCommitment.recipientCommitment(SALT, address))
                    .isInstanceOf(InvalidRecipientException.class)
                    .hasMessage("recipient address is empty");
        }

        @ParameterizedTest
        @ValueSource(strings = {"bob", "@example.net", "bob@", "bob example.net"})
        void shouldRejectAnAddressWithoutLocalPartOrDomain(String address) {
            assertThatThrownBy(() -> ContentCommitment.recipientCommitment(SALT, address))
                    .isInstanceOf(InvalidRecipientException.class)
                    .hasMessageContaining("recipient address");
        }

        @ParameterizedTest
        @ValueSource(strings = {"Bob <bob@example.net>", "<bob@example.net>",
            "bob @example.net", "bob@exa\u0000mple.net"})
        void shouldRejectADisplayNameAPathOrInnerWhitespace(String address) {
            assertThatThrownBy(() -> ContentCommitment.recipientCommitment(SALT, address))
                    .isInstanceOf(InvalidRecipientException.class)
                    .hasMessageContaining("whitespace, control or angle bracket");
        }

        @Test
        void shouldRejectAnAddressLongerThanSmtpCarries() {
            String address = "a".repeat(64) + "@" + "b".repeat(190) + ".org";

            assertThatThrownBy(() -> ContentCommitment.recipientCommitment(SALT, address))
                    .isInstanceOf(InvalidRecipientException.class)
                    .hasMessage("recipient address is 259 characters long, more than 254");
        }

        @Test
        void shouldNotEchoTheAddressInTheRejection() {
            assertThatThrownBy(() -> ContentCommitment.recipientCommitment(SALT, "Bob <secret>"))
                    .isInstanceOf(InvalidRecipientException.class)
                    .message().doesNotContain("secret").doesNotContain("Bob");
        }

        @Test
        void shouldRejectASaltThatIsNot32Bytes() {
            assertThatThrownBy(() -> ContentCommitment.contentCommitment(new byte[31],
                    new byte[32]))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("salt must be 32 bytes, not 31");
        }
    }

    private static String canonical(String message) {
        return new String(ContentCommitment.canonicalForm(message.getBytes(UTF_8)), UTF_8);
    }

    private static String hashHex(String message) {
        return Hex.toHexString(ContentCommitment.contentHash(message.getBytes(UTF_8)));
    }

    static byte[] fixture(String name) {
        try (InputStream in = ContentCommitmentTest.class.getResourceAsStream(
                "/commitment/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing fixture " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] keccak256(byte[] first, byte[] second) {
        KeccakDigest keccak = new KeccakDigest(256);
        keccak.update(first, 0, first.length);
        keccak.update(second, 0, second.length);
        byte[] out = new byte[32];
        keccak.doFinal(out, 0);
        return out;
    }

    /** Hands out at most {@code piece} bytes per read, as a slow network would. */
    private static final class TrickleStream extends ByteArrayInputStream {

        private final int piece;

        TrickleStream(byte[] bytes, int piece) {
            super(bytes);
            this.piece = piece;
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) {
            return super.read(b, off, Math.min(len, piece));
        }
    }
}
