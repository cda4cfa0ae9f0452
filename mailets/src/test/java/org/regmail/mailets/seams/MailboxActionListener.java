package org.regmail.mailets.seams;

import java.util.Iterator;

import javax.inject.Inject;
import javax.mail.Flags;

import org.apache.james.core.Username;
import org.apache.james.events.Event;
import org.apache.james.events.EventListener;
import org.apache.james.events.Group;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.events.MailboxEvents.Added;
import org.apache.james.mailbox.events.MailboxEvents.Expunged;
import org.apache.james.mailbox.events.MailboxEvents.FlagsUpdated;
import org.apache.james.mailbox.events.MessageMoveEvent;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.FetchGroup;
import org.apache.james.mailbox.model.Header;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.model.MessageResult;
import org.apache.james.mailbox.model.UpdatedFlags;

/**
 * Test-only mailbox seam: a group listener named in {@code listeners.xml} that notes what the
 * recipient does to stored messages. James 3.8.1 events, by action:
 * <ul>
 *   <li>delivery: {@link Added} with {@code isDelivery()} — the stored message's MessageId, and
 *       (read back through the {@link MailboxManager}) its headers;</li>
 *   <li>read: {@link FlagsUpdated} where {@link UpdatedFlags#isModifiedToSet} {@code \Seen};</li>
 *   <li>delete: {@code \Deleted} set, then {@link Expunged};</li>
 *   <li>move: {@link MessageMoveEvent} naming the target mailbox (plus an {@code Added} in the
 *       target and an {@code Expunged} in the source).</li>
 * </ul>
 */
public class MailboxActionListener implements EventListener.GroupEventListener {

    /** A group needs a public no-argument constructor: James rebuilds it from its class name. */
    public static class MailboxActionGroup extends Group {
    }

    private final MailboxManager mailboxManager;
    private final SeamEvents events;

    @Inject
    public MailboxActionListener(MailboxManager mailboxManager, SeamEvents events) {
        this.mailboxManager = mailboxManager;
        this.events = events;
    }

    @Override
    public Group getDefaultGroup() {
        return new MailboxActionGroup();
    }

    @Override
    public boolean isHandling(Event event) {
        return event instanceof Added || event instanceof FlagsUpdated
            || event instanceof Expunged || event instanceof MessageMoveEvent;
    }

    @Override
    public void event(Event event) throws MailboxException {
        if (event instanceof Added added) {
            for (MessageUid uid : added.getUids()) {
                String what = added.isDelivery() ? "DELIVERED" : "ADDED";
                String subject = subjectOf(added.getUsername(), added.getMailboxId(), uid);
                events.record("listener", what, added.getMetaData(uid).getMessageId().serialize(),
                    added.getMailboxPath().getName() + " " + subject);
            }
        } else if (event instanceof FlagsUpdated flags) {
            String mailbox = flags.getMailboxPath().getName();
            for (UpdatedFlags updated : flags.getUpdatedFlags()) {
                String messageId = updated.getMessageId().map(id -> id.serialize()).orElse(null);
                if (updated.isModifiedToSet(Flags.Flag.SEEN)) {
                    events.record("listener", "SEEN", messageId, mailbox);
                }
                if (updated.isModifiedToSet(Flags.Flag.DELETED)) {
                    events.record("listener", "DELETED-FLAG", messageId, mailbox);
                }
            }
        } else if (event instanceof Expunged expunged) {
            String mailbox = expunged.getMailboxPath().getName();
            expunged.getExpunged().values().forEach(message ->
                events.record("listener", "EXPUNGED", message.getMessageId().serialize(), mailbox));
        } else if (event instanceof MessageMoveEvent move) {
            MailboxSession session = mailboxManager.createSystemSession(move.getUsername());
            for (MailboxId target : move.getMessageMoves().addedMailboxIds()) {
                String name = mailboxManager.getMailbox(target, session).getMailboxPath().getName();
                move.getMessageIds()
                    .forEach(id -> events.record("listener", "MOVED", id.serialize(), name));
            }
        }
    }

    private String subjectOf(Username user, MailboxId mailboxId, MessageUid uid)
        throws MailboxException {
        MailboxSession session = mailboxManager.createSystemSession(user);
        MessageManager mailbox = mailboxManager.getMailbox(mailboxId, session);
        MessageResult stored = mailbox.getMessages(uid.toRange(), FetchGroup.HEADERS, session)
            .next();
        Iterator<Header> headers = stored.getHeaders().headers();
        while (headers.hasNext()) {
            Header header = headers.next();
            if (header.getName().equalsIgnoreCase("Subject")) {
                return header.getValue().trim();
            }
        }
        return "";
    }
}
