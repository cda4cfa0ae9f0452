package org.regmail.core.sending;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.regmail.core.envelope.RegisteredMailHeader;

/**
 * The raw RFC 5322 message a sender submits, handled as bytes so that nothing between the
 * content hash and SMTP re-encodes it: a re-encoding would change what the recipient's server
 * hashes and make it record DELIVERED_ALTERED.
 *
 * <p>A message fit for registration ({@link #requireSubmittable}) is 7-bit (quoted-printable
 * or base64 bodies, RFC 2047 headers), so no relay needs to re-encode it (RFC 6152); has
 * CRLF line endings and lines of at most 998 octets (RFC 5322 §2.1.1); carries the committed
 * fields From, Date and Message-ID itself, so no server adds them after hashing; and has no
 * Bcc field, whose recipients must not be revealed to the others.
 */
public final class RegisteredMessage {
    /** The longest line RFC 5322 §2.1.1 allows, CRLF excluded. */
    public static final int MAX_LINE_LENGTH = 998;

    private static final byte CR = '\r';
    private static final byte LF = '\n';

    private RegisteredMessage() {
    }

    /** The message with every line ending (LF, CR or CRLF) turned into CRLF. */
    public static byte[] withCrlf(byte[] message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(message.length + message.length / 40);
        for (int i = 0; i < message.length; i++) {
            byte b = message[i];
            if (b == CR) {
                out.write(CR);
                out.write(LF);
                if (i + 1 < message.length && message[i + 1] == LF) {
                    i++;
                }
            } else if (b == LF) {
                out.write(CR);
                out.write(LF);
            } else {
                out.write(b);
            }
        }
        return out.toByteArray();
    }

    /**
     * Checks that the message can be registered and submitted unchanged.
     *
     * @throws SendingException naming the first rule broken and what to do about it
     */
    public static void requireSubmittable(byte[] message) throws SendingException {
        requireSevenBit(message);
        for (String name : List.of("From", "Date", "Message-ID")) {
            if (field(message, name).isEmpty()) {
                throw new SendingException("the message has no " + name + " field; it is part "
                    + "of the content commitment and must be set before hashing");
            }
        }
        if (field(message, "Bcc").isPresent()) {
            throw new SendingException("the message has a Bcc field, which would reveal the "
                + "blind copies to every recipient; remove it and name them with --bcc");
        }
        if (field(message, RegisteredMailHeader.NAME).isPresent()) {
            throw new SendingException("the message already has a " + RegisteredMailHeader.NAME
                + " field; give the message as it was before registration");
        }
    }

    /**
     * Checks that the message is 7-bit with CRLF line ends and lines of at most 998 octets.
     *
     * @throws SendingException naming the first line at fault
     */
    public static void requireSevenBit(byte[] message) throws SendingException {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < message.length; i++) {
            int b = message[i] & 0xff;
            if (b >= 0x80 || b == 0) {
                throw new SendingException("the message holds an 8-bit or NUL byte on line "
                    + line + "; encode its body quoted-printable or base64 and its headers "
                    + "with RFC 2047, so that no relay re-encodes it");
            }
            if (b == CR || b == LF) {
                if (b == LF || i + 1 >= message.length || message[i + 1] != LF) {
                    throw new SendingException("line " + line + " of the message does not end "
                        + "with CRLF");
                }
                if (i - lineStart > MAX_LINE_LENGTH) {
                    throw new SendingException("line " + line + " of the message is "
                        + (i - lineStart) + " octets, more than " + MAX_LINE_LENGTH);
                }
                i++;
                line++;
                lineStart = i + 1;
            }
        }
        if (message.length - lineStart > MAX_LINE_LENGTH) {
            throw new SendingException("line " + line + " of the message is longer than "
                + MAX_LINE_LENGTH + " octets");
        }
    }

    /** The unfolded value of the first field called {@code name}, if the header has one. */
    public static Optional<String> field(byte[] message, String name) {
        String wanted = name.toLowerCase(Locale.ROOT);
        for (Field field : fields(message)) {
            if (field.name().toLowerCase(Locale.ROOT).equals(wanted)) {
                return Optional.of(field.value());
            }
        }
        return Optional.empty();
    }

    /** The message without any field called {@code name} (folded lines included). */
    public static byte[] withoutField(byte[] message, String name) {
        String wanted = name.toLowerCase(Locale.ROOT);
        ByteArrayOutputStream out = new ByteArrayOutputStream(message.length);
        int bodyStart = headerEnd(message);
        for (Field field : fields(message)) {
            if (!field.name().toLowerCase(Locale.ROOT).equals(wanted)) {
                out.write(message, field.start(), field.end() - field.start());
            }
        }
        out.write(message, bodyStart, message.length - bodyStart);
        return out.toByteArray();
    }

    /**
     * The message with a {@code Registered-Mail} field in front of its header, on one line
     * (the sealed value is under 998 characters).
     */
    public static byte[] withHeader(byte[] message, String headerValue) {
        byte[] field = (RegisteredMailHeader.NAME + ": " + headerValue + "\r\n").getBytes(US_ASCII);
        byte[] out = new byte[field.length + message.length];
        System.arraycopy(field, 0, out, 0, field.length);
        System.arraycopy(message, 0, out, field.length, message.length);
        return out;
    }

    /** A header field: its name, unfolded value and byte range including its line ends. */
    private record Field(String name, String value, int start, int end) {
    }

    private static List<Field> fields(byte[] message) {
        List<Field> fields = new ArrayList<>();
        int end = headerEnd(message);
        int i = 0;
        while (i < end) {
            int start = i;
            i = lineEnd(message, i);
            while (i < end && (message[i] == ' ' || message[i] == '\t')) {
                i = lineEnd(message, i);
            }
            String raw = new String(message, start, i - start, US_ASCII);
            int colon = raw.indexOf(':');
            if (colon > 0) {
                String value = raw.substring(colon + 1).replaceAll("\r?\n|\r", "").trim();
                fields.add(new Field(raw.substring(0, colon).trim(), value, start, i));
            } else {
                fields.add(new Field("", "", start, i));
            }
        }
        return fields;
    }

    /** Index just after the line starting at {@code from} (after its line end). */
    private static int lineEnd(byte[] message, int from) {
        int i = from;
        while (i < message.length && message[i] != LF && message[i] != CR) {
            i++;
        }
        if (i < message.length && message[i] == CR) {
            i++;
        }
        if (i < message.length && message[i] == LF) {
            i++;
        }
        return i;
    }

    /** Index of the empty line ending the header section (the body follows it). */
    private static int headerEnd(byte[] message) {
        int i = 0;
        while (i < message.length) {
            if (message[i] == CR || message[i] == LF) {
                return i;
            }
            i = lineEnd(message, i);
        }
        return message.length;
    }
}
