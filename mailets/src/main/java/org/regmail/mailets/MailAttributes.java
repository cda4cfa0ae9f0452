package org.regmail.mailets;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.regmail.core.envelope.RegisteredMailHeader;
import org.regmail.core.server.ServerNode;

/** The header and the mail attributes the registered-mail mailets share. */
final class MailAttributes {
    /** The protocol header. */
    static final String HEADER = RegisteredMailHeader.NAME;
    /** Set on a mail this server already handled, so the matcher does not take it again. */
    static final AttributeName HANDLED = AttributeName.of("org.regmail.handled");
    /**
     * On the sender's server: the registration a copy belongs to and the indexes of its
     * recipients ({@code RegistrationRef} text), read again after the hand-off.
     */
    static final AttributeName REGISTRATION = AttributeName.of("org.regmail.registration");
    /**
     * On the sender's server, for a mail sent on while the chain was unreachable: the header as
     * submitted (sealed to this server) and the content hash, so the hand-off can be checked
     * later.
     */
    static final AttributeName DEFERRED_HEADER = AttributeName.of("org.regmail.deferred-header");
    static final AttributeName DEFERRED_CONTENT_HASH =
        AttributeName.of("org.regmail.deferred-content-hash");
    /** On the sender's server: recipient=index pairs of the copy, for partial hand-offs. */
    static final AttributeName RECIPIENT_INDEXES =
        AttributeName.of("org.regmail.recipient-indexes");

    private MailAttributes() {
    }

    /** The protocol header for this server: of several copies, the one sealed to it. */
    static Optional<String> header(Mail mail, ServerNode node) throws MessagingException {
        String[] values = mail.getMessage().getHeader(HEADER);
        return values == null || values.length == 0 ? Optional.empty()
            : Optional.of(node.headerFor(List.of(values)));
    }

    static Optional<String> text(Mail mail, AttributeName name) {
        return mail.getAttribute(name).map(Attribute::getValue).map(AttributeValue::getValue)
            .filter(String.class::isInstance).map(String.class::cast);
    }

    static void setText(Mail mail, AttributeName name, String value) {
        mail.setAttribute(new Attribute(name, AttributeValue.of(value)));
    }

    static void markHandled(Mail mail) {
        mail.setAttribute(new Attribute(HANDLED, AttributeValue.of(true)));
    }

    /** The message as it would be written on the wire. */
    static byte[] bytes(MimeMessage message) throws MessagingException {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            message.writeTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new MessagingException("cannot read the message", e);
        }
    }

    /** Sets or removes the protocol header (an empty value removes it). */
    static void setHeader(Mail mail, Optional<String> value) throws MessagingException {
        MimeMessage message = mail.getMessage();
        message.removeHeader(HEADER);
        if (value.isPresent()) {
            message.setHeader(HEADER, value.get());
        }
        message.saveChanges();
    }
}
