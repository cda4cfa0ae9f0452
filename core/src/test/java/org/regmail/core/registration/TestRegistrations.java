package org.regmail.core.registration;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

import org.regmail.contracts.devchain.DevDeployment;
import org.regmail.core.commitment.ContentCommitment;
import org.regmail.core.envelope.RegisteredMailHeader;
import org.regmail.core.envelope.RegistrationEnvelope;
import org.web3j.crypto.Credentials;

/** Creates real registrations on a dev chain and the envelopes for them, as a client would. */
public final class TestRegistrations {
    public static final String MESSAGE = String.join("\r\n",
        "From: Alice <alice@sender.example>",
        "To: Bob <bob@recipient.example>, carol@second.example",
        "Subject: The contract",
        "Date: Thu, 03 Dec 2026 10:00:00 +0000",
        "Message-ID: <contract-1@sender.example>",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=us-ascii",
        "",
        "Please find the terms below.",
        "");

    public record Created(String registration, byte[] localId, byte[] salt, byte[] registrationSalt,
                   RegistrationEnvelope envelope) {
        public String sealFor(Credentials server) throws Exception {
            return RegisteredMailHeader.seal(envelope, DevDeployment.publicKey(server));
        }

        /** SUBMITTED for the first recipient, as the sender's server queues it. */
        public org.regmail.core.store.RecordRequest submitted(Credentials owner) {
            return new org.regmail.core.store.RecordRequest(registration, registrationSalt, 0,
                org.regmail.contracts.Status.SUBMITTED, owner.getAddress());
        }
    }

    /**
     * A registration for bob@recipient.example alone, with no recipient's server named (the
     * zero address), sent through {@code senderServer}: enough for the sender's own records.
     */
    public static Created createForBob(DevDeployment deployment, Credentials owner,
                                       Credentials senderServer, long deadline)
        throws Exception {
        return create(deployment, owner, senderServer, List.of("bob@recipient.example"),
            List.of("0x0000000000000000000000000000000000000000"), message(), deadline);
    }

    public static byte[] message() {
        return MESSAGE.getBytes(StandardCharsets.US_ASCII);
    }

    public static Created create(DevDeployment deployment, Credentials owner,
                          Credentials senderServer, List<String> recipients,
                          List<String> recipientServers, byte[] message,
                          long deadline) throws Exception {
        SecureRandom random = new SecureRandom();
        byte[] localId = new byte[32];
        byte[] salt = new byte[32];
        random.nextBytes(localId);
        random.nextBytes(salt);
        byte[] commitment = ContentCommitment.contentCommitment(salt,
            ContentCommitment.contentHash(message));
        List<byte[]> recipientCommitments = new ArrayList<>();
        List<Integer> indexes = new ArrayList<>();
        for (int i = 0; i < recipients.size(); i++) {
            recipientCommitments.add(
                ContentCommitment.recipientCommitment(salt, recipients.get(i)));
            indexes.add(i);
        }
        deployment.as(owner).createRegistration(localId, senderServer.getAddress(),
            BigInteger.valueOf(deadline), BigInteger.valueOf(100_000_000_000L), commitment,
            recipientCommitments, recipientServers, new BigInteger("10000000000000000")).send();
        String registration = deployment.master().registrationAddress(owner.getAddress(), localId)
            .send();
        RegistrationEnvelope envelope = RegistrationEnvelope.sign(31337, registration, localId,
            salt, indexes, commitment, owner.getEcKeyPair());
        return new Created(registration.toLowerCase(), localId, salt,
            deployment.master().registrationSalt(owner.getAddress(), localId).send(), envelope);
    }
}
