package org.regmail.core.registration;

import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.regmail.core.chain.ChainException;
import org.regmail.core.commitment.ContentCommitment;
import org.regmail.core.commitment.InvalidRecipientException;
import org.regmail.core.envelope.EnvelopeException;
import org.regmail.core.envelope.RegisteredMailHeader;
import org.regmail.core.envelope.RegistrationEnvelope;
import org.web3j.crypto.ECKeyPair;

/**
 * Decides whether a mail carrying a {@code Registered-Mail} header is a registered mail this
 * server must record, the same way on the sender's, a relay's and the recipient's server:
 *
 * <ol>
 *   <li>the envelope opens with this server's key and is for the configured chain;</li>
 *   <li>the Master created a registration at the envelope's address (its creation event);</li>
 *   <li>the registration's owner signed the envelope over the registered content commitment,
 *       for this registration's local ID — so nobody attaches someone else's registration;</li>
 *   <li>the mail's own content commitment is compared with the registered one (a mismatch is
 *       DELIVERED_ALTERED at the recipient's server, a refusal elsewhere);</li>
 *   <li>each of the mail's recipients is matched to an index of the envelope through the
 *       salted recipient commitments.</li>
 * </ol>
 *
 * Steps 1, 4 and 5 need no chain; step 2 asks the node once per registration (cached).
 */
public final class RegistrationVerifier {
    private final RegistrationLookup lookup;
    private final ECKeyPair serverKeys;
    private final long chainId;

    public RegistrationVerifier(RegistrationLookup lookup, ECKeyPair serverKeys, long chainId) {
        this.lookup = lookup;
        this.serverKeys = serverKeys;
        this.chainId = chainId;
    }

    /**
     * Verifies a registered mail.
     *
     * @param headerValue the {@code Registered-Mail} header's value
     * @param message the whole message as received (the header itself is not hashed)
     * @param recipients the mail's envelope recipients on this hop
     * @throws RegistrationRefused when the mail must go on as ordinary mail
     * @throws ChainException when the chain could not be asked (the caller decides what to do)
     */
    public VerifiedMail verify(String headerValue, byte[] message, Collection<String> recipients)
        throws RegistrationRefused, ChainException {
        return verifyHashed(headerValue, ContentCommitment.contentHash(message), recipients);
    }

    /**
     * The checks that need no chain: the envelope opens with this server's key, for this chain,
     * in a known version.
     *
     * @throws RegistrationRefused {@code INVALID_HEADER} naming what is wrong
     */
    public RegistrationEnvelope open(String headerValue) throws RegistrationRefused {
        try {
            return RegisteredMailHeader.open(headerValue, serverKeys, chainId);
        } catch (EnvelopeException e) {
            throw new RegistrationRefused(e.reason() == EnvelopeException.Reason.WRONG_KEY
                ? RegistrationRefused.Reason.NOT_FOR_THIS_SERVER
                : RegistrationRefused.Reason.INVALID_HEADER, e.getMessage());
        }
    }

    /**
     * As {@link #verify(String, byte[], Collection)} with the message's content hash computed
     * earlier (e.g. when the mail arrived while the chain was unreachable).
     */
    public VerifiedMail verifyHashed(String headerValue, byte[] contentHash,
                                     Collection<String> recipients)
        throws RegistrationRefused, ChainException {
        return verifyOpened(open(headerValue), contentHash, recipients);
    }

    /**
     * As {@link #verifyHashed} for an envelope {@link #open(String) opened} before: opening
     * is an ECIES decryption (a secp256k1 multiplication), done once per mail and server.
     */
    public VerifiedMail verifyOpened(RegistrationEnvelope envelope, byte[] contentHash,
                                     Collection<String> recipients)
        throws RegistrationRefused, ChainException {
        Optional<RegistrationInfo> found = lookup.find(envelope.registration());
        if (found.isEmpty()) {
            throw new RegistrationRefused(RegistrationRefused.Reason.UNKNOWN_REGISTRATION,
                "the Master created no registration at " + envelope.registration());
        }
        RegistrationInfo info = found.get();

        if (!Arrays.equals(envelope.localId(), info.localId())) {
            throw new RegistrationRefused(RegistrationRefused.Reason.FORGED_ENVELOPE,
                "the envelope's local ID is not the registration's");
        }
        try {
            envelope.verifyOwner(info.contentCommitment(), info.owner());
        } catch (EnvelopeException e) {
            throw new RegistrationRefused(RegistrationRefused.Reason.FORGED_ENVELOPE,
                "the envelope is not signed by the registration's owner");
        }
        for (int index : envelope.recipientIndexes()) {
            if (index >= info.recipientCount()) {
                throw new RegistrationRefused(RegistrationRefused.Reason.INDEX_OUT_OF_RANGE,
                    "recipient index " + index + " but the registration has "
                        + info.recipientCount()
                        + (info.recipientCount() == 1 ? " recipient" : " recipients"));
            }
        }

        byte[] commitment = ContentCommitment.contentCommitment(envelope.salt(), contentHash);
        boolean intact = Arrays.equals(commitment, info.contentCommitment());

        Map<String, Integer> matched = new LinkedHashMap<>();
        for (String recipient : recipients) {
            String address;
            byte[] recipientCommitment;
            try {
                address = ContentCommitment.canonicalAddress(recipient);
                recipientCommitment =
                    ContentCommitment.recipientCommitment(envelope.salt(), address);
            } catch (InvalidRecipientException e) {
                continue; // not an address anyone could have registered
            }
            for (int index : envelope.recipientIndexes()) {
                if (Arrays.equals(recipientCommitment, info.recipientCommitments().get(index))) {
                    matched.put(address, index);
                    break;
                }
            }
        }
        if (matched.isEmpty()) {
            throw new RegistrationRefused(RegistrationRefused.Reason.NO_MATCHING_RECIPIENT,
                "none of the mail's " + recipients.size() + " recipients is registered in it");
        }
        return new VerifiedMail(envelope, info, envelope.registrationSalt(info.owner()), intact,
            matched);
    }
}
