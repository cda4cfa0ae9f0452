package org.regmail.mailets;

import java.util.Iterator;
import java.util.Optional;
import java.util.function.Supplier;

import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.mailbox.model.Header;
import org.apache.james.mailbox.model.MessageResult;
import org.regmail.contracts.Status;
import org.regmail.core.config.ConfigException;
import org.regmail.core.server.ServerNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns what a recipient did to a stored message into a record, when it is a registered one. */
final class RecipientActions {
    private static final Logger LOG = LoggerFactory.getLogger(RecipientActions.class);

    private RecipientActions() {
    }

    /** The key of a stored message once the mailbox gave it an id. */
    static String storedKey(String mailboxMessageId) {
        return "mid:" + mailboxMessageId;
    }

    static void record(FileSystem fileSystem, String mailboxMessageId, Status status, String how)
        throws ConfigException {
        record(fileSystem, mailboxMessageId, Optional::empty, status, how);
    }

    /**
     * Records the action; when the message is not known by its mailbox id yet (the delivery
     * listener that links the two may not have run), it is looked up by the key
     * {@link RecordDelivery} remembered it under, from the user and the Message-ID header.
     */
    static void record(FileSystem fileSystem, String mailboxMessageId,
                       Supplier<Optional<String>> deliveryKey, Status status, String how)
        throws ConfigException {
        ServerNode node = RegisteredMailRuntime.defaultNode(fileSystem);
        String stored = storedKey(mailboxMessageId);
        boolean registered = node.recordRecipientAction(stored, status);
        if (!registered) {
            Optional<String> pending = deliveryKey.get();
            if (pending.isPresent()) {
                node.rekey(pending.get(), stored);
                registered = node.recordRecipientAction(stored, status);
            }
        }
        if (registered) {
            LOG.info("registered message {}: {} queued ({})", mailboxMessageId, status, how);
        }
    }

    /** The delivery key of a stored message, from its owner and its Message-ID header. */
    static Optional<String> deliveryKey(String user, MessageResult stored) {
        try {
            Iterator<Header> headers = stored.getHeaders().headers();
            while (headers.hasNext()) {
                Header header = headers.next();
                if (header.getName().equalsIgnoreCase("Message-ID")) {
                    return Optional.of(RecordDelivery.pendingKey(user, header.getValue().trim()));
                }
            }
        } catch (Exception e) {
            LOG.debug("no headers for a stored message: {}", e.toString());
        }
        return Optional.empty();
    }
}
