package org.regmail.core.server;

import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import org.regmail.contracts.Status;
import org.regmail.contracts.generated.EmailRegistration;
import org.regmail.core.chain.ChainException;
import org.regmail.core.chain.ChainGateway;
import org.regmail.core.chain.ChainGateway.SignedTransaction;
import org.regmail.core.config.ConfigException;
import org.regmail.core.config.ServerConfig;
import org.regmail.core.envelope.EnvelopeException;
import org.regmail.core.envelope.RegistrationEnvelope;
import org.regmail.core.keys.KeyException;
import org.regmail.core.keys.KeystoreCredentials;
import org.regmail.core.outbox.OutboxPublisher;
import org.regmail.core.registration.NextHops;
import org.regmail.core.registration.RegistrationLookup;
import org.regmail.core.registration.RegistrationRefused;
import org.regmail.core.registration.RegistrationVerifier;
import org.regmail.core.registration.ServerDirectory;
import org.regmail.core.registration.VerifiedMail;
import org.regmail.core.commitment.ContentCommitment;
import org.regmail.core.commitment.InvalidRecipientException;
import org.regmail.core.store.DeferredCheck;
import org.regmail.core.store.Disposition;
import org.regmail.core.store.H2ServerStore;
import org.regmail.core.store.LedgerEntry;
import org.regmail.core.store.RecordRequest;
import org.regmail.core.store.RelayAuthorisation;
import org.regmail.core.store.ServerStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

/**
 * One mail server's side of the protocol, whatever its role, without any James type: it opens
 * and checks registered mails, queues the statuses the server attests in the durable outbox,
 * seals envelopes for the next hop, and runs the publisher that puts them on chain.
 *
 * <p>Nothing here waits for the chain except reading a registration's terms once (cached);
 * records are written to the store and published in the background.
 */
public final class ServerNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServerNode.class);

    private final ServerConfig config;
    private final Credentials credentials;
    private final ChainGateway gateway;
    private final ServerStore store;
    private final OutboxPublisher publisher;
    private final RegistrationVerifier verifier;
    private final ServerDirectory directory;
    private final NextHops nextHops;
    /** Relay authorisations read from the store at a time. */
    private static final int RELAY_AUTHORISATION_PAGE = 50;
    /**
     * Relay authorisations, one run at a time, off the mail's thread. A run sends everything
     * stored when it starts, so one run waiting behind the current one is enough: a burst of
     * relayed mail leaves at most one task in memory, the rest are dropped.
     */
    private final java.util.concurrent.ThreadPoolExecutor relayAuthorisations =
        new java.util.concurrent.ThreadPoolExecutor(1, 1, 0, java.util.concurrent.TimeUnit.SECONDS,
            new java.util.concurrent.ArrayBlockingQueue<>(1), runnable -> {
                Thread thread = new Thread(runnable, "regmail-relay-authorisation");
                thread.setDaemon(true);
                return thread;
            }, new java.util.concurrent.ThreadPoolExecutor.DiscardPolicy());
    private final java.util.concurrent.ScheduledExecutorService deferredChecks =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "regmail-deferred-checks");
            thread.setDaemon(true);
            return thread;
        });

    public ServerNode(ServerConfig config, Credentials credentials, ChainGateway gateway,
                      ServerStore store) {
        this.config = config;
        this.credentials = credentials;
        this.gateway = gateway;
        this.store = store;
        this.publisher = new OutboxPublisher(store, gateway, config.batchSize(),
            config.batchInterval()).replaceAfter(config.replaceAfter());
        this.verifier = new RegistrationVerifier(new RegistrationLookup(gateway),
            credentials.getEcKeyPair(), config.chain().chainId());
        this.directory = new ServerDirectory(gateway);
        this.nextHops = new NextHops(directory);
    }

    /**
     * Loads the keystore, checks the configuration against the chain, opens the store and
     * starts publishing. The chain node need not be up: records wait in the store until it is.
     *
     * @throws KeyException when the keystore or its password cannot be used
     * @throws ConfigException when the node answers that {@code chain.id} or
     *     {@code chain.master} is not its chain or its Master
     */
    public static ServerNode start(ServerConfig config) throws KeyException, ConfigException {
        Credentials credentials = KeystoreCredentials.load(config.keystore(), config.password());
        ChainGateway gateway = ChainGateway.open(config.chain(), credentials);
        try {
            ConfigurationCheck.check(config, gateway);
        } catch (ConfigException e) {
            gateway.close();
            throw e;
        }
        ServerNode node = new ServerNode(config, credentials, gateway,
            H2ServerStore.open(config.storePath()));
        node.startPublishing();
        LOG.info("registered mail: server {} for {} records on chain {} through Master {} ({})",
            credentials.getAddress(), config.domain(), config.chain().chainId(),
            config.chain().masterAddress(), config.chain().rpcUrl());
        return node;
    }

    /**
     * A mail accepted for registration, and how to send it on.
     *
     * @param mail the verified mail, or null when its check is deferred
     * @param ref what the hand-off needs, or null when the check is deferred
     * @param hops the copies to send on
     * @param deferred when the chain could not be asked: what the hand-off must keep so that
     *     its record can be checked later; null otherwise
     */
    public record Accepted(VerifiedMail mail, RegistrationRef ref, List<NextHops.Hop> hops,
                           DeferredSubmission deferred) {
        public boolean isDeferred() {
            return deferred != null;
        }
    }

    /** A submission whose check waits for the chain: the header as received and the hash. */
    public record DeferredSubmission(String headerValue, byte[] contentHash) {
    }

    /**
     * The sender's server accepts a submitted registered mail: the content must be the
     * registered content; SUBMITTED is queued for every registered recipient; the envelope is
     * sealed for each next hop (each recipient domain's server, or the relay).
     *
     * @param relayDomain the protocol-speaking smart host's directory domain, or null for
     *     direct delivery
     */
    public Accepted acceptSubmission(String headerValue, byte[] message, List<String> recipients,
                                     String relayDomain)
        throws RegistrationRefused, ChainException, EnvelopeException {
        RegistrationEnvelope envelope = verifier.open(headerValue);
        byte[] contentHash = ContentCommitment.contentHash(message);
        VerifiedMail mail;
        try {
            mail = verifier.verifyOpened(envelope, contentHash, recipients);
        } catch (ChainException e) {
            if (!e.isUnreachable()) {
                throw e;
            }
            // The node is down: send the mail on now, registered for every next server this
            // server already knows, and check it (and record SUBMITTED) once the node is back.
            store.defer(new DeferredCheck(0, DeferredCheck.Kind.SUBMISSION, headerValue,
                contentHash, recipients, recipients, Instant.now()));
            LOG.warn("registered mail {} sent on unchecked, its check waits for the chain ({})",
                envelope.registration(), e.getMessage());
            List<NextHops.Hop> hops = nextHops.offline(envelope, recipients);
            return new Accepted(null, null, hops, new DeferredSubmission(headerValue, contentHash));
        }
        if (!mail.contentIntact()) {
            throw new RegistrationRefused(RegistrationRefused.Reason.CONTENT_MISMATCH,
                "the submitted content is not the content registered at " + mail.registration());
        }
        if (!mail.info().senderServer().equalsIgnoreCase(credentials.getAddress())) {
            throw new RegistrationRefused(RegistrationRefused.Reason.FORGED_ENVELOPE,
                "the registration names another sender's server");
        }
        RegistrationRef ref = refOf(mail);
        queue(ref, Status.SUBMITTED);
        if (relayDomain == null) {
            return new Accepted(mail, ref, nextHops.byRecipientDomain(mail, recipients), null);
        }
        NextHops.Hop hop = nextHops.throughRelay(mail, relayDomain, recipients);
        if (hop.headerValue().isPresent()) {
            directory.approvedServerFor(relayDomain)
                .ifPresent(relay -> authoriseRelay(ref, relay.server()));
        }
        return new Accepted(mail, ref, List.of(hop), null);
    }

    /**
     * Of the Registered-Mail headers a message carries (normally one), the one sealed to this
     * server: a hop or a forger may have added others, and the first copy is not always ours.
     * When none opens with this server's key, the first, so that its refusal is the one told.
     * Opening is local work (no chain): a copy that opens is checked in full afterwards.
     */
    public String headerFor(List<String> headerValues) {
        if (headerValues.size() > 1) {
            for (String value : headerValues) {
                try {
                    verifier.open(value);
                    return value;
                } catch (RegistrationRefused notOurs) {
                    LOG.debug("a Registered-Mail header copy that is not for this server: {}",
                        notOurs.getMessage());
                }
            }
        }
        return headerValues.get(0);
    }

    /**
     * Lets the relay record RELAYED for this registration: the contract takes RELAYED only from
     * a relay the previous hop (here the sender's server) authorised. The authorisation is kept
     * in the store first and sent in the background, so the mail never waits for the chain and
     * a restart or an outage only delays it; the relay's outbox retries its RELAYED records
     * until it has landed. Its gas goes to the ledger like a record's.
     */
    private void authoriseRelay(RegistrationRef ref, String relay) {
        store.queueRelayAuthorisation(new RelayAuthorisation(ref.registration(), ref.salt(),
            ref.owner(), relay));
        scheduleRelayAuthorisations();
    }

    /** Asks for a background run of {@link #runRelayAuthorisations()} (at most one waits). */
    void scheduleRelayAuthorisations() {
        relayAuthorisations.execute(this::runRelayAuthorisations);
    }

    /** Background runs waiting to start: never more than one. */
    int relayAuthorisationRunsWaiting() {
        return relayAuthorisations.getQueue().size();
    }

    /**
     * Sends the relay authorisations waiting in the store, a page at a time until none is left;
     * stops at the first the node cannot take (it is tried again later). Returns how many were
     * settled.
     */
    public synchronized int runRelayAuthorisations() {
        int settled = 0;
        while (true) {
            List<RelayAuthorisation> page =
                store.pendingRelayAuthorisations(RELAY_AUTHORISATION_PAGE);
            int settledInPage = runRelayAuthorisations(page);
            settled += settledInPage;
            if (settledInPage < page.size() || page.size() < RELAY_AUTHORISATION_PAGE) {
                return settled;
            }
        }
    }

    /**
     * Sends a page of authorisations back to back, then waits for their receipts together: on
     * a chain with a block time the page costs about one block, not one block each. One sent
     * before a crash is settled from its receipt, or left while it is pending, never paid twice.
     */
    private int runRelayAuthorisations(List<RelayAuthorisation> page) {
        int settled = 0;
        List<SentAuthorisation> sent = new ArrayList<>();
        for (RelayAuthorisation a : page) {
            try {
                if (a.sentTransaction() != null) {
                    Optional<TransactionReceipt> receipt = gateway.receipt(a.sentTransaction());
                    if (receipt.isPresent()) {
                        settleRelayAuthorisation(a, receipt.get());
                        settled++;
                        continue;
                    }
                    if (gateway.isKnown(a.sentTransaction())) {
                        // Limitation: an authorisation waiting in the pool is not replaced with
                        // higher fees as the outbox's transactions are; it is sent again, at the
                        // fees of the day, only once the node has dropped it.
                        continue; // still pending: looked at again at the next run
                    }
                    store.markRelayAuthorisationSent(a.registration(), a.relay(), null);
                }
                if (!Boolean.TRUE.equals(gateway.read("checking relay " + a.relay(),
                    gateway.registration(a.registration()).isAuthorisedRelay(a.relay())))) {
                    String call = gateway.master().authoriseRelay(a.salt(), a.relay())
                        .encodeFunctionCall();
                    sent.add(new SentAuthorisation(a, gateway.submit("authorising relay "
                        + a.relay(), gateway.master().getContractAddress(), call,
                        signed -> store.markRelayAuthorisationSent(a.registration(), a.relay(),
                            signed.hash()))));
                    continue;
                }
            } catch (ChainException e) {
                if (e.isUnreachable()) {
                    break;
                }
                LOG.warn("registered mail {}: relay {} not authorised, its RELAYED records will "
                    + "be refused: {}", a.registration(), a.relay(), e.getMessage());
            } catch (RuntimeException e) {
                LOG.warn("registered mail {}: relay {} not authorised yet: {}", a.registration(),
                    a.relay(), e.toString());
                break;
            }
            store.forgetRelayAuthorisation(a.registration(), a.relay());
            settled++;
        }
        return settled + settleRelayAuthorisations(sent);
    }

    private record SentAuthorisation(RelayAuthorisation authorisation,
                                     SignedTransaction transaction) {
    }

    /**
     * Books each mined authorisation in the ledger (a refused one too: its gas was spent) and
     * forgets it; one not mined yet stays in the store and is checked again at the next run.
     */
    private int settleRelayAuthorisations(List<SentAuthorisation> sent) {
        Map<String, TransactionReceipt> receipts;
        try {
            receipts = gateway.awaitReceipts(
                sent.stream().map(SentAuthorisation::transaction).toList());
        } catch (ChainException e) {
            LOG.warn("{} relay authorisations sent, their receipts not read yet: {}", sent.size(),
                e.getMessage());
            return 0;
        }
        int settled = 0;
        for (SentAuthorisation entry : sent) {
            RelayAuthorisation a = entry.authorisation();
            TransactionReceipt receipt = receipts.get(entry.transaction().hash());
            if (receipt == null) {
                LOG.warn("registered mail {}: relay {} authorisation {} not mined yet, checked "
                    + "again later", a.registration(), a.relay(), entry.transaction().hash());
                continue;
            }
            settleRelayAuthorisation(a, receipt);
            settled++;
        }
        return settled;
    }

    /** Books a mined authorisation (a refused one too: its gas was spent) and forgets it. */
    private void settleRelayAuthorisation(RelayAuthorisation a, TransactionReceipt receipt) {
        BigInteger reimbursed = EmailRegistration.getRelayAuthorisedEvents(receipt).stream()
            .map(e -> e.reimbursed).reduce(BigInteger.ZERO, BigInteger::add);
        store.addToLedger(new LedgerEntry(receipt.getTransactionHash(),
                receipt.getBlockNumber().longValueExact(),
                receipt.getGasUsed().longValueExact(),
                Numeric.decodeQuantity(receipt.getEffectiveGasPrice()), 0, reimbursed,
                Instant.now()),
            a.owner() == null ? Map.of() : Map.of(a.owner(), reimbursed));
        if (receipt.isStatusOK()) {
            LOG.info("registered mail {}: relay {} authorised in tx {}, reimbursed {} wei",
                a.registration(), a.relay(), receipt.getTransactionHash(), reimbursed);
        } else {
            LOG.warn("registered mail {}: relay {} not authorised, tx {} reverted ({}); its "
                + "RELAYED records will be refused", a.registration(), a.relay(),
                receipt.getTransactionHash(), gateway.explainFailure(receipt));
        }
        store.forgetRelayAuthorisation(a.registration(), a.relay());
    }

    /**
     * The sender's server handed a mail whose check was deferred to the next hop: HANDED_OFF
     * for these recipients is checked and queued once the chain answers.
     */
    public void recordHandedOffDeferred(DeferredSubmission submission, List<String> recipients) {
        store.defer(new DeferredCheck(0, DeferredCheck.Kind.HAND_OFF, submission.headerValue(),
            submission.contentHash(), recipients, recipients, Instant.now()));
    }

    /**
     * The sender's server handed the mail to the next hop (RemoteDelivery succeeded) for the
     * recipients whose registered indexes are given: queue HANDED_OFF for them.
     */
    public void recordHandedOff(RegistrationRef ref) {
        queue(ref, Status.HANDED_OFF);
    }

    /**
     * A protocol-speaking relay: RELAYED is queued for the registered recipients and the
     * envelope is sealed for each recipient domain's server.
     */
    public Accepted relay(String headerValue, byte[] message, List<String> recipients)
        throws RegistrationRefused, ChainException, EnvelopeException {
        RegistrationEnvelope envelope = verifier.open(headerValue);
        byte[] contentHash = ContentCommitment.contentHash(message);
        VerifiedMail mail;
        try {
            mail = verifier.verifyOpened(envelope, contentHash, recipients);
        } catch (ChainException e) {
            if (!e.isUnreachable()) {
                throw e;
            }
            store.defer(new DeferredCheck(0, DeferredCheck.Kind.RELAY, headerValue, contentHash,
                recipients, recipients, Instant.now()));
            LOG.warn("registered mail {} relayed unchecked, its check waits for the chain ({})",
                envelope.registration(), e.getMessage());
            return new Accepted(null, null, nextHops.offline(envelope, recipients),
                new DeferredSubmission(headerValue, contentHash));
        }
        RegistrationRef ref = refOf(mail);
        queue(ref, Status.RELAYED);
        return new Accepted(mail, ref, nextHops.byRecipientDomain(mail, recipients), null);
    }

    /** The recipient's server's verdict on one local recipient. */
    public record Delivered(String recipient, int index, Status status) {
    }

    /**
     * What the recipient's server decided for a registered mail before delivering it.
     *
     * @param delivered the recipients recorded (empty when deferred)
     * @param rejected the recipients REJECTED was newly queued for (empty when deferred)
     * @param deferred true when the chain could not be asked: the check and its records wait
     *     in the store and happen as soon as the node answers
     */
    public record Delivery(List<Delivered> delivered, List<Delivered> rejected,
                           boolean deferred) {
    }

    /**
     * The recipient's server, before local delivery: DELIVERED (or DELIVERED_ALTERED when the
     * content changed in transit) is queued for each local recipient the envelope names, and
     * the message is remembered under {@code messageKeyFor(recipient)} for the recipient's
     * later actions. When the chain cannot be asked the mail is still delivered at once and
     * the check is deferred (nothing is lost).
     *
     * @throws RegistrationRefused when the header is unusable for this server (no chain needed
     *     to know), or the registration is refused
     */
    public Delivery deliver(String headerValue, byte[] message, List<String> localRecipients,
                            Function<String, String> messageKeyFor)
        throws RegistrationRefused {
        return deliver(headerValue, message, localRecipients, List.of(), messageKeyFor);
    }

    /**
     * As {@link #deliver(String, byte[], List, Function)}, for a mail that also has local
     * recipients the server cannot deliver to (no such mailbox, over quota): REJECTED is queued
     * for those. The mail is verified once for both (opening the envelope and recovering the
     * owner's signature are the costly steps), and its records and dispositions are written in
     * one store transaction.
     *
     * @param rejectedRecipients local recipients to record REJECTED for
     */
    public Delivery deliver(String headerValue, byte[] message, List<String> localRecipients,
                            List<String> rejectedRecipients,
                            Function<String, String> messageKeyFor)
        throws RegistrationRefused {
        RegistrationEnvelope envelope = verifier.open(headerValue);
        byte[] contentHash = ContentCommitment.contentHash(message);
        List<String> all = new ArrayList<>(localRecipients);
        all.addAll(rejectedRecipients);
        try {
            VerifiedMail mail = verifier.verifyOpened(envelope, contentHash, all);
            return applyDelivery(mail, canonical(localRecipients), messageKeyFor, false);
        } catch (ChainException e) {
            if (!localRecipients.isEmpty()) {
                List<String> keys = localRecipients.stream().map(messageKeyFor).toList();
                store.defer(new DeferredCheck(0, DeferredCheck.Kind.DELIVERY, headerValue,
                    contentHash, localRecipients, keys, Instant.now()));
            }
            if (!rejectedRecipients.isEmpty()) {
                store.defer(new DeferredCheck(0, DeferredCheck.Kind.REJECTION, headerValue,
                    contentHash, rejectedRecipients, rejectedRecipients, Instant.now()));
            }
            LOG.warn("registered mail for {} delivered; its check waits for the chain ({})",
                count(localRecipients.size(), "recipient"), e.getMessage());
            return new Delivery(List.of(), List.of(), true);
        }
    }

    /** The recipients' addresses as {@link VerifiedMail#recipientIndexes()} names them. */
    private static Set<String> canonical(List<String> recipients) {
        Set<String> result = new HashSet<>();
        for (String recipient : recipients) {
            try {
                result.add(ContentCommitment.canonicalAddress(recipient));
            } catch (InvalidRecipientException e) {
                // not an address anyone could have registered: the verifier skips it too
            }
        }
        return result;
    }

    /**
     * Queues DELIVERED (or DELIVERED_ALTERED) for the matched recipients in {@code toDeliver}
     * and REJECTED for the other matched ones, and remembers the delivered messages, in one
     * store transaction.
     *
     * @param resolveAliases whether a message key may have been re-keyed while the check
     *     waited (only for deferred checks; see {@link #rekey})
     */
    private Delivery applyDelivery(VerifiedMail mail, Set<String> toDeliver,
                                   Function<String, String> keyFor, boolean resolveAliases) {
        Status status = mail.contentIntact() ? Status.DELIVERED : Status.DELIVERED_ALTERED;
        List<Delivered> delivered = new ArrayList<>();
        List<Delivered> rejected = new ArrayList<>();
        List<RecordRequest> requests = new ArrayList<>();
        List<Disposition> dispositions = new ArrayList<>();
        for (Map.Entry<String, Integer> recipient : mail.recipientIndexes().entrySet()) {
            int index = recipient.getValue();
            if (!credentials.getAddress().equalsIgnoreCase(
                mail.info().recipientServers().get(index))) {
                LOG.warn("registered mail {}: recipient {} is expected at another server; "
                    + "not recorded here", mail.registration(), index);
                continue;
            }
            if (!toDeliver.contains(recipient.getKey())) {
                requests.add(new RecordRequest(mail.registration(), mail.registrationSalt(),
                    index, Status.REJECTED, mail.owner()));
                rejected.add(new Delivered(recipient.getKey(), index, Status.REJECTED));
                continue;
            }
            requests.add(new RecordRequest(mail.registration(), mail.registrationSalt(), index,
                status, mail.owner()));
            String key = keyFor.apply(recipient.getKey());
            if (resolveAliases) {
                key = store.aliasOf(key).orElse(key);
            }
            dispositions.add(new Disposition(key, recipient.getKey(), mail.registration(),
                mail.registrationSalt(), index, mail.owner(), mail.info().deadline()));
            delivered.add(new Delivered(recipient.getKey(), index, status));
        }
        List<RecordRequest> queued = enqueue(requests, dispositions);
        rejected.removeIf(r -> queued.stream().noneMatch(q -> q.status() == Status.REJECTED
            && q.recipientIndex() == r.index()));
        return new Delivery(delivered, rejected, false);
    }

    /**
     * The recipient's server cannot deliver to these local recipients (no such mailbox, over
     * quota): REJECTED is queued for those the envelope names (or deferred, as for delivery).
     *
     * @return the indexes recorded
     */
    public List<Integer> reject(String headerValue, byte[] message, List<String> localRecipients)
        throws RegistrationRefused {
        RegistrationEnvelope envelope = verifier.open(headerValue);
        byte[] contentHash = ContentCommitment.contentHash(message);
        try {
            return applyDelivery(verifier.verifyOpened(envelope, contentHash, localRecipients),
                Set.of(), recipient -> recipient, false).rejected().stream()
                .map(Delivered::index).toList();
        } catch (ChainException e) {
            store.defer(new DeferredCheck(0, DeferredCheck.Kind.REJECTION, headerValue, contentHash,
                localRecipients, localRecipients, Instant.now()));
            return List.of();
        }
    }

    /**
     * Runs the checks deferred while the chain was unreachable; returns how many were settled.
     * Stops at the first one the chain still cannot answer.
     */
    public int runDeferredChecks() {
        int settled = 0;
        for (DeferredCheck check : store.deferredChecks(100)) {
            try {
                VerifiedMail mail = verifier.verifyHashed(check.headerValue(), check.contentHash(),
                    check.recipients());
                if (check.kind() == DeferredCheck.Kind.SUBMISSION
                    || check.kind() == DeferredCheck.Kind.HAND_OFF) {
                    if (mail.contentIntact()
                        && mail.info().senderServer().equalsIgnoreCase(credentials.getAddress())) {
                        queue(refOf(mail), check.kind() == DeferredCheck.Kind.SUBMISSION
                            ? Status.SUBMITTED : Status.HANDED_OFF);
                    } else {
                        LOG.warn("registered mail {}: deferred check found the content or the "
                            + "sender's server wrong; nothing recorded", mail.registration());
                    }
                } else if (check.kind() == DeferredCheck.Kind.RELAY) {
                    queue(refOf(mail), Status.RELAYED);
                } else if (check.kind() == DeferredCheck.Kind.DELIVERY) {
                    Map<String, String> keys = new HashMap<>();
                    for (int i = 0; i < check.recipients().size(); i++) {
                        keys.put(check.recipients().get(i).toLowerCase(Locale.ROOT),
                            check.messageKeys().get(i));
                    }
                    applyDelivery(mail, mail.recipientIndexes().keySet(),
                        recipient -> keys.getOrDefault(recipient, recipient), true);
                } else {
                    applyDelivery(mail, Set.of(), recipient -> recipient, false);
                }
                LOG.info("registered mail {}: deferred check done, records queued",
                    mail.registration());
            } catch (RegistrationRefused e) {
                LOG.warn("deferred registered-mail check refused, nothing recorded: {}",
                    e.getMessage());
            } catch (ChainException e) {
                return settled;
            }
            store.forgetDeferred(check.id());
            settled++;
        }
        return settled;
    }

    /**
     * A local recipient acted on a stored registered message (POP3 RETR, IMAP fetch, \Seen,
     * \Deleted, expunge, move to Trash): queue the status. Unknown keys are ordinary mail.
     *
     * @return whether the message was a registered one
     */
    public boolean recordRecipientAction(String messageKey, Status status) {
        Optional<Disposition> found = store.disposition(messageKey);
        if (found.isEmpty()) {
            return false;
        }
        Disposition d = found.get();
        List<RecordRequest> requests = new ArrayList<>();
        if (status == Status.READ) {
            requests.add(new RecordRequest(d.registration(), d.salt(), d.recipientIndex(),
                Status.DOWNLOADED, d.owner())); // reading shows the content was downloaded
        }
        requests.add(new RecordRequest(d.registration(), d.salt(), d.recipientIndex(), status,
            d.owner()));
        enqueue(requests, List.of());
        if (status == Status.DELETED) {
            store.forget(messageKey);
        }
        return true;
    }

    /** Re-keys a remembered message (e.g. once the mailbox has given it its own id). */
    public void rekey(String oldKey, String newKey) {
        if (!store.rekey(oldKey, newKey) && store.isDeferred(oldKey)) {
            store.alias(oldKey, newKey); // its check waits for the chain: use the new key then
        }
    }

    /**
     * Queues EXPIRED for every remembered message whose deadline has passed and that was never
     * downloaded; returns how many.
     */
    public int expireOverdue(Instant now) {
        int expired = 0;
        for (Disposition d : store.dispositionsWithDeadlineBefore(now.getEpochSecond())) {
            boolean downloaded = store.entry(d.registration() + "/" + d.recipientIndex() + "/"
                + Status.DOWNLOADED.name()).isPresent();
            if (!downloaded) {
                if (enqueue(new RecordRequest(d.registration(), d.salt(), d.recipientIndex(),
                    Status.EXPIRED, d.owner()))) {
                    expired++;
                }
            }
            store.forget(d.messageKey());
        }
        return expired;
    }

    private RegistrationRef refOf(VerifiedMail mail) {
        return new RegistrationRef(mail.registration(), mail.registrationSalt(), mail.owner(),
            List.copyOf(new java.util.TreeSet<>(mail.recipientIndexes().values())));
    }

    private void queue(RegistrationRef ref, Status status) {
        List<RecordRequest> requests = new ArrayList<>();
        for (int index : ref.indexes()) {
            requests.add(new RecordRequest(ref.registration(), ref.salt(), index, status,
                ref.owner()));
        }
        enqueue(requests, List.of());
    }

    private boolean enqueue(RecordRequest request) {
        return !enqueue(List.of(request), List.of()).isEmpty();
    }

    /**
     * Queues a mail's records, except for recipients whose escrow ran dry, and remembers its
     * stored messages, in one store transaction; returns the records newly queued.
     */
    private List<RecordRequest> enqueue(List<RecordRequest> requests,
                                        List<Disposition> dispositions) {
        List<RecordRequest> payable = new ArrayList<>();
        for (RecordRequest request : requests) {
            if (store.isEscrowExhausted(request.registration(), request.recipientIndex())) {
                LOG.info("registered mail {}: {} for recipient {} not recorded, its escrow is "
                    + "used up", request.registration(), request.status(),
                    request.recipientIndex());
            } else {
                payable.add(request);
            }
        }
        List<RecordRequest> queued = store.enqueue(payable, dispositions);
        for (RecordRequest request : queued) {
            LOG.info("registered mail {}: {} queued for recipient {}", request.registration(),
                request.status(), request.recipientIndex());
        }
        return queued;
    }

    /** Runs one outbox cycle now (tests and the administrator's "flush"). */
    public void flushOutbox() {
        publisher.runOnce();
    }

    public ServerStore store() {
        return store;
    }

    public ChainGateway gateway() {
        return gateway;
    }

    public ServerConfig config() {
        return config;
    }

    /** This server's account address. */
    public String address() {
        return credentials.getAddress();
    }

    /**
     * Starts the background work (for nodes built with the public constructor): the outbox
     * publisher, and every 5 s the checks deferred while the chain was unreachable.
     */
    public void startPublishing() {
        publisher.start();
        deferredChecks.scheduleWithFixedDelay(() -> {
            try {
                runDeferredChecks();
                runRelayAuthorisations();
            } catch (RuntimeException e) {
                LOG.warn("deferred registered-mail checks failed, retrying: {}", e.toString());
            }
        }, 5, 5, java.util.concurrent.TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        relayAuthorisations.shutdownNow();
        deferredChecks.shutdownNow();
        publisher.close();
        gateway.close();
        store.close();
    }

    /** "1 recipient", "3 recipients". */
    private static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
