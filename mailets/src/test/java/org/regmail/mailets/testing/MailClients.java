package org.regmail.mailets.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.stream.Collectors;

import org.apache.commons.net.imap.IMAPClient;
import org.apache.commons.net.imap.IMAPReply;
import org.apache.commons.net.pop3.POP3Client;
import org.apache.commons.net.smtp.AuthenticatingSMTPClient;
import org.apache.commons.net.smtp.SMTPReply;

/**
 * Plain protocol clients for tests (Apache Commons Net): SMTP submission, POP3 retrieval,
 * raw IMAP commands. Every exchange happens on 127.0.0.1; every failure is an exception that
 * quotes the server's reply.
 */
public final class MailClients {

    private static final String LOOPBACK = "127.0.0.1";

    private MailClients() {
    }

    /** Submits one message over SMTP with AUTH PLAIN, as a mail client of {@code user} would. */
    public static void submit(int port, String user, String password, String from,
                              List<String> recipients, String message) throws IOException {
        send(port, user, password, from, recipients, message);
    }

    /** Hands one message over SMTP without authenticating, as another mail server would. */
    public static void deliver(int port, String from, List<String> recipients, String message)
        throws IOException {
        send(port, null, null, from, recipients, message);
    }

    private static void send(int port, String user, String password, String from,
                             List<String> recipients, String message) throws IOException {
        AuthenticatingSMTPClient smtp = new AuthenticatingSMTPClient();
        smtp.connect(LOOPBACK, port);
        try {
            expect(smtp, smtp.ehlo("client.test"), "EHLO");
            if (user != null && !authenticate(smtp, user, password)) {
                throw refused("AUTH PLAIN as " + user, smtp.getReplyString());
            }
            expect(smtp, smtp.mail("<" + from + ">"), "MAIL FROM");
            for (String recipient : recipients) {
                expect(smtp, smtp.rcpt("<" + recipient + ">"), "RCPT TO " + recipient);
            }
            try (Writer data = smtp.sendMessageData()) {
                if (data == null) {
                    throw refused("DATA", smtp.getReplyString());
                }
                data.write(message);
            }
            if (!smtp.completePendingCommand()) {
                throw refused("the message after DATA", smtp.getReplyString());
            }
            smtp.logout();
        } finally {
            smtp.disconnect();
        }
    }

    private static boolean authenticate(AuthenticatingSMTPClient smtp, String user, String password)
        throws IOException {
        try {
            return smtp.auth(AuthenticatingSMTPClient.AUTH_METHOD.PLAIN, user, password);
        } catch (GeneralSecurityException e) {
            throw new IOException("AUTH PLAIN could not be encoded", e);
        }
    }

    private static void expect(AuthenticatingSMTPClient smtp, int reply, String step)
        throws IOException {
        if (!SMTPReply.isPositiveCompletion(reply)) {
            throw refused(step, smtp.getReplyString());
        }
    }

    /** Logs in over POP3, sends RETR for one message (1-based) and returns what came back. */
    public static String pop3Retrieve(int port, String user, String password, int messageNumber)
        throws IOException {
        POP3Client pop3 = pop3(port, user, password);
        try (Reader reader = pop3.retrieveMessage(messageNumber)) {
            if (reader == null) {
                throw refused("RETR " + messageNumber, pop3.getReplyString());
            }
            String message = new BufferedReader(reader).lines().collect(Collectors.joining("\r\n"));
            pop3.logout();
            return message;
        } finally {
            pop3.disconnect();
        }
    }

    /** Marks one message (1-based) deleted over POP3; QUIT makes the deletion happen. */
    public static void pop3Delete(int port, String user, String password, int messageNumber)
        throws IOException {
        POP3Client pop3 = pop3(port, user, password);
        try {
            if (!pop3.deleteMessage(messageNumber)) {
                throw refused("DELE " + messageNumber, pop3.getReplyString());
            }
            if (!pop3.logout()) {
                throw refused("QUIT", pop3.getReplyString());
            }
        } finally {
            pop3.disconnect();
        }
    }

    /** How many messages the POP3 maildrop of {@code user} holds. */
    public static int pop3Count(int port, String user, String password) throws IOException {
        POP3Client pop3 = pop3(port, user, password);
        try {
            int count = pop3.status().number;
            pop3.logout();
            return count;
        } finally {
            pop3.disconnect();
        }
    }

    private static POP3Client pop3(int port, String user, String password) throws IOException {
        POP3Client pop3 = new POP3Client();
        pop3.connect(LOOPBACK, port);
        if (!pop3.login(user, password)) {
            IOException refusal = refused("POP3 login as " + user, pop3.getReplyString());
            pop3.disconnect();
            throw refusal;
        }
        return pop3;
    }

    /**
     * An IMAP session on 127.0.0.1, logged in, that sends raw commands and returns the
     * server's full answer (untagged lines and the tagged completion).
     */
    public static ImapSession imap(int port, String user, String password) throws IOException {
        IMAPClient imap = new IMAPClient();
        imap.connect(LOOPBACK, port);
        if (!imap.login(user, password)) {
            IOException refusal = refused("IMAP login as " + user, imap.getReplyString());
            imap.disconnect();
            throw refusal;
        }
        return new ImapSession(imap);
    }

    private static IOException refused(String what, String reply) {
        return new IOException(what + " refused: " + reply.trim());
    }

    /** A logged-in IMAP connection; see {@link #imap(int, String, String)}. */
    public static final class ImapSession implements AutoCloseable {
        private final IMAPClient imap;

        private ImapSession(IMAPClient imap) {
            this.imap = imap;
        }

        /** Sends one command (without tag) and returns the reply; a NO or BAD is an exception. */
        public String command(String command) throws IOException {
            int code = imap.sendCommand(command);
            String reply = imap.getReplyString();
            if (!IMAPReply.isSuccess(code)) {
                throw new IOException("IMAP " + command + " failed: " + reply.trim());
            }
            return reply;
        }

        @Override
        public void close() throws IOException {
            try {
                imap.logout();
            } catch (IOException e) {
                // James may close the connection right after its BYE, before the tagged OK.
            } finally {
                imap.disconnect();
            }
        }
    }
}
