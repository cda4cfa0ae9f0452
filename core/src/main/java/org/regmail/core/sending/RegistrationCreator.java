package org.regmail.core.sending;

import java.io.IOException;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import org.regmail.contracts.ContractErrors;
import org.regmail.contracts.generated.EmailRegistrationMaster;
import org.regmail.core.chain.ChainException;
import org.regmail.core.chain.ChainGateway;
import org.regmail.core.commitment.ContentCommitment;
import org.regmail.core.commitment.InvalidRecipientException;
import org.regmail.core.envelope.EnvelopeException;
import org.regmail.core.envelope.RegisteredMailHeader;
import org.regmail.core.envelope.RegistrationEnvelope;
import org.regmail.core.registration.ServerDirectory;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.RemoteFunctionCall;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.EthEstimateGas;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * Step 1 and the chain half of step 2 of a registered mail, for the sender: resolves the
 * servers in the directory, computes the commitments, creates the registration with its
 * escrow in one transaction, and signs and seals the envelope for the sender's server.
 * Submitting the message over SMTP is the caller's.
 *
 * <pre>{@code
 * RegistrationCreator creator = new RegistrationCreator(gateway, owner);
 * RegistrationPlan plan = creator.plan(message, recipients, "sender.example", terms,
 *     localId, salt);
 * CreatedRegistration created = creator.create(plan);
 * byte[] toSubmit = created.messageToSubmit();
 * }</pre>
 */
public final class RegistrationCreator {
    /** Gas one record is reckoned at for the escrow (a lone record measures under 60,000). */
    public static final BigInteger RECORD_GAS = BigInteger.valueOf(60_000);
    /** Records expected for a recipient whose domain has a server. */
    public static final int RECORDS_WITH_SERVER = 6;
    /** Records expected for a recipient whose domain has none: SUBMITTED, HANDED_OFF. */
    public static final int RECORDS_WITHOUT_SERVER = 2;

    private final ChainGateway gateway;
    private final Credentials owner;
    private final ServerDirectory directory;
    private final EmailRegistrationMaster master;

    /**
     * @param gateway a gateway signing as {@code owner}
     * @param owner the sender's account, which signs the envelope
     */
    public RegistrationCreator(ChainGateway gateway, Credentials owner) {
        if (!gateway.address().equalsIgnoreCase(owner.getAddress())) {
            throw new IllegalArgumentException("the gateway signs as " + gateway.address()
                + ", not as the owner " + owner.getAddress());
        }
        this.gateway = gateway;
        this.owner = owner;
        this.directory = new ServerDirectory(gateway);
        this.master = gateway.master();
    }

    public ServerDirectory directory() {
        return directory;
    }

    /** The latest block's time: deadlines are measured on the chain's clock. */
    public Instant chainTime() throws ChainException {
        return Instant.ofEpochSecond(latestBlock().getTimestamp().longValueExact());
    }

    /**
     * A fee cap that reimburses servers at today's prices with room for a doubling of the base
     * fee: twice the latest base fee plus the configured tip, within the configured cap.
     */
    public BigInteger suggestedFeeCap() throws ChainException {
        return maxFeePerGas().min(RegistrationTerms.MAX_FEE_CAP);
    }

    /** The records a plan's recipients are expected to cause. */
    public static int expectedRecords(List<RegistrationPlan.PlannedRecipient> recipients) {
        return recipients.stream()
            .mapToInt(r -> r.hasServer() ? RECORDS_WITH_SERVER : RECORDS_WITHOUT_SERVER)
            .sum();
    }

    /** An escrow paying every expected record at the fee cap. */
    public static BigInteger suggestedEscrow(List<RegistrationPlan.PlannedRecipient> recipients,
                                             BigInteger feeCap) {
        return RECORD_GAS.multiply(BigInteger.valueOf(expectedRecords(recipients)))
            .multiply(feeCap);
    }

    /**
     * Decides everything about the registration without sending anything.
     *
     * @param message the message as it will be submitted, without Registered-Mail (see
     *     {@link RegisteredMessage#requireSubmittable})
     * @param recipients every envelope recipient, Bcc included, in the order of their indexes
     * @param senderDomain the domain whose directory entry is the sender's server
     * @param localId the owner's fresh 32-byte local ID ({@link LocalIds#localId})
     * @param salt a fresh 32-byte secret salt ({@link LocalIds#salt})
     * @throws SendingException when a recipient, the sender's server or the message is unfit
     * @throws ChainException when the node cannot be asked
     */
    public RegistrationPlan plan(byte[] message, List<String> recipients, String senderDomain,
                                 RegistrationTerms terms, byte[] localId, byte[] salt)
        throws SendingException, ChainException {
        RegisteredMessage.requireSubmittable(message);
        List<String> addresses = canonicalRecipients(recipients);

        ServerDirectory.Entry sender = directory.lookup(senderDomain).orElseThrow(() ->
            new SendingException("no server is registered for the sender's domain "
                + senderDomain + " in the directory; its administrator runs 'regmail server "
                + "register', or name another with --server-domain"));
        if (!sender.approved()) {
            throw new SendingException("the server " + sender.server() + " of " + senderDomain
                + " is not approved yet; a directory admin runs 'regmail server approve "
                + senderDomain + "'");
        }

        Map<String, String> serverByDomain = new TreeMap<>();
        List<String> warnings = new ArrayList<>();
        List<RegistrationPlan.PlannedRecipient> planned = new ArrayList<>();
        for (int i = 0; i < addresses.size(); i++) {
            String address = addresses.get(i);
            String domain = address.substring(address.lastIndexOf('@') + 1);
            String server = serverByDomain.get(domain);
            if (server == null) {
                server = resolveRecipientServer(domain, warnings);
                serverByDomain.put(domain, server);
            }
            planned.add(new RegistrationPlan.PlannedRecipient(i, address,
                commitment(salt, address), server));
        }

        String registration = gateway.read("predicting the registration address",
            master.registrationAddress(owner.getAddress(), localId)).toLowerCase(Locale.ROOT);
        if (hasCode(registration)) {
            throw new SendingException("the local ID is already used by registration "
                + registration + "; use a fresh one");
        }
        byte[] contentHash = ContentCommitment.contentHash(message);
        return new RegistrationPlan(gateway.chainId(), gateway.settings().masterAddress()
            .toLowerCase(Locale.ROOT), owner.getAddress().toLowerCase(Locale.ROOT),
            registration, localId, salt, contentHash,
            ContentCommitment.contentCommitment(salt, contentHash), sender, planned, terms,
            message, warnings);
    }

    /** The same plan with other terms (e.g. the suggested escrow once recipients are known). */
    public static RegistrationPlan withTerms(RegistrationPlan plan, RegistrationTerms terms) {
        return new RegistrationPlan(plan.chainId(), plan.master(), plan.owner(),
            plan.registration(), plan.localId(), plan.salt(), plan.contentHash(),
            plan.contentCommitment(), plan.senderServer(), plan.recipients(), terms,
            plan.message(), plan.warnings());
    }

    /**
     * Asks the node what creating the registration costs; the contracts' refusal (a deadline
     * too far, an unapproved server, too little balance) shows here, before anything is sent.
     */
    public CostEstimate estimate(RegistrationPlan plan) throws ChainException {
        String data = createCall(plan).encodeFunctionCall();
        Transaction call = Transaction.createFunctionCallTransaction(owner.getAddress(), null,
            null, null, plan.master(), plan.terms().escrow(), data);
        EthEstimateGas estimate;
        try {
            estimate = gateway.web3j().ethEstimateGas(call).send();
        } catch (IOException e) {
            throw unreachable(e);
        }
        if (estimate.hasError()) {
            String revertData = estimate.getError().getData();
            Optional<ContractErrors.Revert> revert = ContractErrors.decode(
                revertData == null ? null : revertData.replace("\"", ""));
            if (revert.isPresent()) {
                throw new ChainException("the contracts refuse creating the registration",
                    revert.get());
            }
            throw new ChainException("the node refuses creating the registration: "
                + estimate.getError().getMessage());
        }
        return new CostEstimate(estimate.getAmountUsed(), maxFeePerGas(),
            expectedRecords(plan.recipients()), RECORD_GAS, plan.terms().feeCap(),
            plan.terms().escrow());
    }

    /**
     * Creates the registration (one transaction, escrow included) and seals the envelope for
     * every recipient to the sender's server's key.
     *
     * @throws ChainException naming the broken rule when the contracts refuse, or the node
     *     being unreachable
     */
    public CreatedRegistration create(RegistrationPlan plan) throws ChainException {
        String headerValue = seal(plan);
        TransactionReceipt receipt = gateway.execute("creating the registration",
            createCall(plan));
        boolean created = receipt.getLogs().stream().anyMatch(log ->
            log.getAddress().equalsIgnoreCase(plan.master()) && log.getTopics().size() > 1
                && log.getTopics().get(1).toLowerCase(Locale.ROOT)
                    .endsWith(plan.registration().substring(2)));
        if (!created) {
            throw new ChainException("transaction " + receipt.getTransactionHash()
                + " did not create registration " + plan.registration());
        }
        return new CreatedRegistration(plan, receipt.getTransactionHash(),
            receipt.getBlockNumber().longValueExact(), headerValue);
    }

    /** The Registered-Mail value of a plan: signed by the owner, sealed to the sender server. */
    public String seal(RegistrationPlan plan) {
        RegistrationEnvelope envelope = RegistrationEnvelope.sign(plan.chainId(),
            plan.registration(), plan.localId(), plan.salt(), plan.recipientIndexes(),
            plan.contentCommitment(), owner.getEcKeyPair());
        try {
            return RegisteredMailHeader.seal(envelope, plan.senderServer().publicKey());
        } catch (EnvelopeException e) {
            throw new IllegalStateException("the directory key of " + plan.senderServer().server()
                + " is not a curve point: " + e.getMessage(), e);
        }
    }

    private RemoteFunctionCall<TransactionReceipt> createCall(RegistrationPlan plan) {
        List<byte[]> commitments = plan.recipients().stream()
            .map(RegistrationPlan.PlannedRecipient::commitment).toList();
        List<String> servers = plan.recipients().stream()
            .map(RegistrationPlan.PlannedRecipient::server).toList();
        return master.createRegistration(plan.localId(), plan.senderServer().server(),
            BigInteger.valueOf(plan.terms().deadline().getEpochSecond()), plan.terms().feeCap(),
            plan.contentCommitment(), commitments, servers, plan.terms().escrow());
    }

    private String resolveRecipientServer(String domain, List<String> warnings)
        throws ChainException {
        Optional<ServerDirectory.Entry> entry = directory.lookup(domain);
        if (entry.isEmpty()) {
            warnings.add("the domain " + domain + " has no registered server: the trail of its "
                + "recipients ends at HANDED_OFF");
            return ServerDirectory.NO_SERVER;
        }
        if (!entry.get().approved()) {
            warnings.add("the server " + entry.get().server() + " of " + domain + " is not "
                + "approved: the trail of its recipients ends at HANDED_OFF");
            return ServerDirectory.NO_SERVER;
        }
        return entry.get().server();
    }

    private static List<String> canonicalRecipients(List<String> recipients)
        throws SendingException {
        if (recipients.isEmpty()) {
            throw new SendingException("a registered mail needs at least one recipient");
        }
        if (recipients.size() > RegistrationEnvelope.MAX_RECIPIENTS) {
            throw new SendingException(recipients.size() + " recipients are more than the "
                + RegistrationEnvelope.MAX_RECIPIENTS + " one registration holds");
        }
        List<String> addresses = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String recipient : recipients) {
            String address;
            try {
                address = ContentCommitment.canonicalAddress(recipient);
            } catch (InvalidRecipientException e) {
                throw new SendingException("'" + recipient + "' is not a mail address: "
                    + e.getMessage());
            }
            if (!seen.add(address)) {
                throw new SendingException("the recipient " + address + " is named twice");
            }
            addresses.add(address);
        }
        return addresses;
    }

    private static byte[] commitment(byte[] salt, String address) throws SendingException {
        try {
            return ContentCommitment.recipientCommitment(salt, address);
        } catch (InvalidRecipientException e) {
            throw new SendingException("'" + address + "' is not a mail address: "
                + e.getMessage());
        }
    }

    private boolean hasCode(String address) throws ChainException {
        try {
            String code = gateway.web3j().ethGetCode(address, DefaultBlockParameterName.LATEST)
                .send().getCode();
            return code != null && code.length() > 2;
        } catch (IOException e) {
            throw unreachable(e);
        }
    }

    private BigInteger maxFeePerGas() throws ChainException {
        BigInteger baseFee = latestBlock().getBaseFeePerGas();
        BigInteger tip = gateway.settings().maxPriorityFeePerGas();
        return baseFee.shiftLeft(1).add(tip).min(gateway.settings().maxFeePerGas());
    }

    private EthBlock.Block latestBlock() throws ChainException {
        try {
            return gateway.web3j().ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false)
                .send().getBlock();
        } catch (IOException e) {
            throw unreachable(e);
        }
    }

    private ChainException unreachable(IOException e) {
        return new ChainException("cannot reach the Ethereum node at "
            + gateway.settings().rpcUrl(), e, true);
    }
}
