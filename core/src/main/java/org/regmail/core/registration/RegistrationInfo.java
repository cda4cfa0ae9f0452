package org.regmail.core.registration;

import java.math.BigInteger;
import java.util.List;

/**
 * What the chain says about one registration, from the Master's RegistrationCreated event.
 *
 * @param registration the clone's address (lower case)
 * @param owner the sender's account
 * @param senderServer the server the mail must be submitted to
 * @param localId the owner's local ID (the CREATE2 salt input)
 * @param deadline unix seconds after which undownloaded recipients may expire
 * @param contentCommitment keccak256(salt ‖ contentHash)
 * @param recipientCommitments per recipient keccak256(salt ‖ lower-case address)
 * @param recipientServers per recipient the expected server (zero address when none)
 * @param block the block the registration was created in
 */
public record RegistrationInfo(String registration, String owner, String senderServer,
                               byte[] localId, long deadline, byte[] contentCommitment,
                               List<byte[]> recipientCommitments, List<String> recipientServers,
                               BigInteger block) {
    public int recipientCount() {
        return recipientCommitments.size();
    }
}
