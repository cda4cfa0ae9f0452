package org.regmail.core.commitment;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.james.jdkim.canon.RelaxedBodyCanonicalizer;

/**
 * Writes the canonical form of a raw RFC 5322 message that {@link ContentCommitment} hashes:
 * the chosen header fields canonicalised "relaxed" (RFC 6376 §3.4.2), one CRLF, then the body
 * canonicalised "relaxed" (RFC 6376 §3.4.4).
 *
 * <p>The body goes through Apache jDKIM's {@link RelaxedBodyCanonicalizer}, after bare LFs are
 * made CRLF and before an empty body's stray CRLF is dropped ({@link EmptyRelaxedBody}).
 *
 * <p>The header fields do not go through jDKIM: it offers relaxed header canonicalisation only
 * as a protected helper of its signer ({@code DKIMCommon.updateSignature}) that feeds a
 * {@code java.security.Signature} through {@code String.getBytes()} with the JVM's default
 * charset. On Java 17 that charset follows the locale, so a header holding UTF-8 (RFC 6532)
 * would hash differently on a server started with {@code LANG=C} (US-ASCII, non-ASCII bytes
 * become '?') than on the sender's machine, and a commitment must be the same everywhere. The
 * few lines below apply the same rule to bytes.
 */
final class RelaxedCanonicalization {

    private static final byte[] CRLF = {'\r', '\n'};

    private RelaxedCanonicalization() {
    }

    /**
     * Reads {@code message} to its end and writes its canonical form to {@code out}, closing
     * {@code out} when done (the body canonicaliser only settles trailing lines on close).
     */
    static void write(InputStream message, List<String> headerNames, OutputStream out)
            throws IOException {
        InputStream in = new BufferedInputStream(message);
        List<HeaderField> fields = readHeaderSection(in);

        for (String name : headerNames) {
            for (HeaderField field : fields) {
                if (field.name().equalsIgnoreCase(name)) {
                    out.write(field.canonical());
                }
            }
        }
        out.write(CRLF);

        try (OutputStream body = new CrlfLineEndings(
                new RelaxedBodyCanonicalizer(new EmptyRelaxedBody(out)))) {
            in.transferTo(body);
        }
    }

    /**
     * Reads header lines up to the first empty line (or the end), leaving {@code in} at the
     * first byte of the body. Lines that are not well-formed fields (an mbox "From " line, a
     * continuation with nothing before it) are skipped: they cannot be one of ours.
     */
    private static List<HeaderField> readHeaderSection(InputStream in) throws IOException {
        List<HeaderField> fields = new ArrayList<>();
        ByteArrayOutputStream unfolded = null;
        byte[] line;
        while ((line = readLine(in)) != null && line.length > 0) {
            boolean continuation = line[0] == ' ' || line[0] == '\t';
            if (continuation && unfolded != null) {
                // Unfolding (RFC 5322 §2.2.3) removes the line break and keeps the WSP.
                unfolded.write(line);
                continue;
            }
            addField(fields, unfolded);
            unfolded = continuation ? null : new ByteArrayOutputStream();
            if (unfolded != null) {
                unfolded.write(line);
            }
        }
        addField(fields, unfolded);
        return fields;
    }

    private static void addField(List<HeaderField> fields, ByteArrayOutputStream unfolded) {
        if (unfolded != null) {
            HeaderField.parse(unfolded.toByteArray()).ifPresent(fields::add);
        }
    }

    /** One line without its terminator (LF or CRLF); null at the end of the stream. */
    private static byte[] readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(80);
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            line.write(b);
        }
        if (b == -1 && line.size() == 0) {
            return null;
        }
        byte[] bytes = line.toByteArray();
        if (bytes.length > 0 && bytes[bytes.length - 1] == '\r') {
            return Arrays.copyOf(bytes, bytes.length - 1);
        }
        return bytes;
    }

    /** An unfolded header field and its relaxed canonical form, CRLF included. */
    private record HeaderField(String name, byte[] canonical) {

        static Optional<HeaderField> parse(byte[] field) {
            int colon = indexOf(field, (byte) ':');
            if (colon < 0) {
                return Optional.empty();
            }
            int nameEnd = colon;
            while (nameEnd > 0 && isWsp(field[nameEnd - 1])) {
                nameEnd--;
            }
            if (nameEnd == 0 || !isFieldName(field, nameEnd)) {
                return Optional.empty();
            }
            String name = new String(field, 0, nameEnd, US_ASCII);

            ByteArrayOutputStream canonical = new ByteArrayOutputStream(field.length + 2);
            for (int i = 0; i < nameEnd; i++) {
                canonical.write(toLowerAscii(field[i]));
            }
            canonical.write(':');
            writeRelaxedValue(field, colon + 1, canonical);
            canonical.write('\r');
            canonical.write('\n');
            return Optional.of(new HeaderField(name, canonical.toByteArray()));
        }

        /** Runs of WSP become one SP; WSP at the start and the end of the value goes. */
        private static void writeRelaxedValue(byte[] field, int from, ByteArrayOutputStream out) {
            boolean pendingSpace = false;
            boolean started = false;
            for (int i = from; i < field.length; i++) {
                byte b = field[i];
                if (isWsp(b)) {
                    pendingSpace = started;
                    continue;
                }
                if (pendingSpace) {
                    out.write(' ');
                    pendingSpace = false;
                }
                out.write(b);
                started = true;
            }
        }

        /** RFC 5322 §3.6.8 ftext: printable US-ASCII except the colon. */
        private static boolean isFieldName(byte[] field, int end) {
            for (int i = 0; i < end; i++) {
                if (field[i] < 33 || field[i] > 126) {
                    return false;
                }
            }
            return true;
        }

        private static int indexOf(byte[] bytes, byte wanted) {
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] == wanted) {
                    return i;
                }
            }
            return -1;
        }

        private static boolean isWsp(byte b) {
            return b == ' ' || b == '\t';
        }

        private static int toLowerAscii(byte b) {
            return b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b;
        }
    }
}
