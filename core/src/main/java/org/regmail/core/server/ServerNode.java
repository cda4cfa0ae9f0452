package org.regmail.core.server;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.regmail.contracts.Status;
import org.regmail.core.chain.ChainException;
import org.regmail.core.chain.ChainGateway;
import org.regmail.core.config.ServerConfig;
import org.regmail.core.envelope.EnvelopeException;
import org.regmail.core.keys.KeyException;
import org.regmail.core.keys.KeystoreCredentials;
import org.regmail.core.outbox.OutboxPublisher;
import org.regmail.core.registration.NextHops;
import org.regmail.core.registration.RegistrationLookup;
import org.regmail.core.registration.RegistrationRefused;
import org.regmail.core.registration.RegistrationVerifier;
import org.regmail.core.registration.ServerDirectory;
import org.regmail.core.registration.VerifiedMail;
import org.regmail.core.store.Disposition;
import org.regmail.core.store.H2ServerStore;
import org.regmail.core.store.RecordRequest;
import org.regmail.core.store.ServerStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.Credentials;

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
    private final NextHops nextHops;

    public ServerNode(ServerConfig config, Credentials credentials, ChainGateway gateway,
                      ServerStore store) {
        this.config = config;
        this.credentials = credentials;
        this.gateway = gateway;
        this.store = store;
        this.publisher = new OutboxPublisher(store, gateway, config.batchSize(), config.batchInterval());
        this.verifier = new RegistrationVerifier(new RegistrationLookup(gateway),
            credentials.getEcKeyPair(), config.chain().chainId());
        this.nextHops = new NextHops(new ServerDirectory(gateway));
    }

    /**
     * Loads the keystore, opens the store and starts publishing. The chain node need not be up:
     * records wait in the store until it is.
     *
     * @throws KeyException when the keystore or its password cannot be used
     */
    public static ServerNode start(ServerConfig config) throws KeyException {
        Credentials credentials = KeystoreCredentials.load(config.keystore(), config.password());
        ChainGateway gateway = ChainGateway.open(config.chain(), credentials);
        ServerNode node = new ServerNode(config, credentials, gateway,
            H2ServerStore.open(config.storePath()));
        node.publisher.start();
        LOG.info("registered mail: server {} for {} records on chain {} through Master {} ({})",
            credentials.getAddress(), config.domain(), config.chain().chainId(),
            config.chain().masterAddress(), config.chain().rpcUrl());
        return node;
    }

    /** A mail accepted for registration, and how to send it on. */
    public record Accepted(VerifiedMail mail, RegistrationRef ref, List<NextHops.Hop> hops) {
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
        VerifiedMail mail = verifier.verify(headerValue, message, recipients);
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
        List<NextHops.Hop> hops = relayDomain == null
            ? nextHops.byRecipientDomain(mail, recipients)
            : List.of(nextHops.throughRelay(mail, relayDomain, recipients));
        return new Accepted(mail, ref, hops);
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
        VerifiedMail mail = verifier.verify(headerValue, message, recipients);
        RegistrationRef ref = refOf(mail);
        queue(ref, Status.RELAYED);
        return new Accepted(mail, ref, nextHops.byRecipientDomain(mail, recipients));
    }

    /** The recipient's server's verdict on one local recipient. */
    public record Delivered(String recipient, int index, Status status) {
    }

    /**
     * The recipient's server, before local delivery: DELIVERED (or DELIVERED_ALTERED when the
     * content changed in transit) is queued for each local recipient the envelope names, and
     * the message is remembered under {@code messageKeyFor(recipient)} for the recipient's
     * later actions.
     */
    public List<Delivered> deliver(String headerValue, byte[] message, List<String> localRecipients,
                                   java.util.function.Function<String, String> messageKeyFor)
        throws RegistrationRefused, ChainException {
        VerifiedMail mail = verifier.verify(headerValue, message, localRecipients);
        Status status = mail.contentIntact() ? Status.DELIVERED : Status.DELIVERED_ALTERED;
        List<Delivered> delivered = new ArrayList<>();
        for (Map.Entry<String, Integer> recipient : mail.recipientIndexes().entrySet()) {
            if (!credentials.getAddress().equalsIgnoreCase(
                mail.info().recipientServers().get(recipient.getValue()))) {
                LOG.warn("registered mail {}: recipient {} is expected at another server; "
                    + "not recorded here", mail.registration(), recipient.getValue());
                continue;
            }
            enqueue(new RecordRequest(mail.registration(), mail.registrationSalt(),
                recipient.getValue(), status, mail.owner()));
            store.remember(new Disposition(messageKeyFor.apply(recipient.getKey()),
                recipient.getKey(), mail.registration(), mail.registrationSalt(),
                recipient.getValue(), mail.owner(), mail.info().deadline()));
            delivered.add(new Delivered(recipient.getKey(), recipient.getValue(), status));
        }
        return delivered;
    }

    /**
     * The recipient's server cannot deliver to these local recipients (no such mailbox, over
     * quota): REJECTED is queued for those the envelope names.
     *
     * @return the indexes recorded
     */
    public List<Integer> reject(String headerValue, byte[] message, List<String> localRecipients)
        throws RegistrationRefused, ChainException {
        VerifiedMail mail = verifier.verify(headerValue, message, localRecipients);
        List<Integer> rejected = new ArrayList<>();
        for (int index : mail.recipientIndexes().values()) {
            if (credentials.getAddress().equalsIgnoreCase(mail.info().recipientServers().get(index))
                && enqueue(new RecordRequest(mail.registration(), mail.registrationSalt(), index,
                    Status.REJECTED, mail.owner()))) {
                rejected.add(index);
            }
        }
        return rejected;
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
        if (status == Status.READ) {
            enqueue(new RecordRequest(d.registration(), d.salt(), d.recipientIndex(),
                Status.DOWNLOADED, d.owner())); // reading shows the content was downloaded
        }
        enqueue(new RecordRequest(d.registration(), d.salt(), d.recipientIndex(), status, d.owner()));
        if (status == Status.DELETED) {
            store.forget(messageKey);
        }
        return true;
    }

    /** Re-keys a remembered message (e.g. once the mailbox has given it its own id). */
    public void rekey(String oldKey, String newKey) {
        store.disposition(oldKey).ifPresent(d -> {
            store.remember(new Disposition(newKey, d.user(), d.registration(), d.salt(),
                d.recipientIndex(), d.owner(), d.deadline()));
            store.forget(oldKey);
        });
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
        for (int index : ref.indexes()) {
            enqueue(new RecordRequest(ref.registration(), ref.salt(), index, status, ref.owner()));
        }
    }

    private boolean enqueue(RecordRequest request) {
        if (store.isEscrowExhausted(request.registration(), request.recipientIndex())) {
            LOG.info("registered mail {}: {} for recipient {} not recorded, its escrow is used up",
                request.registration(), request.status(), request.recipientIndex());
            return false;
        }
        boolean queued = store.enqueue(request);
        if (queued) {
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

    /** Starts the background publisher (for nodes built with the public constructor). */
    public void startPublishing() {
        publisher.start();
    }

    @Override
    public void close() {
        publisher.close();
        gateway.close();
        store.close();
    }
}
