package org.regmail.client.mail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;

/**
 * Composes a new message with Jakarta Mail, in a form no relay needs to re-encode: text and
 * HTML parts quoted-printable, attachments base64, headers RFC 2047, CRLF line ends. Date and
 * Message-ID are set here, before the content is hashed, so no server adds them later.
 */
public final class MessageComposer {
    private static final String QUOTED_PRINTABLE = "quoted-printable";
    private static final String BASE64 = "base64";

    private MessageComposer() {
    }

    /**
     * What to compose.
     *
     * @param from the sender's address (with or without a display name)
     * @param to To addresses
     * @param cc Cc addresses
     * @param subject the subject (any Unicode)
     * @param text the plain-text body
     * @param html an HTML alternative, or null
     * @param attachments files to attach
     */
    public record Draft(InternetAddress from, List<InternetAddress> to, List<InternetAddress> cc,
                        String subject, String text, String html, List<Path> attachments) {
    }

    /** A fresh Message-ID in the sender's domain: {@code <32 hex digits@domain>}. */
    public static String messageId(String fromAddress, SecureRandom random) {
        byte[] unique = new byte[16];
        random.nextBytes(unique);
        String domain = fromAddress.substring(fromAddress.lastIndexOf('@') + 1);
        return "<" + HexFormat.of().formatHex(unique) + "@" + domain + ">";
    }

    /** The message's bytes as they will be hashed and submitted (no Bcc field). */
    public static byte[] compose(Draft draft, Instant date, String messageId)
        throws MessagingException, IOException {
        Session session = Session.getInstance(new Properties());
        MimeMessage message = new MimeMessage(session) {
            @Override
            protected void updateMessageID() throws MessagingException {
                setHeader("Message-ID", messageId);
            }
        };
        message.setFrom(draft.from());
        if (!draft.to().isEmpty()) {
            message.setRecipients(MimeMessage.RecipientType.TO,
                draft.to().toArray(InternetAddress[]::new));
        }
        if (!draft.cc().isEmpty()) {
            message.setRecipients(MimeMessage.RecipientType.CC,
                draft.cc().toArray(InternetAddress[]::new));
        }
        message.setSubject(draft.subject(), "UTF-8");
        message.setSentDate(Date.from(date));

        if (draft.attachments().isEmpty() && draft.html() == null) {
            message.setText(draft.text() == null ? "" : draft.text(), "UTF-8");
            // After setText, which drops any transfer encoding set before it.
            message.setHeader("Content-Transfer-Encoding", QUOTED_PRINTABLE);
        } else if (draft.attachments().isEmpty()) {
            message.setContent(alternative(draft.text(), draft.html()));
        } else {
            MimeMultipart mixed = new MimeMultipart("mixed");
            mixed.addBodyPart(textBody(draft.text(), draft.html()));
            for (Path file : draft.attachments()) {
                MimeBodyPart attachment = new MimeBodyPart();
                attachment.attachFile(file.toFile());
                attachment.setHeader("Content-Transfer-Encoding", BASE64);
                mixed.addBodyPart(attachment);
            }
            message.setContent(mixed);
        }
        message.saveChanges();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message.writeTo(out);
        return out.toByteArray();
    }

    private static MimeBodyPart textBody(String text, String html) throws MessagingException {
        MimeBodyPart plain = new MimeBodyPart();
        plain.setText(text == null ? "" : text, "UTF-8");
        plain.setHeader("Content-Transfer-Encoding", QUOTED_PRINTABLE);
        if (html == null) {
            return plain;
        }
        MimeBodyPart holder = new MimeBodyPart();
        holder.setContent(alternative(text, html));
        return holder;
    }

    private static MimeMultipart alternative(String text, String html) throws MessagingException {
        MimeBodyPart plain = new MimeBodyPart();
        plain.setText(text == null ? "" : text, "UTF-8");
        plain.setHeader("Content-Transfer-Encoding", QUOTED_PRINTABLE);
        MimeBodyPart rich = new MimeBodyPart();
        rich.setText(html, "UTF-8", "html");
        rich.setHeader("Content-Transfer-Encoding", QUOTED_PRINTABLE);
        MimeMultipart alternative = new MimeMultipart("alternative");
        alternative.addBodyPart(plain);
        alternative.addBodyPart(rich);
        return alternative;
    }
}
