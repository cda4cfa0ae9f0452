package org.regmail.core.sending;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.regmail.core.commitment.ContentCommitment;

class RegisteredMessageTest {
    static final String MESSAGE = "From: a@x.example\r\nTo: b@y.example\r\n"
        + "Bcc: hidden@z.example,\r\n  other@z.example\r\nDate: Thu, 01 Jan 2026 00:00:00 +0000\r\n"
        + "Message-ID: <1@x.example>\r\nSubject: Hi\r\n\r\nBody\r\n";

    @Test
    void shouldRemoveAFoldedFieldAndKeepEverythingElse() {
        byte[] without = RegisteredMessage.withoutField(MESSAGE.getBytes(US_ASCII), "bcc");

        assertThat(new String(without, US_ASCII)).isEqualTo("From: a@x.example\r\n"
            + "To: b@y.example\r\nDate: Thu, 01 Jan 2026 00:00:00 +0000\r\n"
            + "Message-ID: <1@x.example>\r\nSubject: Hi\r\n\r\nBody\r\n");
    }

    @Test
    void shouldReadUnfoldedFieldValues() {
        assertThat(RegisteredMessage.field(MESSAGE.getBytes(US_ASCII), "BCC"))
            .contains("hidden@z.example,  other@z.example");
        assertThat(RegisteredMessage.field(MESSAGE.getBytes(US_ASCII), "Cc")).isEmpty();
    }

    @Test
    void shouldAddTheHeaderWithoutChangingTheContentHash() throws Exception {
        byte[] message = RegisteredMessage.withoutField(MESSAGE.getBytes(US_ASCII), "Bcc");
        RegisteredMessage.requireSubmittable(message);

        byte[] registered = RegisteredMessage.withHeader(message, "v1; abc");

        assertThat(new String(registered, US_ASCII)).startsWith("Registered-Mail: v1; abc\r\n"
            + "From: a@x.example\r\n");
        assertThat(ContentCommitment.contentHash(registered))
            .isEqualTo(ContentCommitment.contentHash(message));
    }

    @Test
    void shouldTurnEveryLineEndIntoCrlf() {
        assertThat(new String(RegisteredMessage.withCrlf("a\nb\rc\r\nd".getBytes(US_ASCII)),
            US_ASCII)).isEqualTo("a\r\nb\r\nc\r\nd");
    }

    @Test
    void shouldRefuseWhatARelayWouldReencodeOrReveal() {
        assertThatThrownBy(() -> RegisteredMessage.requireSubmittable(
            MESSAGE.getBytes(US_ASCII))).hasMessageContaining("has a Bcc field");
        assertThatThrownBy(() -> RegisteredMessage.requireSubmittable(
            "From: a@x\r\nDate: x\r\n\r\nb\r\n".getBytes(US_ASCII)))
            .hasMessage("the message has no Message-ID field; it is part of the content "
                + "commitment and must be set before hashing");
        assertThatThrownBy(() -> RegisteredMessage.requireSevenBit(
            "a\nb".getBytes(US_ASCII))).hasMessage("line 1 of the message does not end with CRLF");
        assertThatThrownBy(() -> RegisteredMessage.requireSevenBit(
            ("x".repeat(999) + "\r\n").getBytes(US_ASCII)))
            .hasMessage("line 1 of the message is 999 octets, more than 998");
    }
}
