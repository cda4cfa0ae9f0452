package org.regmail.core.evidence;

import java.io.IOException;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import org.regmail.core.commitment.ContentCommitment;
import org.regmail.core.commitment.InvalidRecipientException;
import org.regmail.core.evidence.Verdict.Claim;
import org.regmail.core.evidence.Verdict.Outcome;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.utils.Numeric;

/**
 * Checks an evidence bundle against any node of its chain, trusting neither the sender nor
 * the servers nor any local state:
 * <ol>
 *   <li>the message (when given) hashes to the content hash, and the salt turns that hash and
 *       every disclosed address into the commitments claimed;</li>
 *   <li>the node is on the bundle's chain: the chain ID, and at least one block the bundle's
 *       events name (the registration's creation block first) has the bundle's hash at the
 *       node; when none does, the node follows another chain with the same ID (a reset dev
 *       chain, a fork) and nothing is judged ({@link TrailException}), while one differing
 *       hash beside a matching one is a false claim, a mismatch of its event; the Master there
 *       has the claimed factory and implementation; the registration sits at the CREATE2
 *       address derived from owner and local ID and holds the EIP-1167 clone code of the
 *       implementation;</li>
 *   <li>the Master's RegistrationCreated event carries the claimed owner, terms and
 *       commitments;</li>
 *   <li>every claimed event exists at its transaction and log index (a false one of the two is
 *       named when the other, or the block, finds the event), in the claimed block, at
 *       the claimed timestamp and time (the ISO-8601 text a reader sees), with the claimed
 *       values;</li>
 *   <li>the export block is neither before the registration's creation or an event claimed,
 *       nor beyond the node's latest block (the node cannot tell then); and no event of the
 *       registration up to it (or up to the last event claimed) was left out.</li>
 * </ol>
 */
public final class EvidenceVerifier {
    private final Web3j web3j;
    private final String rpcUrl;

    /** @param rpcUrl the node's address, for messages only */
    public EvidenceVerifier(Web3j web3j, String rpcUrl) {
        this.web3j = web3j;
        this.rpcUrl = rpcUrl;
    }

    /**
     * Verifies the bundle.
     *
     * @param message the message to check instead of the one embedded, or null
     * @throws TrailException when the node cannot be reached, follows another chain than the
     *     bundle's or has not reached its export block (no verdict is possible)
     */
    public Verdict verify(EvidenceBundle bundle, byte[] message) throws TrailException {
        List<Claim> claims = new ArrayList<>();
        checkCommitments(bundle, message, claims);
        checkAddress(bundle, claims);

        long chainId = chainId();
        if (chainId != bundle.chainId()) {
            claims.add(new Claim(Outcome.MISMATCH, "chain", "the bundle is for chain "
                + bundle.chainId() + " but the node at " + rpcUrl + " is on chain " + chainId
                + "; give --rpc-url of a node of chain " + bundle.chainId()));
            return new Verdict(claims, Optional.empty());
        }
        claims.add(new Claim(Outcome.CONFIRMED, "chain", "the node is on chain " + chainId));

        TrailReader reader = new TrailReader(web3j, rpcUrl);
        requireBundleChain(bundle, reader);
        checkDeployment(bundle, claims);
        checkCode(bundle, claims);

        requireExportBlock(bundle, reader);
        long from = bundle.events().stream()
            .mapToLong(TrailEvent::blockNumber).min().orElse(0);
        Optional<RegistrationTrail> trail = reader.read(bundle.master(), bundle.registration(),
            from);
        if (trail.isEmpty()) {
            claims.add(new Claim(Outcome.MISMATCH, "creation", "the Master " + bundle.master()
                + " emitted no RegistrationCreated for " + bundle.registration()
                + " from block " + from + " on"));
            return new Verdict(claims, Optional.empty());
        }
        checkFacts(bundle, trail.get().facts(), claims);
        checkEvents(bundle, trail.get(), claims);
        return new Verdict(claims, trail);
    }

    private void checkCommitments(EvidenceBundle bundle, byte[] given, List<Claim> claims) {
        byte[] message = given != null ? given : bundle.eml();
        if (message == null) {
            claims.add(new Claim(Outcome.NOTE, "message", "no message given: the content hash "
                + hex(bundle.contentHash()) + " is taken as claimed"));
        } else {
            byte[] hash = ContentCommitment.contentHash(message);
            String source = given != null ? "the message given" : "the embedded message";
            claims.add(Arrays.equals(hash, bundle.contentHash())
                ? new Claim(Outcome.CONFIRMED, "message", source + " hashes to the content hash "
                    + hex(hash))
                : new Claim(Outcome.MISMATCH, "message", source + " hashes to " + hex(hash)
                    + ", not to the claimed content hash " + hex(bundle.contentHash())
                    + ": it is not the message registered"));
        }

        byte[] commitment = ContentCommitment.contentCommitment(bundle.salt(),
            bundle.contentHash());
        claims.add(Arrays.equals(commitment, bundle.contentCommitment())
            ? new Claim(Outcome.CONFIRMED, "content commitment",
                "keccak256(salt ‖ content hash) is " + hex(commitment))
            : new Claim(Outcome.MISMATCH, "content commitment", "keccak256(salt ‖ content hash)"
                + " is " + hex(commitment) + ", not the claimed " + hex(bundle.contentCommitment())
                + " (wrong salt or content hash)"));

        for (EvidenceBundle.Recipient r : bundle.recipients()) {
            String subject = "recipient " + r.index();
            if (r.address() == null) {
                claims.add(new Claim(Outcome.NOTE, subject, "address withheld by the sender; "
                    + "its commitment is " + hex(r.commitment())));
                continue;
            }
            subject += " " + r.address();
            try {
                byte[] expected = ContentCommitment.recipientCommitment(bundle.salt(), r.address());
                claims.add(Arrays.equals(expected, r.commitment())
                    ? new Claim(Outcome.CONFIRMED, subject, "keccak256(salt ‖ address) matches "
                        + "its commitment")
                    : new Claim(Outcome.MISMATCH, subject, "keccak256(salt ‖ address) is "
                        + hex(expected) + ", not its claimed commitment " + hex(r.commitment())));
            } catch (InvalidRecipientException e) {
                claims.add(new Claim(Outcome.MISMATCH, subject, "not a mail address: "
                    + e.getMessage()));
            }
        }
    }

    private static void checkAddress(EvidenceBundle bundle, List<Claim> claims) {
        String predicted = GenuineRegistration.predict(bundle.factory(), bundle.implementation(),
            bundle.owner(), bundle.localId());
        claims.add(predicted.equals(bundle.registration())
            ? new Claim(Outcome.CONFIRMED, "registration address", bundle.registration()
                + " is the CREATE2 address of owner " + bundle.owner() + " and local ID "
                + hex(bundle.localId()) + " through factory " + bundle.factory())
            : new Claim(Outcome.MISMATCH, "registration address", "owner " + bundle.owner()
                + " and local ID " + hex(bundle.localId()) + " give " + predicted + ", not "
                + bundle.registration()));
    }

    private void checkDeployment(EvidenceBundle bundle, List<Claim> claims) throws TrailException {
        if (code(bundle.master()).length() <= 2) {
            claims.add(new Claim(Outcome.MISMATCH, "deployment", "there is no contract at the "
                + "Master address " + bundle.master() + " on this chain"));
            return;
        }
        String factory = callAddress(bundle.master(), "factory");
        String implementation = callAddress(bundle.master(), "implementation");
        if (bundle.factory().equals(factory) && bundle.implementation().equals(implementation)) {
            claims.add(new Claim(Outcome.CONFIRMED, "deployment", "the Master " + bundle.master()
                + " uses factory " + factory + " and implementation " + implementation));
        } else {
            claims.add(new Claim(Outcome.MISMATCH, "deployment", "the Master " + bundle.master()
                + " uses factory " + factory + " and implementation " + implementation
                + ", not the claimed " + bundle.factory() + " and " + bundle.implementation()));
        }
    }

    private void checkCode(EvidenceBundle bundle, List<Claim> claims) throws TrailException {
        String code = code(bundle.registration());
        String expected = GenuineRegistration.runtimeCode(bundle.implementation());
        if (code.length() <= 2) {
            claims.add(new Claim(Outcome.MISMATCH, "registration code", "there is no contract at "
                + bundle.registration() + " on this chain"));
        } else if (!code.equalsIgnoreCase(expected)) {
            claims.add(new Claim(Outcome.MISMATCH, "registration code", bundle.registration()
                + " does not hold the EIP-1167 clone of " + bundle.implementation()));
        } else {
            claims.add(new Claim(Outcome.CONFIRMED, "registration code", bundle.registration()
                + " holds the EIP-1167 clone of the implementation " + bundle.implementation()));
        }
    }

    private static void checkFacts(EvidenceBundle bundle, RegistrationFacts facts,
                                   List<Claim> claims) {
        List<String> differences = new ArrayList<>();
        compare(differences, "owner", bundle.owner(), facts.owner());
        compare(differences, "local ID", hex(bundle.localId()), hex(facts.localId()));
        compare(differences, "sender server", bundle.senderServer(), facts.senderServer());
        compare(differences, "deadline", bundle.deadline(), facts.deadline());
        compare(differences, "fee cap", bundle.feeCap(), facts.feeCap());
        compare(differences, "escrow", bundle.escrow(), facts.escrow());
        compare(differences, "content commitment", hex(bundle.contentCommitment()),
            hex(facts.contentCommitment()));
        compare(differences, "number of recipients", bundle.recipients().size(),
            facts.recipientCount());
        for (EvidenceBundle.Recipient r : bundle.recipients()) {
            if (r.index() < 0 || r.index() >= facts.recipientCount()) {
                differences.add("recipient " + r.index() + " does not exist on chain");
                continue;
            }
            compare(differences, "recipient " + r.index() + " commitment", hex(r.commitment()),
                hex(facts.recipientCommitments().get(r.index())));
            compare(differences, "recipient " + r.index() + " server", r.server(),
                facts.recipientServers().get(r.index()));
        }
        claims.add(differences.isEmpty()
            ? new Claim(Outcome.CONFIRMED, "creation", "the Master's RegistrationCreated event "
                + "carries the claimed owner, terms and commitments")
            : new Claim(Outcome.MISMATCH, "creation", "the RegistrationCreated event differs: "
                + String.join("; ", differences)));
    }

    /**
     * Refuses a node that follows another chain with the same chain ID (a reset dev chain, a
     * fork): there every claim would fail and a genuine bundle would read as forged. The node
     * is taken to be on another chain when, of the blocks the bundle's events name and the
     * node has, not one has the bundle's hash there. One block whose hash differs while
     * another matches is a false claim about that block, judged with its event.
     */
    private void requireBundleChain(EvidenceBundle bundle, TrailReader reader)
        throws TrailException {
        long latest = reader.block(DefaultBlockParameterName.LATEST).getNumber().longValueExact();
        Map<Long, String> named = new TreeMap<>();
        bundle.events().stream()
            .filter(e -> TrailEvent.REGISTRATION_CREATED.equals(e.event()))
            .forEach(e -> named.putIfAbsent(e.blockNumber(), e.blockHash()));
        Map<Long, String> others = new TreeMap<>();
        bundle.events().forEach(e -> others.putIfAbsent(e.blockNumber(), e.blockHash()));
        others.forEach(named::putIfAbsent);

        // Limitation: a bundle whose every block hash is false, on the right chain, is refused
        // as another chain's rather than refuted: the node cannot tell the two apart.
        long first = -1;
        String firstHere = null;
        int compared = 0;
        for (Map.Entry<Long, String> block : named.entrySet()) {
            if (block.getKey() > latest) {
                continue;
            }
            String here = reader.block(DefaultBlockParameter.valueOf(
                BigInteger.valueOf(block.getKey()))).getHash();
            if (block.getValue().equalsIgnoreCase(here)) {
                return;
            }
            if (compared++ == 0) {
                first = block.getKey();
                firstHere = here;
            }
        }
        if (compared == 0) {
            return;
        }
        throw new TrailException("the node at " + rpcUrl + " is on another chain or fork than "
            + "the bundle's: block " + first + " has hash " + firstHere + " there but "
            + named.get(first) + " in the bundle"
            + (compared == 1 ? ", the only block of the bundle the node has"
                : ", and none of the " + compared + " blocks of the bundle the node has matches")
            + "; nothing was verified; give --rpc-url of a node of the bundle's chain", false);
    }

    /**
     * Refuses a bundle exported at a block the node does not have yet: the events after the
     * node's latest block can be neither confirmed nor shown left out.
     */
    private void requireExportBlock(EvidenceBundle bundle, TrailReader reader)
        throws TrailException {
        long latest = reader.block(DefaultBlockParameterName.LATEST).getNumber().longValueExact();
        if (bundle.exportedAtBlock() > latest) {
            throw new TrailException("the bundle says it was exported at block "
                + bundle.exportedAtBlock() + " but the node at " + rpcUrl + " is at block "
                + latest + ": the node is behind (let it catch up, or name another with "
                + "--rpc-url), or the bundle comes from a fork this node does not follow, or its "
                + "export block is false; nothing was verified", false);
        }
    }

    private static void checkEvents(EvidenceBundle bundle, RegistrationTrail trail,
                                    List<Claim> claims) {
        Set<String> claimed = new HashSet<>();
        List<Claim> eventClaims = new ArrayList<>();
        long lastClaimedBlock = -1;
        for (int i = 0; i < bundle.events().size(); i++) {
            TrailEvent e = bundle.events().get(i);
            String subject = "event " + e.describe() + " (block " + e.blockNumber() + ")";
            Optional<TrailEvent> found = match(e, trail);
            if (found.isEmpty()) {
                eventClaims.add(new Claim(Outcome.MISMATCH, subject, "no event of this "
                    + "registration is at log " + e.logIndex() + " of transaction "
                    + e.transactionHash() + " or of block " + e.blockNumber()));
                continue;
            }
            TrailEvent actual = found.get();
            claimed.add(actual.position());
            lastClaimedBlock = Math.max(lastClaimedBlock, actual.blockNumber());
            List<String> differences = differences(e, bundle.times().get(i), actual);
            eventClaims.add(differences.isEmpty()
                ? new Claim(Outcome.CONFIRMED, subject, "on chain in tx " + e.transactionHash()
                    + " at " + Instant.ofEpochSecond(e.timestamp()))
                : new Claim(Outcome.MISMATCH, subject, "the chain differs: "
                    + String.join("; ", differences)));
        }
        claims.add(exportBlock(bundle, trail, lastClaimedBlock));
        claims.addAll(eventClaims);

        long exported = bundle.exportedAtBlock();
        for (TrailEvent actual : trail.events()) {
            if (claimed.contains(actual.position())) {
                continue;
            }
            String subject = "event " + actual.describe() + " (block " + actual.blockNumber()
                + ")";
            if (actual.blockNumber() <= exported) {
                claims.add(new Claim(Outcome.MISMATCH, subject, "on chain in tx "
                    + actual.transactionHash() + " but left out of the bundle exported at block "
                    + exported));
            } else if (actual.blockNumber() <= lastClaimedBlock) {
                claims.add(new Claim(Outcome.MISMATCH, subject, "on chain in tx "
                    + actual.transactionHash() + " but left out of the bundle, which claims "
                    + "events up to block " + lastClaimedBlock));
            } else {
                claims.add(new Claim(Outcome.NOTE, subject, "recorded after the bundle was "
                    + "exported"));
            }
        }
    }

    /**
     * The chain's event a claimed one is about: the one at its transaction and log index; else
     * the one at its block and log index (a false transaction hash); else the only one of its
     * kind and recipient in its transaction (a false log index). The differences then name the
     * field that is false rather than calling the event absent.
     */
    private static Optional<TrailEvent> match(TrailEvent claimed, RegistrationTrail trail) {
        Optional<TrailEvent> at = trail.events().stream()
            .filter(e -> e.position().equals(claimed.position())).findFirst();
        if (at.isEmpty()) {
            at = trail.events().stream()
                .filter(e -> e.blockNumber() == claimed.blockNumber()
                    && e.logIndex() == claimed.logIndex())
                .findFirst();
        }
        if (at.isEmpty()) {
            List<TrailEvent> alike = trail.events().stream()
                .filter(e -> e.transactionHash().equals(claimed.transactionHash())
                    && e.describe().equals(claimed.describe()))
                .toList();
            at = alike.size() == 1 ? Optional.of(alike.get(0)) : Optional.empty();
        }
        return at;
    }

    /**
     * The export block bounds what the bundle must hold: it cannot precede the registration's
     * creation nor an event it claims, or events left out would pass as recorded later.
     */
    private static Claim exportBlock(EvidenceBundle bundle, RegistrationTrail trail,
                                     long lastClaimedBlock) {
        long exported = bundle.exportedAtBlock();
        long created = trail.events().stream()
            .filter(e -> TrailEvent.REGISTRATION_CREATED.equals(e.event()))
            .mapToLong(TrailEvent::blockNumber).min().orElseThrow();
        if (exported < created) {
            return new Claim(Outcome.MISMATCH, "export block", "the bundle says it was exported "
                + "at block " + exported + ", before the registration was created in block "
                + created);
        }
        if (exported < lastClaimedBlock) {
            return new Claim(Outcome.MISMATCH, "export block", "the bundle says it was exported "
                + "at block " + exported + " but claims an event the chain recorded in block "
                + lastClaimedBlock);
        }
        return new Claim(Outcome.CONFIRMED, "export block", "block " + exported + " is after "
            + "the registration's creation (block " + created + ") and every event claimed, and "
            + "not beyond the node's latest block " + trail.readAtBlock());
    }

    private static List<String> differences(TrailEvent claimed, Instant claimedTime,
                                            TrailEvent actual) {
        List<String> d = new ArrayList<>();
        compare(d, "event", claimed.event(), actual.event());
        compare(d, "contract", claimed.contract(), actual.contract());
        compare(d, "block", claimed.blockNumber(), actual.blockNumber());
        compare(d, "block hash", claimed.blockHash(), actual.blockHash());
        compare(d, "timestamp", claimed.timestamp(), actual.timestamp());
        compare(d, "time", claimedTime, Instant.ofEpochSecond(actual.timestamp()));
        compare(d, "transaction hash", claimed.transactionHash(), actual.transactionHash());
        compare(d, "log index", claimed.logIndex(), actual.logIndex());
        compare(d, "recipient", claimed.recipientIndex(), actual.recipientIndex());
        compare(d, "status", claimed.status(), actual.status());
        compare(d, "account", claimed.account(), actual.account());
        compare(d, "by", claimed.by(), actual.by());
        compare(d, "amount", claimed.amount(), actual.amount());
        compare(d, "reason", claimed.reason(), actual.reason());
        return d;
    }

    private static void compare(List<String> differences, String what, Object claimed,
                                Object actual) {
        if (!Objects.equals(claimed, actual)) {
            differences.add(what + ": bundle says " + claimed + ", chain says " + actual);
        }
    }

    private long chainId() throws TrailException {
        try {
            return web3j.ethChainId().send().getChainId().longValueExact();
        } catch (IOException | RuntimeException e) {
            throw new TrailException("cannot reach the Ethereum node at " + rpcUrl + " ("
                + e.getClass().getSimpleName() + ")", true);
        }
    }

    private String code(String address) throws TrailException {
        try {
            String code = web3j.ethGetCode(address, DefaultBlockParameterName.LATEST).send()
                .getCode();
            return code == null ? "0x" : code.toLowerCase(Locale.ROOT);
        } catch (IOException e) {
            throw new TrailException("cannot reach the Ethereum node at " + rpcUrl, true);
        }
    }

    private String callAddress(String contract, String function) throws TrailException {
        Function call = new Function(function, List.of(),
            List.of(new TypeReference<Address>() { }));
        try {
            EthCall answer = web3j.ethCall(Transaction.createEthCallTransaction(null, contract,
                FunctionEncoder.encode(call)), DefaultBlockParameterName.LATEST).send();
            List<Type> values = FunctionReturnDecoder.decode(answer.getValue(),
                call.getOutputParameters());
            return values.isEmpty() ? "nothing"
                : values.get(0).getValue().toString().toLowerCase(Locale.ROOT);
        } catch (IOException e) {
            throw new TrailException("cannot reach the Ethereum node at " + rpcUrl, true);
        }
    }

    private static String hex(byte[] bytes) {
        return Numeric.toHexString(bytes);
    }
}
