package org.regmail.client.mail;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import org.regmail.client.UserError;
import org.regmail.core.sending.RegisteredMessage;

/**
 * An existing {@code .eml} made ready for registration without re-encoding it: line ends
 * turned to CRLF, Date and Message-ID added when missing, the Bcc field read (its recipients
 * are registered) and removed.
 *
 * @param message the bytes to register and submit
 * @param from the From address
 * @param to the To addresses
 * @param cc the Cc addresses
 * @param bcc the addresses of the Bcc field that was removed
 */
public record EmlMessage(byte[] message, String from, List<String> to, List<String> cc,
                         List<String> bcc) {
    /**
     * @param messageIdSource makes a Message-ID for a sender address, when one is missing
     */
    public static EmlMessage prepare(byte[] eml, Instant now,
                                     java.util.function.Function<String, String> messageIdSource) {
        byte[] message = RegisteredMessage.withCrlf(eml);
        try {
            RegisteredMessage.requireSevenBit(message);
        } catch (org.regmail.core.sending.SendingException e) {
            throw UserError.usage(e.getMessage());
        }
        String from = RegisteredMessage.field(message, "From")
            .map(value -> addresses(value, "From").stream().findFirst().orElse(null))
            .orElseThrow(() -> UserError.usage("the message has no From field; give one"));
        List<String> to = RegisteredMessage.field(message, "To")
            .map(v -> addresses(v, "To")).orElse(List.of());
        List<String> cc = RegisteredMessage.field(message, "Cc")
            .map(v -> addresses(v, "Cc")).orElse(List.of());
        List<String> bcc = RegisteredMessage.field(message, "Bcc")
            .map(v -> addresses(v, "Bcc")).orElse(List.of());
        message = RegisteredMessage.withoutField(message, "Bcc");

        StringBuilder missing = new StringBuilder();
        if (RegisteredMessage.field(message, "Date").isEmpty()) {
            missing.append("Date: ").append(DateTimeFormatter.RFC_1123_DATE_TIME
                .format(now.atOffset(ZoneOffset.UTC))).append("\r\n");
        }
        if (RegisteredMessage.field(message, "Message-ID").isEmpty()) {
            missing.append("Message-ID: ").append(messageIdSource.apply(from)).append("\r\n");
        }
        if (!missing.isEmpty()) {
            byte[] head = missing.toString().getBytes(US_ASCII);
            byte[] joined = new byte[head.length + message.length];
            System.arraycopy(head, 0, joined, 0, head.length);
            System.arraycopy(message, 0, joined, head.length, message.length);
            message = joined;
        }
        return new EmlMessage(message, from, to, cc, bcc);
    }

    /** The bare addresses of a header value, e.g. "Bob &lt;bob@x&gt;, carol@y". */
    public static List<String> addresses(String value, String field) {
        try {
            List<String> bare = new ArrayList<>();
            for (InternetAddress address : InternetAddress.parseHeader(value, false)) {
                if (address.isGroup()) {
                    InternetAddress[] members = address.getGroup(false);
                    for (InternetAddress member : members == null
                            ? new InternetAddress[0] : members) {
                        bare.add(member.getAddress());
                    }
                } else {
                    bare.add(address.getAddress());
                }
            }
            return bare;
        } catch (AddressException e) {
            throw UserError.usage("the message's " + field + " field holds no valid address ("
                + e.getMessage() + ")");
        }
    }
}
