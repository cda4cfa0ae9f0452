package org.regmail.core.sending;

import java.math.BigInteger;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.regmail.core.registration.ServerDirectory;
import org.web3j.utils.Numeric;

/**
 * The sender's own record of one registered mail, kept in its private home directory: what
 * only the sender knows and needs later to show status, export evidence and withdraw — the
 * salt, the local ID, and which address each recipient index stands for. It holds the salt:
 * never log it whole.
 *
 * <p>It is written before the registration's transaction is sent ({@link State#PREPARED}),
 * so a crash between paying and recording never loses the salt that proves the mail.
 *
 * @param version format version, 1
 * @param state how far the mail got
 * @param registration the registration's address
 * @param chainId its chain
 * @param master the Master that created it
 * @param owner the sender's account
 * @param localId 0x + 64 hex: the CREATE2 input
 * @param salt 0x + 64 hex: the commitment salt
 * @param contentHash 0x + 64 hex: SHA-256 of the message's canonical form
 * @param contentCommitment 0x + 64 hex: keccak256(salt ‖ contentHash)
 * @param senderServer the first hop's account
 * @param senderDomain the domain the sender's server was resolved from
 * @param deadline unix seconds
 * @param feeCap wei per gas, decimal
 * @param escrow wei, decimal
 * @param recipients every recipient in index order, Bcc included
 * @param messageId the message's Message-ID
 * @param subject the message's Subject as written in its header (may be RFC 2047 encoded)
 * @param creationTransaction the creating transaction, once mined
 * @param creationBlock its block, once mined
 * @param submittedAt ISO-8601 time the SMTP server accepted the message
 * @param headerValue the Registered-Mail value submitted (sealed for the sender's server)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SentMail(int version, State state, String registration, long chainId,
                       String master, String owner, String localId, String salt,
                       String contentHash, String contentCommitment, String senderServer,
                       String senderDomain, long deadline, String feeCap, String escrow,
                       List<SentRecipient> recipients, String messageId, String subject,
                       String creationTransaction, Long creationBlock, String submittedAt,
                       String headerValue) {
    public static final int VERSION = 1;

    /** How far a registered mail got. */
    public enum State {
        /** Recorded locally; the registration may or may not be on chain. */
        PREPARED,
        /** The registration is on chain; the message is not submitted yet. */
        CREATED,
        /** The sender's SMTP server accepted the message. */
        SUBMITTED
    }

    /** How a recipient was addressed. */
    public enum Kind { TO, CC, BCC }

    /**
     * One recipient: its index in the registration, its address, how it was addressed, and
     * its domain's server ({@link ServerDirectory#NO_SERVER} when none).
     */
    public record SentRecipient(int index, String address, Kind kind, String server) {
    }

    public SentMail {
        recipients = List.copyOf(recipients);
    }

    /** The record of a plan about to be created; {@code kinds} follows the recipients' order. */
    public static SentMail prepared(RegistrationPlan plan, List<Kind> kinds, String messageId,
                                    String subject) {
        if (kinds.size() != plan.recipients().size()) {
            throw new IllegalArgumentException("one kind per recipient is needed");
        }
        List<SentRecipient> recipients = plan.recipients().stream()
            .map(r -> new SentRecipient(r.index(), r.address(), kinds.get(r.index()), r.server()))
            .toList();
        return new SentMail(VERSION, State.PREPARED, plan.registration(), plan.chainId(),
            plan.master(), plan.owner(), hex(plan.localId()), hex(plan.salt()),
            hex(plan.contentHash()), hex(plan.contentCommitment()), plan.senderServer().server(),
            plan.senderServer().domain(), plan.terms().deadline().getEpochSecond(),
            plan.terms().feeCap().toString(), plan.terms().escrow().toString(), recipients,
            messageId, subject, null, null, null, null);
    }

    /** The record once the registration is mined. */
    public SentMail created(CreatedRegistration created) {
        return new SentMail(version, State.CREATED, registration, chainId, master, owner, localId,
            salt, contentHash, contentCommitment, senderServer, senderDomain, deadline, feeCap,
            escrow, recipients, messageId, subject, created.transactionHash(), created.block(),
            null, created.headerValue());
    }

    /** The record once the SMTP server accepted the message. */
    public SentMail submitted(String at) {
        return new SentMail(version, State.SUBMITTED, registration, chainId, master, owner,
            localId, salt, contentHash, contentCommitment, senderServer, senderDomain, deadline,
            feeCap, escrow, recipients, messageId, subject, creationTransaction, creationBlock,
            at, headerValue);
    }

    public byte[] localIdBytes() {
        return Numeric.hexStringToByteArray(localId);
    }

    public byte[] saltBytes() {
        return Numeric.hexStringToByteArray(salt);
    }

    public BigInteger escrowWei() {
        return new BigInteger(escrow);
    }

    /** The recipient with an address (any case), if the mail had one. */
    public java.util.Optional<SentRecipient> recipient(String address) {
        String lower = address.trim().toLowerCase(Locale.ROOT);
        return recipients.stream().filter(r -> r.address().equals(lower)).findFirst();
    }

    /** Leaves the salt out. */
    @Override
    public String toString() {
        return "SentMail[" + state + ", registration " + registration + ", chain " + chainId
            + ", " + recipients.size() + " recipients]";
    }

    private static String hex(byte[] bytes) {
        return Numeric.toHexString(bytes);
    }
}
