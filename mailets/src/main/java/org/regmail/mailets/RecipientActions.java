package org.regmail.mailets;

import org.apache.james.filesystem.api.FileSystem;
import org.regmail.contracts.Status;
import org.regmail.core.config.ConfigException;
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
        if (RegisteredMailRuntime.defaultNode(fileSystem)
            .recordRecipientAction(storedKey(mailboxMessageId), status)) {
            LOG.info("registered message {}: {} queued ({})", mailboxMessageId, status, how);
        }
    }
}
