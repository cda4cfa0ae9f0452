package org.regmail.core.sending;

import org.regmail.core.registration.ServerDirectory;

import java.util.List;

/**
 * Everything about one registered mail decided before its registration is created: the
 * registration's address (CREATE2, known before mining), the commitments, the servers, the
 * terms. Holds the salt: never log a plan; {@link #toString()} leaves the salt out.
 *
 * @param chainId the chain the registration goes to
 * @param master the Master creating it
 * @param owner the sender's account (the registration's owner)
 * @param registration the address the registration will have
 * @param localId the owner's 32-byte local ID of the mail
 * @param salt the 32-byte commitment salt
 * @param contentHash SHA-256 of the message's canonical form
 * @param contentCommitment keccak256(salt ‖ contentHash)
 * @param senderServer the approved server of the sender's domain, the mail's first hop
 * @param recipients the recipients in index order
 * @param terms deadline, fee cap and escrow
 * @param message the message as registered (CRLF, 7-bit, without Registered-Mail)
 * @param warnings what the sender should know before paying (domains without a server)
 */
public record RegistrationPlan(long chainId, String master, String owner, String registration,
                               byte[] localId, byte[] salt, byte[] contentHash,
                               byte[] contentCommitment, ServerDirectory.Entry senderServer,
                               List<PlannedRecipient> recipients, RegistrationTerms terms,
                               byte[] message, List<String> warnings) {
    public RegistrationPlan {
        recipients = List.copyOf(recipients);
        warnings = List.copyOf(warnings);
    }

    /**
     * One recipient of the registration.
     *
     * @param index its index in the registration (0-based, the order given)
     * @param address the address committed to (trimmed, lower case)
     * @param commitment keccak256(salt ‖ address)
     * @param server the approved server of its domain, or {@link ServerDirectory#NO_SERVER}
     *     when the domain has none (its trail ends at HANDED_OFF)
     */
    public record PlannedRecipient(int index, String address, byte[] commitment, String server) {
        public boolean hasServer() {
            return !ServerDirectory.NO_SERVER.equals(server);
        }

        public String domain() {
            return address.substring(address.lastIndexOf('@') + 1);
        }
    }

    public List<Integer> recipientIndexes() {
        return recipients.stream().map(PlannedRecipient::index).toList();
    }

    @Override
    public String toString() {
        return "RegistrationPlan[chain " + chainId + ", registration " + registration
            + ", owner " + owner + ", " + recipients.size() + " recipients]";
    }
}
