package org.regmail.mailets;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import javax.inject.Inject;

import org.apache.james.core.Username;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.MessageUid;
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
import org.regmail.contracts.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recipient's server: records DOWNLOADED when a POP3 client retrieved a registered message
 * (a RETR answered {@code +OK}). James has no "message fetched" event, so this handler takes
 * part in the POP3 chain twice: before James's RETR it notes which stored message was asked
 * for, and as a result handler it sees James's answer.
 *
 * <pre>{@code
 * <!-- pop3server.xml -->
 * <handlerchain>
 *   <handler class="org.regmail.mailets.RecordPop3Download"/>
 *   <handler class="org.apache.james.pop3server.core.CoreCmdHandlerLoader"/>
 * </handlerchain>
 * }</pre>
 *
 * It reads the default {@code file://conf/registered-mail.properties} (or the file named by the
 * system property {@code regmail.configuration}).
 */
public class RecordPop3Download implements CommandHandler<POP3Session>,
    ProtocolHandlerResultHandler<Response, POP3Session> {

    private static final Logger LOG = LoggerFactory.getLogger(RecordPop3Download.class);
    private static final AttachmentKey<MessageMetaData> ASKED_FOR =
        AttachmentKey.of("org.regmail.retr", MessageMetaData.class);

    private final MailboxManager mailboxManager;
    private final FileSystem fileSystem;

    @Inject
    public RecordPop3Download(MailboxManager mailboxManager, FileSystem fileSystem) {
        this.mailboxManager = mailboxManager;
        this.fileSystem = fileSystem;
    }

    @Override
    public Collection<String> getImplCommands() {
        return Set.of("RETR");
    }

    @Override
    public Response onCommand(POP3Session session, Request request) {
        askedFor(session, request.getArgument()).ifPresent(message ->
            session.setAttachment(ASKED_FOR, message, ProtocolSession.State.Transaction));
        return null; // James's own RETR answers
    }

    private static Optional<MessageMetaData> askedFor(POP3Session session, String argument) {
        int number;
        try {
            number = Integer.parseInt(argument == null ? "" : argument.trim());
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        List<MessageMetaData> maildrop = session.getAttachment(POP3Session.UID_LIST,
            ProtocolSession.State.Transaction).orElse(List.of());
        return number < 1 || number > maildrop.size() ? Optional.empty()
            : Optional.of(maildrop.get(number - 1));
    }

    @Override
    public Response onResponse(ProtocolSession session, Response response, long executionTime,
                               ProtocolHandler handler) {
        if (handler instanceof RetrCmdHandler
            && POP3Response.OK_RESPONSE.equals(response.getRetCode())) {
            session.removeAttachment(ASKED_FOR, ProtocolSession.State.Transaction)
                .ifPresent(message -> record(session.getUsername(), message));
        }
        return response;
    }

    private void record(Username user, MessageMetaData message) {
        try {
            MailboxSession mailboxSession = mailboxManager.createSystemSession(user);
            MessageManager inbox =
                mailboxManager.getMailbox(MailboxPath.inbox(user), mailboxSession);
            MessageResult stored = inbox.getMessages(
                MessageUid.of(Long.parseLong(message.getUid())).toRange(), FetchGroup.HEADERS,
                mailboxSession).next();
            RecipientActions.record(fileSystem, stored.getMessageId().serialize(),
                () -> RecipientActions.deliveryKey(user.asString(), stored), Status.DOWNLOADED,
                "POP3 RETR");
        } catch (Exception e) {
            // The recipient got the message; only the record is missing.
            LOG.warn("POP3 RETR by {}: DOWNLOADED not recorded: {}", user.asString(), e.toString());
        }
    }
}
