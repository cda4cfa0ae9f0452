package org.regmail.client.mail;

import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Properties;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.eclipse.angus.mail.smtp.SMTPTransport;

/**
 * Authenticated SMTP submission (RFC 6409) of a message's exact bytes: connects and logs in
 * first, so a wrong password costs nothing on chain, then sends the bytes as they are — no
 * header rewritten, no body re-encoded — to the envelope recipients, Bcc included.
 */
public final class SmtpSubmission implements AutoCloseable {
    /** When to use STARTTLS. */
    public enum StartTls {
        /** When the server offers it. */
        AUTO,
        /** Always; refuse a server that does not offer it. */
        REQUIRED,
        /** Never. */
        OFF
    }

    /**
     * Where and how to submit.
     *
     * @param host the submission server
     * @param port its port (587 for submission)
     * @param user the login, or null to submit without authenticating
     * @param password the password, or null
     * @param startTls when to use STARTTLS
     * @param sslTrust hosts whose certificate is trusted without a CA ("*" for any), or null
     * @param envelopeFrom the MAIL FROM address
     */
    public record Settings(String host, int port, String user, String password,
                           StartTls startTls, String sslTrust, String envelopeFrom) {
        @Override
        public String toString() {
            return "SMTP " + host + ":" + port + (user == null ? "" : " as " + user);
        }
    }

    private final Settings settings;
    private final Session session;
    private Transport transport;

    private SmtpSubmission(Settings settings) {
        this.settings = settings;
        Properties p = new Properties();
        p.put("mail.smtp.host", settings.host());
        p.put("mail.smtp.port", Integer.toString(settings.port()));
        p.put("mail.smtp.auth", Boolean.toString(settings.user() != null));
        p.put("mail.smtp.starttls.enable", Boolean.toString(settings.startTls() != StartTls.OFF));
        p.put("mail.smtp.starttls.required",
            Boolean.toString(settings.startTls() == StartTls.REQUIRED));
        if (settings.sslTrust() != null) {
            p.put("mail.smtp.ssl.trust", settings.sslTrust());
        }
        p.put("mail.smtp.from", settings.envelopeFrom());
        p.put("mail.smtp.connectiontimeout", "10000");
        p.put("mail.smtp.timeout", "60000");
        p.put("mail.smtp.writetimeout", "60000");
        this.session = Session.getInstance(p);
    }

    /** Connects and authenticates. */
    public static SmtpSubmission connect(Settings settings) throws MessagingException {
        SmtpSubmission submission = new SmtpSubmission(settings);
        submission.open();
        return submission;
    }

    private void open() throws MessagingException {
        transport = session.getTransport("smtp");
        transport.connect(settings.host(), settings.port(), settings.user(), settings.password());
    }

    /** The server refused the envelope: the sender or a recipient. */
    public static final class EnvelopeRefused extends MessagingException {
        private final String refused;
        private final String response;

        EnvelopeRefused(String refused, String response) {
            super("the SMTP server refuses " + refused + ": " + response);
            this.refused = refused;
            this.response = response;
        }

        /** What was refused: "the sender alice@example.org", "the recipient bob@example.org". */
        public String refused() {
            return refused;
        }

        /** The server's reply, e.g. "530 5.7.1 Authentication Required". */
        public String response() {
            return response;
        }
    }

    /**
     * Asks the server whether it takes the envelope (MAIL FROM, then RCPT TO for each
     * recipient) and forgets it again (RSET), so that a refusal the server would give after the
     * registration is paid shows before it.
     *
     * @param messageSize the message's size in bytes, without the header added later: a server
     *     announcing a smaller SIZE limit (RFC 1870) would refuse it after the payment
     * @throws EnvelopeRefused when the server answers MAIL FROM or a RCPT TO with an error, or
     *     announces a size limit below the message's
     */
    public void checkEnvelope(List<String> recipients, long messageSize)
        throws MessagingException {
        if (!(transport instanceof SMTPTransport smtp)) {
            return;
        }
        String limit = smtp.getExtensionParameter("SIZE");
        if (limit != null && limit.trim().matches("[1-9][0-9]{0,18}")
            && Long.parseLong(limit.trim()) < messageSize) {
            throw new EnvelopeRefused("a message of " + messageSize + " bytes",
                "it takes at most " + limit.trim() + " bytes");
        }
        try {
            expect(smtp, "MAIL FROM:<" + settings.envelopeFrom() + ">",
                "the sender " + settings.envelopeFrom());
            for (String recipient : recipients) {
                expect(smtp, "RCPT TO:<" + recipient + ">", "the recipient " + recipient);
            }
        } finally {
            if (smtp.isConnected()) {
                smtp.simpleCommand("RSET");
            }
        }
    }

    private static void expect(SMTPTransport smtp, String command, String what)
        throws MessagingException {
        int code = smtp.simpleCommand(command);
        if (code < 200 || code >= 300) {
            String response = smtp.getLastServerResponse();
            throw new EnvelopeRefused(what, response == null ? "reply " + code
                : response.lines().findFirst().orElse("").trim());
        }
    }

    /**
     * Submits the message to the recipients; reconnects once when the server dropped the
     * connection while the registration was being mined.
     */
    public void submit(byte[] message, List<String> recipients) throws MessagingException {
        MimeMessage mime = new MimeMessage(session, new ByteArrayInputStream(message));
        Address[] to = new Address[recipients.size()];
        for (int i = 0; i < to.length; i++) {
            to[i] = new InternetAddress(recipients.get(i), true);
        }
        if (!transport.isConnected()) {
            open();
        }
        // Transport.sendMessage, not Transport.send: send() would call saveChanges() and give
        // the message a new Message-ID, breaking the content commitment.
        transport.sendMessage(mime, to);
    }

    @Override
    public void close() {
        if (transport != null) {
            try {
                transport.close();
            } catch (MessagingException ignored) {
                // closing a dead connection: nothing left to do
            }
        }
    }
}
