package org.regmail.core.store;

import java.time.Instant;
import java.util.List;

/**
 * A registered mail that arrived while the chain could not be asked: it was delivered at once
 * (header removed), and its check and records wait here until the node answers.
 *
 * @param id the store's identifier
 * @param kind what the server was doing
 * @param headerValue the Registered-Mail value as it arrived (sealed: only this server opens it)
 * @param contentHash the message's content hash, computed on arrival
 * @param recipients the local recipients
 * @param messageKeys per recipient, the key the stored message is remembered under
 * @param queuedAt when it arrived
 */
public record DeferredCheck(long id, Kind kind, String headerValue, byte[] contentHash,
                            List<String> recipients, List<String> messageKeys, Instant queuedAt) {
    /** The step of the protocol that was deferred. */
    public enum Kind {
        /** DELIVERED or DELIVERED_ALTERED for mailboxes that exist. */
        DELIVERY,
        /** REJECTED for mailboxes that do not. */
        REJECTION,
        /** SUBMITTED, on the sender's server. */
        SUBMISSION,
        /** HANDED_OFF for the recipients the next hop accepted, on the sender's server. */
        HAND_OFF,
        /** RELAYED, on a relay. */
        RELAY
    }
}
