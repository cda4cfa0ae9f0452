package org.regmail.core.registration;

import java.io.IOException;
import java.math.BigInteger;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.regmail.contracts.generated.EmailRegistrationMaster;
import org.regmail.core.chain.ChainException;
import org.regmail.core.chain.ChainGateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.abi.EventEncoder;
import org.web3j.abi.TypeEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.EthBlockNumber;
import org.web3j.protocol.core.methods.response.Log;

/**
 * Finds a registration's terms in the Master's RegistrationCreated event. Only the Master
 * emits that event and only for clones it created, so a registration found here is genuine.
 * Answers are cached: a registration's creation never changes.
 *
 * <p>The commitments are only in the event (the contracts keep no copy in storage), so the
 * terms cannot be read with an {@code eth_call}. A node's {@code eth_getLogs} costs about as
 * much as the blocks it covers, so the search does not start at block 0: it looks at the
 * newest {@value #FIRST_WINDOW} blocks first (a mail usually travels right after its
 * registration), then at windows four times wider each, back to the block the Master was
 * deployed in and never before it. That block is found once, from the first
 * {@code RoleGranted} event the Master's constructor emitted, unless it is given. The first
 * window runs up to {@code latest} from a head block read at most every
 * {@value #HEAD_REFRESH_SECONDS} s, so a lookup is one request, not two: a stale head only
 * widens that window.
 */
public final class RegistrationLookup {
    private static final Logger LOG = LoggerFactory.getLogger(RegistrationLookup.class);
    /** Blocks in the first, newest window of the search. */
    static final long FIRST_WINDOW = 256;
    /** How long a head block read with {@code eth_blockNumber} is used. */
    static final long HEAD_REFRESH_SECONDS = 10;
    private static final int CACHE_SIZE = 10_000;
    private static final String ROLE_GRANTED = EventEncoder.encode(
        EmailRegistrationMaster.ROLEGRANTED_EVENT);
    private static final String REGISTRATION_CREATED = EventEncoder.encode(
        EmailRegistrationMaster.REGISTRATIONCREATED_EVENT);

    private final Web3j web3j;
    private final String master;
    private final String node;
    /** The Master's deployment block, or -1 until it is known. */
    private volatile long deploymentBlock;
    /** The newest block known, or -1; and when it was read from the node (System.nanoTime). */
    private volatile long head = -1;
    private volatile long headReadAt;
    private final Map<String, RegistrationInfo> cache = Collections.synchronizedMap(
        new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, RegistrationInfo> eldest) {
                return size() > CACHE_SIZE;
            }
        });

    /** Looks registrations up through the gateway's node and Master. */
    public RegistrationLookup(ChainGateway gateway) {
        this(gateway.web3j(), gateway.settings().masterAddress(), gateway.settings().rpcUrl(),
            -1);
    }

    /**
     * Looks registrations up through {@code web3j}.
     *
     * @param master the EmailRegistrationMaster
     * @param node the node's name for error messages (its URL)
     * @param deploymentBlock the block the Master was deployed in, or -1 to find it on first use
     */
    public RegistrationLookup(Web3j web3j, String master, String node, long deploymentBlock) {
        this.web3j = web3j;
        this.master = master;
        this.node = node;
        this.deploymentBlock = deploymentBlock;
    }

    /**
     * The registration created by the configured Master at {@code registration}, or empty when
     * the Master never created one there.
     */
    public Optional<RegistrationInfo> find(String registration) throws ChainException {
        String key = registration.toLowerCase(Locale.ROOT);
        RegistrationInfo cached = cache.get(key);
        if (cached != null) {
            return Optional.of(cached);
        }
        long floor = deploymentBlock();
        String topic = "0x" + TypeEncoder.encode(new Address(key));
        long from = Math.max(floor, head() - FIRST_WINDOW + 1);
        List<EthLog.LogResult> logs = logs(block(from), DefaultBlockParameterName.LATEST,
            REGISTRATION_CREATED, topic);
        long width = FIRST_WINDOW * 4;
        while (logs.isEmpty() && from > floor) {
            long to = from - 1;
            from = Math.max(floor, to - width + 1);
            logs = logs(block(from), block(to), REGISTRATION_CREATED, topic);
            width *= 4;
        }
        if (logs.isEmpty()) {
            return Optional.empty();
        }
        Log log = (Log) logs.get(0).get();
        if (log.getBlockNumber().longValueExact() > head) {
            head = log.getBlockNumber().longValueExact();
        }
        EmailRegistrationMaster.RegistrationCreatedEventResponse event =
            EmailRegistrationMaster.getRegistrationCreatedEventFromLog(log);
        RegistrationInfo info = new RegistrationInfo(key, event.owner.toLowerCase(Locale.ROOT),
            event.senderServer.toLowerCase(Locale.ROOT), event.localId,
            event.deadline.longValueExact(), event.contentCommitment,
            List.copyOf(event.recipientCommitments),
            event.recipientServers.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList(),
            log.getBlockNumber());
        cache.put(key, info);
        return Optional.of(info);
    }

    /**
     * The block the Master was deployed in: given, or the block of the first event it ever
     * emitted (its constructor grants the admin roles), found once. 0 when the node knows no
     * event of the Master yet.
     */
    // Limitation: finding it asks for the Master's RoleGranted events from block 0, once per
    // server start; a node that refuses so wide a range makes every search go back to block 0
    // in windows (still correct, more queries for an unknown registration).
    public long deploymentBlock() throws ChainException {
        long known = deploymentBlock;
        if (known >= 0) {
            return known;
        }
        List<EthLog.LogResult> granted;
        try {
            granted = logs(DefaultBlockParameterName.EARLIEST, DefaultBlockParameterName.LATEST,
                ROLE_GRANTED);
        } catch (ChainException e) {
            if (e.isUnreachable()) {
                throw e;
            }
            LOG.warn("the Master's deployment block is unknown, registration searches go back "
                + "to block 0: {}", e.getMessage());
            deploymentBlock = 0;
            return 0;
        }
        if (granted.isEmpty()) {
            return 0; // nothing emitted yet: ask again next time
        }
        long first = ((Log) granted.get(0).get()).getBlockNumber().longValueExact();
        deploymentBlock = first;
        return first;
    }

    private static DefaultBlockParameter block(long number) {
        return DefaultBlockParameter.valueOf(BigInteger.valueOf(number));
    }

    private long head() throws ChainException {
        long now = System.nanoTime();
        if (head < 0 || now - headReadAt > HEAD_REFRESH_SECONDS * 1_000_000_000L) {
            head = latestBlock();
            headReadAt = now;
        }
        return head;
    }

    private long latestBlock() throws ChainException {
        try {
            EthBlockNumber answer = web3j.ethBlockNumber().send();
            if (answer.hasError()) {
                throw new ChainException("the node at " + node + " did not tell its latest block: "
                    + answer.getError().getMessage());
            }
            return answer.getBlockNumber().longValueExact();
        } catch (IOException e) {
            throw new ChainException("cannot reach the Ethereum node at " + node, e, true);
        }
    }

    private List<EthLog.LogResult> logs(DefaultBlockParameter from, DefaultBlockParameter to,
                                        String... topics) throws ChainException {
        EthFilter filter = new EthFilter(from, to, master);
        for (String topic : topics) {
            filter.addSingleTopic(topic);
        }
        try {
            EthLog answer = web3j.ethGetLogs(filter).send();
            if (answer.hasError()) {
                throw new ChainException("the node refused the log query " + from.getValue()
                    + ".." + to.getValue() + " for the Master " + master + ": "
                    + answer.getError().getMessage());
            }
            return answer.getLogs();
        } catch (IOException e) {
            throw new ChainException("cannot reach the Ethereum node at " + node, e, true);
        }
    }
}
