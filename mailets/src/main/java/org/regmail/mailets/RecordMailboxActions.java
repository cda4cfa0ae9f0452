package org.regmail.mailets;

import java.util.Iterator;

import javax.inject.Inject;
import javax.mail.Flags;

import org.apache.james.events.Event;
import org.apache.james.events.EventListener;
import org.apache.james.events.Group;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.events.MailboxEvents.Added;
import org.apache.james.mailbox.events.MailboxEvents.Expunged;
import org.apache.james.mailbox.events.MailboxEvents.FlagsUpdated;
import org.apache.james.mailbox.events.MessageMoveEvent;
import org.apache.james.mailbox.model.FetchGroup;
import org.apache.james.mailbox.model.Header;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.model.MessageResult;
import org.apache.james.mailbox.model.UpdatedFlags;
import org.regmail.contracts.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recipient's server: a mailbox listener that records what the recipient does to a stored
 * registered message — READ when {@code \Seen} is set, DELETED when {@code \Deleted} is set,
 * when it is expunged, or when it is moved to a mailbox named Trash — and links a freshly
 * delivered message to the registration {@link RecordDelivery} remembered for it.
 *
 * <pre>{@code
 * <!-- listeners.xml -->
 * <listener>
 *   <class>org.regmail.mailets.RecordMailboxActions</class>
 * </listener>
 * }</pre>
 *
 * It reads the default {@code file://conf/registered-mail.properties} (or the file named by the
 * system property {@code regmail.configuration}).
 */
public class RecordMailboxActions implements EventListener.GroupEventListener {
    private static final Logger LOG = LoggerFactory.getLogger(RecordMailboxActions.class);

    /**
     * James rebuilds a listener's group from its class name: it needs a no-argument constructor.
     */
    public static class RegisteredMailGroup extends Group {
    }

    private final MailboxManager mailboxManager;
    private final FileSystem fileSystem;

    @Inject
    public RecordMailboxActions(MailboxManager mailboxManager, FileSystem fileSystem) {
        this.mailboxManager = mailboxManager;
        this.fileSystem = fileSystem;
    }

    @Override
    public Group getDefaultGroup() {
        return new RegisteredMailGroup();
    }

    @Override
    public boolean isHandling(Event event) {
        return event instanceof Added || event instanceof FlagsUpdated
            || event instanceof Expunged || event instanceof MessageMoveEvent;
    }

    @Override
    public void event(Event event) throws Exception {
        if (event instanceof Added added && added.isDelivery()) {
            for (MessageUid uid : added.getUids()) {
                MessageId id = added.getMetaData(uid).getMessageId();
                String messageIdHeader = messageIdHeader(added, uid);
                if (messageIdHeader != null) {
                    RegisteredMailRuntime.defaultNode(fileSystem).rekey(
                        RecordDelivery.pendingKey(added.getUsername().asString(), messageIdHeader),
                        RecipientActions.storedKey(id.serialize()));
                }
            }
        } else if (event instanceof FlagsUpdated flags) {
            for (UpdatedFlags updated : flags.getUpdatedFlags()) {
                if (updated.getMessageId().isEmpty()) {
                    continue;
                }
                String id = updated.getMessageId().get().serialize();
                // No mailbox read here: the listener runs inside the flag update, and reading
                // the same mailbox from it can wait on the update's own lock.
                if (updated.isModifiedToSet(Flags.Flag.SEEN)) {
                    RecipientActions.record(fileSystem, id, Status.READ, "\\Seen set");
                }
                if (updated.isModifiedToSet(Flags.Flag.DELETED)) {
                    RecipientActions.record(fileSystem, id, Status.DELETED, "\\Deleted set");
                }
            }
        } else if (event instanceof Expunged expunged) {
            for (var message : expunged.getExpunged().values()) {
                RecipientActions.record(fileSystem, message.getMessageId().serialize(),
                    Status.DELETED, "expunged");
            }
        } else if (event instanceof MessageMoveEvent move) {
            MailboxSession session = mailboxManager.createSystemSession(move.getUsername());
            for (MailboxId target : move.getMessageMoves().addedMailboxIds()) {
                String name = mailboxManager.getMailbox(target, session).getMailboxPath().getName();
                if (name.equalsIgnoreCase("Trash") || name.toLowerCase().endsWith(".trash")) {
                    for (MessageId id : move.getMessageIds()) {
                        RecipientActions.record(fileSystem, id.serialize(), Status.DELETED,
                            "moved to " + name);
                    }
                }
            }
        }
    }

    private String messageIdHeader(Added added, MessageUid uid) {
        try {
            MailboxSession session = mailboxManager.createSystemSession(added.getUsername());
            MessageManager mailbox = mailboxManager.getMailbox(added.getMailboxId(), session);
            MessageResult stored =
                mailbox.getMessages(uid.toRange(), FetchGroup.HEADERS, session).next();
            Iterator<Header> headers = stored.getHeaders().headers();
            while (headers.hasNext()) {
                Header header = headers.next();
                if (header.getName().equalsIgnoreCase("Message-ID")) {
                    return header.getValue().trim();
                }
            }
        } catch (Exception e) {
            LOG.warn("cannot read a delivered message's Message-ID: {}", e.toString());
        }
        return null;
    }
}
