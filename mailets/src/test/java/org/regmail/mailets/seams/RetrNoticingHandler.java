package org.regmail.mailets.seams;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import javax.inject.Inject;

import org.apache.james.core.Username;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.FetchGroup;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.MessageResult;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.ProtocolSession.AttachmentKey;
import org.apache.james.protocols.api.Request;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.CommandHandler;
import org.apache.james.protocols.api.handler.ProtocolHandler;
import org.apache.james.protocols.api.handler.ProtocolHandlerResultHandler;
import org.apache.james.protocols.pop3.POP3Response;
import org.apache.james.protocols.pop3.POP3Session;
import org.apache.james.protocols.pop3.core.RetrCmdHandler;
import org.apache.james.protocols.pop3.mailbox.MessageMetaData;

/**
 * Test-only POP3 seam: notices a successful RETR and which stored message it served.
 *
 * <p>Two roles in one object, both wired by James from one {@code <handler class=…/>} line of
 * {@code pop3server.xml}'s handler chain. As a {@link CommandHandler} for RETR it runs before
 * James's own RETR handler, remembers which message the client asked for and returns
 * {@code null} so that James's handler answers. As a {@link ProtocolHandlerResultHandler} it
 * then sees that answer: only a {@code +OK} from {@link RetrCmdHandler} means the message went
 * out. The POP3 "uid" of James 3.8.1 is the message's IMAP UID in INBOX, so the stored
 * message's {@code MessageId} is looked up in the user's INBOX. The result handler is declared
 * for {@link Response}, not {@link POP3Response}: James also passes it responses of other
 * types (USER's, for one), and a narrower type fails with a {@link ClassCastException}.
 */
public class RetrNoticingHandler implements CommandHandler<POP3Session>,
    ProtocolHandlerResultHandler<Response, POP3Session> {

    private static final ProtocolSession.State TRANSACTION = ProtocolSession.State.Transaction;
    private static final AttachmentKey<MessageMetaData> ASKED_FOR =
        AttachmentKey.of("regmail.test.retr", MessageMetaData.class);

    private final MailboxManager mailboxManager;
    private final SeamEvents events;

    @Inject
    public RetrNoticingHandler(MailboxManager mailboxManager, SeamEvents events) {
        this.mailboxManager = mailboxManager;
        this.events = events;
    }

    @Override
    public Collection<String> getImplCommands() {
        return Set.of("RETR");
    }

    @Override
    public Response onCommand(POP3Session session, Request request) {
        askedFor(session, request.getArgument())
            .ifPresent(message -> session.setAttachment(ASKED_FOR, message, TRANSACTION));
        return null;
    }

    private Optional<MessageMetaData> askedFor(POP3Session session, String argument) {
        int number;
        try {
            number = Integer.parseInt(argument == null ? "" : argument.trim());
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        List<MessageMetaData> maildrop = session.getAttachment(POP3Session.UID_LIST, TRANSACTION)
            .orElse(List.of());
        if (number < 1 || number > maildrop.size()) {
            return Optional.empty();
        }
        return Optional.of(maildrop.get(number - 1));
    }

    @Override
    public Response onResponse(ProtocolSession session, Response response, long executionTime,
                               ProtocolHandler handler) {
        boolean served = POP3Response.OK_RESPONSE.equals(response.getRetCode());
        if (handler instanceof RetrCmdHandler && served) {
            session.removeAttachment(ASKED_FOR, TRANSACTION)
                .ifPresent(message -> record(session.getUsername(), message));
        }
        return response;
    }

    private void record(Username user, MessageMetaData message) {
        try {
            MailboxSession session = mailboxManager.createSystemSession(user);
            MessageManager inbox = mailboxManager.getMailbox(MailboxPath.inbox(user), session);
            MessageUid uid = MessageUid.of(Long.parseLong(message.getUid()));
            MessageResult stored =
                inbox.getMessages(uid.toRange(), FetchGroup.MINIMAL, session).next();
            events.record("pop3", "RETR", stored.getMessageId().serialize(), user.asString());
        } catch (MailboxException e) {
            events.record("pop3", "RETR-UNRESOLVED", null, e.getMessage());
        }
    }
}
