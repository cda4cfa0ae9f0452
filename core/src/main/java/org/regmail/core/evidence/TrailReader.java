package org.regmail.core.evidence;

import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.regmail.contracts.ContractErrors;
import org.regmail.contracts.Status;
import org.regmail.contracts.generated.EmailRegistration;
import org.regmail.contracts.generated.EmailRegistrationMaster;
import org.web3j.abi.EventEncoder;
import org.web3j.abi.TypeEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Event;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.utils.Numeric;

/**
 * Reads a registration's trail from any Ethereum node: the Master's RegistrationCreated,
 * RecordRejected and EscrowWithdrawn events about it (found by the indexed registration
 * topic) and every event the registration's own address emitted, with each block's time.
 * Needs nothing but the node: no key, no local state.
 */
public final class TrailReader {
    /** Blocks per eth_getLogs query: public nodes refuse wider ranges. */
    static final long LOG_RANGE = 10_000;

    private static final String CREATED = EventEncoder.encode(
        EmailRegistrationMaster.REGISTRATIONCREATED_EVENT);
    private static final String REJECTED = EventEncoder.encode(
        EmailRegistrationMaster.RECORDREJECTED_EVENT);
    private static final String WITHDRAWN = EventEncoder.encode(
        EmailRegistrationMaster.ESCROWWITHDRAWN_EVENT);
    private static final Map<String, Event> REGISTRATION_EVENTS = Map.of(
        EventEncoder.encode(EmailRegistration.STATUSRECORDED_EVENT),
        EmailRegistration.STATUSRECORDED_EVENT,
        EventEncoder.encode(EmailRegistration.RELAYAUTHORISED_EVENT),
        EmailRegistration.RELAYAUTHORISED_EVENT,
        EventEncoder.encode(EmailRegistration.ESCROWEXHAUSTED_EVENT),
        EmailRegistration.ESCROWEXHAUSTED_EVENT,
        EventEncoder.encode(EmailRegistration.ESCROWTOPPEDUP_EVENT),
        EmailRegistration.ESCROWTOPPEDUP_EVENT);

    private final Web3j web3j;
    private final String rpcUrl;
    private final Map<BigInteger, EthBlock.Block> blocks = new HashMap<>();

    /**
     * @param rpcUrl the node's address, for error messages only
     */
    public TrailReader(Web3j web3j, String rpcUrl) {
        this.web3j = web3j;
        this.rpcUrl = rpcUrl;
    }

    /**
     * The trail of {@code registration} as created by {@code master}, or empty when that
     * Master never created a registration there.
     *
     * @param fromBlock where to start searching (the Master's deployment block, or the
     *     registration's creation block when known)
     */
    public Optional<RegistrationTrail> read(String master, String registration, long fromBlock)
        throws TrailException {
        String reg = registration.toLowerCase(Locale.ROOT);
        EthBlock.Block latest = block(DefaultBlockParameterName.LATEST);
        long latestNumber = latest.getNumber().longValueExact();

        List<Log> masterLogs = logs(master, fromBlock, latestNumber,
            List.of(CREATED, REJECTED, WITHDRAWN), topic(reg));
        Optional<Log> createdLog = masterLogs.stream()
            .filter(l -> CREATED.equals(l.getTopics().get(0))).findFirst();
        if (createdLog.isEmpty()) {
            return Optional.empty();
        }
        long createdBlock = createdLog.get().getBlockNumber().longValueExact();
        List<Log> all = new ArrayList<>(masterLogs);
        all.addAll(logs(reg, createdBlock, latestNumber, null, null));
        all.sort(Comparator.comparing(Log::getBlockNumber).thenComparing(Log::getLogIndex));

        List<TrailEvent> events = new ArrayList<>();
        for (Log log : all) {
            decode(log).ifPresent(events::add);
        }
        RegistrationFacts facts = facts(createdLog.get());
        return Optional.of(new RegistrationTrail(facts, events, latestNumber,
            latest.getTimestamp().longValueExact()));
    }

    /** The content of a RegistrationCreated log. */
    public static RegistrationFacts facts(Log log) {
        EmailRegistrationMaster.RegistrationCreatedEventResponse e =
            EmailRegistrationMaster.getRegistrationCreatedEventFromLog(log);
        return new RegistrationFacts(lower(e.registration), lower(e.owner),
            lower(e.senderServer), e.localId, e.deadline.longValueExact(), e.feeCap, e.escrow,
            e.contentCommitment, e.recipientCommitments,
            e.recipientServers.stream().map(TrailReader::lower).toList());
    }

    /**
     * One of our events as a trail event, with its block's time; empty for a log that is not
     * one of the registration events (a role change, a credit).
     */
    public Optional<TrailEvent> decode(Log log) throws TrailException {
        if (log.getTopics().isEmpty()) {
            return Optional.empty();
        }
        String topic = log.getTopics().get(0);
        String contract = lower(log.getAddress());
        long block = log.getBlockNumber().longValueExact();
        long time = block(DefaultBlockParameter.valueOf(log.getBlockNumber()))
            .getTimestamp().longValueExact();
        String blockHash = lower(log.getBlockHash());
        String tx = lower(log.getTransactionHash());
        long index = log.getLogIndex().longValueExact();
        try {
            if (CREATED.equals(topic)) {
                var e = EmailRegistrationMaster.getRegistrationCreatedEventFromLog(log);
                return Optional.of(new TrailEvent(TrailEvent.REGISTRATION_CREATED, contract,
                    block, blockHash, time, tx, index, null, null, lower(e.owner), null,
                    e.escrow, null));
            }
            if (REJECTED.equals(topic)) {
                var e = EmailRegistrationMaster.getRecordRejectedEventFromLog(log);
                String selector = Numeric.toHexString(e.reason);
                return Optional.of(new TrailEvent(TrailEvent.RECORD_REJECTED, contract, block,
                    blockHash, time, tx, index, e.recipientIndex.intValueExact(),
                    Status.of(e.status), null, null, null,
                    ContractErrors.nameOf(selector).orElse(selector)));
            }
            if (WITHDRAWN.equals(topic)) {
                var e = EmailRegistrationMaster.getEscrowWithdrawnEventFromLog(log);
                return Optional.of(new TrailEvent(TrailEvent.ESCROW_WITHDRAWN, contract, block,
                    blockHash, time, tx, index, null, null, lower(e.owner), null, e.amount,
                    null));
            }
            Event event = REGISTRATION_EVENTS.get(topic);
            if (event == EmailRegistration.STATUSRECORDED_EVENT) {
                var e = EmailRegistration.getStatusRecordedEventFromLog(log);
                return Optional.of(new TrailEvent(TrailEvent.STATUS_RECORDED, contract, block,
                    blockHash, time, tx, index, e.recipientIndex.intValueExact(),
                    Status.of(e.status), lower(e.server), null, e.reimbursed, null));
            }
            if (event == EmailRegistration.RELAYAUTHORISED_EVENT) {
                var e = EmailRegistration.getRelayAuthorisedEventFromLog(log);
                return Optional.of(new TrailEvent(TrailEvent.RELAY_AUTHORISED, contract, block,
                    blockHash, time, tx, index, null, null, lower(e.relay), lower(e.by),
                    e.reimbursed, null));
            }
            if (event == EmailRegistration.ESCROWEXHAUSTED_EVENT) {
                var e = EmailRegistration.getEscrowExhaustedEventFromLog(log);
                return Optional.of(new TrailEvent(TrailEvent.ESCROW_EXHAUSTED, contract, block,
                    blockHash, time, tx, index, e.recipientIndex.intValueExact(), null, null,
                    null, null, null));
            }
            if (event == EmailRegistration.ESCROWTOPPEDUP_EVENT) {
                var e = EmailRegistration.getEscrowToppedUpEventFromLog(log);
                return Optional.of(new TrailEvent(TrailEvent.ESCROW_TOPPED_UP, contract, block,
                    blockHash, time, tx, index, null, null, null, null, e.amount, null));
            }
        } catch (RuntimeException malformed) {
            throw new TrailException("the log " + tx + "#" + index + " of " + contract
                + " cannot be decoded: " + malformed.getMessage(), false);
        }
        return Optional.empty();
    }

    /** A block by number or tag, remembered (a mined block does not change). */
    public EthBlock.Block block(DefaultBlockParameter which) throws TrailException {
        boolean fixed = !(which instanceof DefaultBlockParameterName);
        BigInteger number = fixed ? Numeric.decodeQuantity(which.getValue()) : null;
        if (number != null && blocks.containsKey(number)) {
            return blocks.get(number);
        }
        EthBlock answer;
        try {
            answer = web3j.ethGetBlockByNumber(which, false).send();
        } catch (IOException e) {
            throw unreachable(e);
        }
        if (answer.hasError() || answer.getBlock() == null) {
            throw new TrailException("the node has no block " + which.getValue(), false);
        }
        if (number != null) {
            blocks.put(number, answer.getBlock());
        }
        return answer.getBlock();
    }

    private List<Log> logs(String address, long from, long to, List<String> topic0,
                           String topic1) throws TrailException {
        List<Log> logs = new ArrayList<>();
        for (long start = from; start <= to; start += LOG_RANGE) {
            long end = Math.min(to, start + LOG_RANGE - 1);
            EthFilter filter = new EthFilter(
                DefaultBlockParameter.valueOf(BigInteger.valueOf(start)),
                DefaultBlockParameter.valueOf(BigInteger.valueOf(end)), address);
            if (topic0 != null) {
                filter.addOptionalTopics(topic0.toArray(String[]::new));
            }
            if (topic1 != null) {
                filter.addSingleTopic(topic1);
            }
            EthLog answer;
            try {
                answer = web3j.ethGetLogs(filter).send();
            } catch (IOException e) {
                throw unreachable(e);
            }
            if (answer.hasError()) {
                throw new TrailException("the node at " + rpcUrl + " refused a log query: "
                    + answer.getError().getMessage(), false);
            }
            for (EthLog.LogResult<?> result : answer.getLogs()) {
                logs.add((Log) result.get());
            }
        }
        return logs;
    }

    private static String topic(String address) {
        return "0x" + TypeEncoder.encode(new Address(address));
    }

    private TrailException unreachable(IOException e) {
        return new TrailException("cannot reach the Ethereum node at " + rpcUrl + " ("
            + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": "
            + e.getMessage()) + ")", true);
    }

    static String lower(String value) {
        return value == null ? null : value.toLowerCase(Locale.ROOT);
    }
}
