package org.regmail.mailets;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.inject.Inject;

import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.imap.api.message.FetchData;
import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.api.process.SelectedMailbox;
import org.apache.james.imap.message.request.FetchRequest;
import org.apache.james.imap.message.response.FetchResponse;
import org.apache.james.imap.processor.fetch.FetchProcessor;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.model.FetchGroup;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.model.MessageResult;
import org.apache.james.metrics.api.MetricFactory;
import org.regmail.contracts.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import reactor.core.publisher.Mono;

/**
 * The recipient's server: James's own IMAP FETCH, plus a DOWNLOADED record for every registered
 * message whose body (not only its headers) went out to the client. {@code BODY.PEEK[]} counts
 * as DOWNLOADED but not READ; {@code BODY[]} also sets {@code \Seen}, which
 * {@link RecordMailboxActions} records as READ. The answer to the client is not changed.
 * Installed through {@link RegisteredMailImapPackage}.
 */
public class RecordImapDownload extends FetchProcessor {
    private static final Logger LOG = LoggerFactory.getLogger(RecordImapDownload.class);

    private final MailboxManager mailboxManager;
    private final FileSystem fileSystem;

    @Inject
    public RecordImapDownload(MailboxManager mailboxManager, StatusResponseFactory factory,
                              MetricFactory metricFactory, FileSystem fileSystem) {
        super(mailboxManager, factory, metricFactory);
        this.mailboxManager = mailboxManager;
        this.fileSystem = fileSystem;
    }

    @Override
    protected Mono<Void> processRequestReactive(FetchRequest request, ImapSession session,
                                                Responder responder) {
        FetchData fetch = request.getFetch();
        SelectedMailbox selected = session.getSelected();
        if (fetch.getBodyElements().isEmpty() || selected == null) {
            return super.processRequestReactive(request, session, responder);
        }
        List<MessageUid> downloaded = new CopyOnWriteArrayList<>();
        Responder noticing = new Responder() {
            @Override
            public void respond(ImapResponseMessage message) {
                if (message instanceof FetchResponse response && carriesBody(response)) {
                    uidOf(response, selected).ifPresent(downloaded::add);
                }
                responder.respond(message);
            }

            @Override
            public void flush() {
                responder.flush();
            }
        };
        return super.processRequestReactive(request, session, noticing)
            .then(Mono.fromRunnable(() -> record(selected.getMailboxId(),
                session.getMailboxSession(), downloaded)));
    }

    private static boolean carriesBody(FetchResponse response) {
        return response.getElements() != null && response.getElements().stream()
            .anyMatch(element -> !element.getName().toUpperCase().contains("HEADER"));
    }

    private static Optional<MessageUid> uidOf(FetchResponse response, SelectedMailbox selected) {
        if (response.getUid() != null) {
            return Optional.of(response.getUid());
        }
        return selected.uid(response.getMessageNumber().asInt());
    }

    private void record(MailboxId mailboxId, MailboxSession session, List<MessageUid> downloaded) {
        for (MessageUid uid : downloaded) {
            try {
                MessageManager mailbox = mailboxManager.getMailbox(mailboxId, session);
                MessageResult stored = mailbox.getMessages(uid.toRange(), FetchGroup.HEADERS,
                    session).next();
                String user = session.getUser().asString();
                RecipientActions.record(fileSystem, stored.getMessageId().serialize(),
                    () -> RecipientActions.deliveryKey(user, stored), Status.DOWNLOADED,
                    "IMAP body fetch");
            } catch (Exception e) {
                LOG.warn("IMAP fetch of message {}: DOWNLOADED not recorded: {}", uid,
                    e.toString());
            }
        }
    }
}
