package org.regmail.mailets;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

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
import reactor.core.scheduler.Schedulers;

/**
 * The recipient's server: James's own IMAP FETCH, plus a DOWNLOADED record for every registered
 * message whose body (not only its headers) went out to the client. {@code BODY.PEEK[]} counts
 * as DOWNLOADED but not READ; {@code BODY[]} also sets {@code \Seen}, which
 * {@link RecordMailboxActions} records as READ. The answer to the client is not changed.
 * Installed through {@link RegisteredMailImapPackage}.
 *
 * <p>The record (a mailbox read and a durable store commit, both blocking) runs on threads of
 * its own, never on the thread that completed James's fetch: for a fetch that sets no flag
 * that is the Netty event loop, which also serves other IMAP connections, and otherwise one of
 * James's Reactor threads. The tagged OK waits for the record, so that DOWNLOADED is queued
 * before the client's next command (a move to Trash forgets the message), but at most
 * {@link #ANSWER_WAIT}: the client is answered even when the store is slow, and the record
 * still lands (the store queues each record once, whenever it comes).
 *
 * <p>Limitation: when the store takes longer than {@link #ANSWER_WAIT}, a client that deletes
 * the message right after the answer can have its DELETED queued first; the late DOWNLOADED
 * then finds the message gone or forgotten and records nothing.
 */
public class RecordImapDownload extends FetchProcessor {
    private static final Logger LOG = LoggerFactory.getLogger(RecordImapDownload.class);

    /** How long the tagged OK of a body fetch waits for its DOWNLOADED to be queued. */
    static final Duration ANSWER_WAIT = Duration.ofSeconds(2);

    /** Records waiting for a recording thread; beyond that a body fetch records nothing. */
    private static final int QUEUE_CAPACITY = 10_000;

    /** The store commits one transaction at a time: two threads keep it busy. */
    private static final ExecutorService RECORDING = recordingThreads(2);

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
            .then(Mono.defer(() -> recorded(selected.getMailboxId(),
                session.getMailboxSession(), downloaded)));
    }

    /**
     * Hands the record to the recording threads; completes when it is queued, or after
     * {@link #ANSWER_WAIT} while it goes on. The wait is on a copy of the future: cancelling
     * the recording itself would skip it if it had not started yet. James goes on with the
     * command on its own threads, not on the recording threads.
     */
    private Mono<Void> recorded(MailboxId mailboxId, MailboxSession session,
                                List<MessageUid> downloaded) {
        if (downloaded.isEmpty()) {
            return Mono.empty();
        }
        CompletableFuture<Void> recording;
        try {
            recording = CompletableFuture.runAsync(() -> record(mailboxId, session, downloaded),
                RECORDING);
        } catch (RejectedExecutionException e) {
            LOG.warn("IMAP fetch of messages {}: DOWNLOADED not recorded: {} records already "
                + "wait for the store", downloaded, QUEUE_CAPACITY);
            return Mono.empty();
        }
        Mono<Void> late = Mono.fromRunnable(() -> LOG.warn("IMAP fetch of messages {}: answered "
            + "before DOWNLOADED was queued, the store took over {}", downloaded, ANSWER_WAIT));
        return Mono.fromFuture(recording.copy())
            .timeout(ANSWER_WAIT, late, Schedulers.boundedElastic())
            .publishOn(Schedulers.boundedElastic());
    }

    private static ExecutorService recordingThreads(int threads) {
        AtomicInteger count = new AtomicInteger();
        return new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(QUEUE_CAPACITY), runnable -> {
                Thread thread = new Thread(runnable,
                    "regmail-imap-download-" + count.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            });
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
