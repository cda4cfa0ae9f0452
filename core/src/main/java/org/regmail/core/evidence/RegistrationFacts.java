package org.regmail.core.evidence;

import java.math.BigInteger;
import java.util.List;

/**
 * What the Master's RegistrationCreated event fixed for ever about a registration.
 *
 * @param registration the clone's address, lower case
 * @param owner the sender's account
 * @param senderServer the server the mail is submitted to
 * @param localId 32 bytes, the CREATE2 input
 * @param deadline unix seconds
 * @param feeCap wei per gas
 * @param escrow wei deposited at creation
 * @param contentCommitment keccak256(salt ‖ contentHash)
 * @param recipientCommitments per recipient keccak256(salt ‖ address)
 * @param recipientServers per recipient its domain's server, or the zero address
 */
public record RegistrationFacts(String registration, String owner, String senderServer,
                                byte[] localId, long deadline, BigInteger feeCap,
                                BigInteger escrow, byte[] contentCommitment,
                                List<byte[]> recipientCommitments,
                                List<String> recipientServers) {
    public RegistrationFacts {
        recipientCommitments = List.copyOf(recipientCommitments);
        recipientServers = List.copyOf(recipientServers);
    }

    public int recipientCount() {
        return recipientCommitments.size();
    }
}
