package org.regmail.client.demo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import jakarta.mail.FetchProfile;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.search.HeaderTerm;
import org.eclipse.angus.mail.imap.IMAPFolder;

/**
 * What a recipient's ordinary mail client does, over POP3 or IMAP on 127.0.0.1 (Jakarta Mail):
 * nothing here knows about registered mail. Messages are picked by their Message-ID.
 */
public final class RecipientMailbox {
    private final String user;
    private final String password;
    private final MailServer.Ports ports;

    public RecipientMailbox(String user, String password, MailServer.Ports ports) {
        this.user = user;
        this.password = password;
        this.ports = ports;
    }

    public String user() {
        return user;
    }

    /** POP3: lists the maildrop (headers only, TOP) and retrieves one message (RETR). */
    public byte[] pop3Download(String messageId) throws MessagingException, IOException {
        Store store = session(false).getStore("pop3");
        store.connect("127.0.0.1", ports.pop3(), user, password);
        try {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            try {
                for (Message message : inbox.getMessages()) {
                    if (hasMessageId(message, messageId)) {
                        return bytes(message);
                    }
                }
                throw new MessagingException("no message " + messageId + " in the POP3 "
                    + "maildrop of " + user);
            } finally {
                inbox.close(false);
            }
        } finally {
            store.close();
        }
    }

    /** IMAP: opens a message as a reader does (FETCH BODY[], which sets \Seen). */
    public byte[] imapOpen(String messageId) throws MessagingException, IOException {
        return imap(false, (inbox, message) -> bytes(message), messageId);
    }

    /** IMAP: previews a message without marking it read (FETCH BODY.PEEK[]). */
    public byte[] imapPreview(String messageId) throws MessagingException, IOException {
        return imap(true, (inbox, message) -> bytes(message), messageId);
    }

    /** IMAP: deletes a message as mail clients do, moving it to Trash (created if missing). */
    public void imapMoveToTrash(String messageId) throws MessagingException, IOException {
        imap(true, (inbox, message) -> {
            Folder trash = inbox.getStore().getFolder("Trash");
            if (!trash.exists()) {
                trash.create(Folder.HOLDS_MESSAGES);
            }
            ((IMAPFolder) inbox).moveMessages(new Message[] {message}, trash);
            return null;
        }, messageId);
    }

    /** IMAP: the subjects of the inbox as a mail client lists them (ENVELOPE: headers only). */
    public List<String> imapListSubjects() throws MessagingException {
        Store store = session(true).getStore("imap");
        store.connect("127.0.0.1", ports.imap(), user, password);
        try {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            try {
                Message[] messages = inbox.getMessages();
                FetchProfile envelope = new FetchProfile();
                envelope.add(FetchProfile.Item.ENVELOPE);
                inbox.fetch(messages, envelope);
                List<String> subjects = new ArrayList<>();
                for (Message message : messages) {
                    subjects.add(message.getSubject());
                }
                return subjects;
            } finally {
                inbox.close(false);
            }
        } finally {
            store.close();
        }
    }

    /** Whether the inbox holds the message (IMAP SEARCH on the header: nothing is fetched). */
    public boolean has(String messageId) throws MessagingException {
        Store store = session(true).getStore("imap");
        store.connect("127.0.0.1", ports.imap(), user, password);
        try {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            try {
                return inbox.search(new HeaderTerm("Message-ID", messageId)).length > 0;
            } finally {
                inbox.close(false);
            }
        } finally {
            store.close();
        }
    }

    private interface Action<T> {
        T apply(Folder inbox, Message message) throws MessagingException, IOException;
    }

    private <T> T imap(boolean peek, Action<T> action, String messageId)
        throws MessagingException, IOException {
        Store store = session(peek).getStore("imap");
        store.connect("127.0.0.1", ports.imap(), user, password);
        try {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_WRITE);
            try {
                Message[] found = inbox.search(new HeaderTerm("Message-ID", messageId));
                if (found.length == 0) {
                    throw new MessagingException("no message " + messageId + " in the IMAP "
                        + "inbox of " + user);
                }
                return action.apply(inbox, found[0]);
            } finally {
                if (inbox.isOpen()) {
                    inbox.close(false);
                }
            }
        } finally {
            store.close();
        }
    }

    private Session session(boolean peek) {
        Properties p = new Properties();
        p.put("mail.imap.connectiontimeout", "5000");
        p.put("mail.imap.timeout", "20000");
        p.put("mail.imap.peek", Boolean.toString(peek));
        p.put("mail.pop3.connectiontimeout", "5000");
        p.put("mail.pop3.timeout", "20000");
        return Session.getInstance(p);
    }

    private static boolean hasMessageId(Message message, String messageId)
        throws MessagingException {
        String[] values = message.getHeader("Message-ID");
        if (values == null) {
            return false;
        }
        for (String value : values) {
            if (value.trim().equals(messageId.trim())) {
                return true;
            }
        }
        return false;
    }

    private static byte[] bytes(Message message) throws MessagingException, IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message.writeTo(out);
        return out.toByteArray();
    }
}
