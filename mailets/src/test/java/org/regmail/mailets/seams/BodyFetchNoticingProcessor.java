package org.regmail.mailets.seams;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import javax.inject.Inject;

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
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.FetchGroup;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.model.MessageResult;
import org.apache.james.metrics.api.MetricFactory;

import reactor.core.publisher.Mono;

/**
 * Test-only IMAP seam: James's own FETCH, plus a note of every message whose body went out.
 *
 * <p>James 3.8.1 has no "message fetched" event. The seam is the {@code <imapPackages>} list
 * of {@code imapserver.xml}: {@link BodyFetchNoticingImapPackage} names this class instead of
 * James's {@link FetchProcessor}. The answer to the client is untouched: the responder James
 * passes in is wrapped, and each {@link FetchResponse} carrying body sections is noted before
 * it is passed on. {@code BODY[]} also sets {@code \Seen} (the mailbox listener sees that);
 * {@code BODY.PEEK[]} does not, which {@link FetchData#isSetSeen()} tells apart.
 */
public class BodyFetchNoticingProcessor extends FetchProcessor {

    private final MailboxManager mailboxManager;
    private final SeamEvents events;

    @Inject
    public BodyFetchNoticingProcessor(MailboxManager mailboxManager, StatusResponseFactory factory,
                                      MetricFactory metricFactory, SeamEvents events) {
        super(mailboxManager, factory, metricFactory);
        this.mailboxManager = mailboxManager;
        this.events = events;
    }

    @Override
    protected Mono<Void> processRequestReactive(FetchRequest request, ImapSession session,
                                                Responder responder) {
        FetchData fetch = request.getFetch();
        SelectedMailbox selected = session.getSelected();
        if (fetch.getBodyElements().isEmpty() || selected == null) {
            return super.processRequestReactive(request, session, responder);
        }

        String what = fetch.isSetSeen() ? "BODY" : "BODY.PEEK";
        List<Fetched> fetched = new CopyOnWriteArrayList<>();
        Responder noticing = new Responder() {
            @Override
            public void respond(ImapResponseMessage message) {
                if (message instanceof FetchResponse response && response.getElements() != null
                    && !response.getElements().isEmpty()) {
                    uidOf(response, selected)
                        .ifPresent(uid -> fetched.add(new Fetched(uid, sections(response))));
                }
                responder.respond(message);
            }

            @Override
            public void flush() {
                responder.flush();
            }
        };

        return super.processRequestReactive(request, session, noticing)
            .then(Mono.fromRunnable(() ->
                record(what, selected.getMailboxId(), session.getMailboxSession(), fetched)));
    }

    private record Fetched(MessageUid uid, String sections) {
    }

    private static Optional<MessageUid> uidOf(FetchResponse response, SelectedMailbox selected) {
        if (response.getUid() != null) {
            return Optional.of(response.getUid());
        }
        return selected.uid(response.getMessageNumber().asInt());
    }

    private static String sections(FetchResponse response) {
        return response.getElements().stream()
            .map(FetchResponse.BodyElement::getName)
            .collect(Collectors.joining(" "));
    }

    private void record(String what, MailboxId mailboxId, MailboxSession session,
                        List<Fetched> fetched) {
        for (Fetched message : fetched) {
            try {
                MessageManager mailbox = mailboxManager.getMailbox(mailboxId, session);
                MessageResult stored = mailbox
                    .getMessages(message.uid().toRange(), FetchGroup.MINIMAL, session)
                    .next();
                events.record("imap", what, stored.getMessageId().serialize(), message.sections());
            } catch (MailboxException e) {
                events.record("imap", what + "-UNRESOLVED", null, e.getMessage());
            }
        }
    }
}
