package org.regmail.core.envelope;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;

/**
 * Property-based fuzzing of everything that parses untrusted header input: whatever arrives,
 * the opener answers with an {@link EnvelopeException} (or a valid envelope), never another
 * exception that could escape into James, and never a message holding the input's secrets.
 * Bounded tries keep it in CI's budget (a few seconds).
 */
class EnvelopeFuzzTest {
    private static final ECKeyPair SERVER = createKeys();

    private static ECKeyPair createKeys() {
        try {
            return Keys.createEcKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Property(tries = 3000)
    void shouldAnswerAnyHeaderValueWithEnvelopeExceptionOnly(@ForAll("headerValues") String value) {
        assertOnlyEnvelopeException(() -> RegisteredMailHeader.open(value, SERVER, 31337));
    }

    @Property(tries = 3000)
    void shouldAnswerAnyPlaintextWithEnvelopeExceptionOnly(
        @ForAll @Size(max = 600) byte[] plaintext) {
        assertOnlyEnvelopeException(() -> RegistrationEnvelope.decode(plaintext));
    }

    @Property(tries = 1500)
    void shouldAnswerAnyCiphertextWithEnvelopeExceptionOnly(
        @ForAll @Size(max = 1200) byte[] ciphertext) {
        String value = "v1; " + Base64.getUrlEncoder().withoutPadding().encodeToString(ciphertext);
        assertOnlyEnvelopeException(() -> RegisteredMailHeader.open(value, SERVER));
    }

    @Provide
    Arbitrary<String> headerValues() {
        Arbitrary<String> anything = Arbitraries.strings().ofMaxLength(3000);
        Arbitrary<String> base64ish = Arbitraries.strings()
            .withChars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                + "0123456789-_=+/ \t\r\n;")
            .ofMaxLength(2500).map(body -> "v1; " + body);
        Arbitrary<String> otherVersions = Arbitraries.strings().alpha().numeric().ofMaxLength(8)
            .map(tag -> tag + "; QUJD");
        return Arbitraries.oneOf(anything, base64ish, otherVersions);
    }

    @FunctionalInterface
    private interface Opening {
        Object open() throws EnvelopeException;
    }

    private static void assertOnlyEnvelopeException(Opening opening) {
        try {
            opening.open();
        } catch (EnvelopeException expected) {
            assertThat(expected.reason()).isNotNull();
            assertThat(expected.getMessage()).doesNotContain(SERVER.getPrivateKey().toString(16));
        }
    }
}
