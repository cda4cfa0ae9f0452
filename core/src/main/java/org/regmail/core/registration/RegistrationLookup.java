package org.regmail.core.registration;

import java.io.IOException;
import java.math.BigInteger;
import java.time.Duration;
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
 * much as the blocks it covers, so the lookup follows the chain instead of searching it per
 * mail: when a registration is not in the cache, it reads every RegistrationCreated event of
 * the blocks mined since it last looked (the newest {@value #FOLLOW_START} blocks the first
 * time, in requests of at most {@value #FOLLOW_CHUNK} blocks) and caches them all. A server
 * whose mails travel soon after their registration thus asks the node one short range per
 * new block at most, shared by all the mails waiting, and nothing for a registration it has
 * seen. Concurrent lookups wait for one catch-up rather than each sending their own.
 *
 * <p>A registration not found that way (older than the followed blocks, in a block that a
 * reorganisation put below them, or no registration at all) is searched for as before: the
 * newest {@value #FIRST_WINDOW} blocks first, then windows four times wider each, back to the
 * block the Master was deployed in and never before it. That block is found once, from the
 * first {@code RoleGranted} event the Master's constructor emitted, unless it is given.
 */
public final class RegistrationLookup {
    private static final Logger LOG = LoggerFactory.getLogger(RegistrationLookup.class);
    /** Blocks in the first, newest window of a search. */
    static final long FIRST_WINDOW = 256;
    /** How many of the newest blocks are read when the lookup starts following the chain. */
    static final long FOLLOW_START = 8_192;
    /** The most blocks one request covers while following. */
    static final long FOLLOW_CHUNK = 2_048;
    /** How long lookups stop following the chain after the node refused a catch-up. */
    static final Duration PAUSE_AFTER_REFUSAL = Duration.ofMinutes(10);
    // Limitation: following reads every registration of the Master, not only those naming
    // this server (the recipients' servers are not an indexed field of the event, so the node
    // cannot filter for them), and keeps the newest 10,000; where more registrations than that
    // are made while a mail travels, its own is evicted and searched for alone.
    private static final int CACHE_SIZE = 10_000;
    private static final String ROLE_GRANTED = EventEncoder.encode(
        EmailRegistrationMaster.ROLEGRANTED_EVENT);
    private static final String REGISTRATION_CREATED = EventEncoder.encode(
        EmailRegistrationMaster.REGISTRATIONCREATED_EVENT);

    private final Web3j web3j;
    private final String master;
    private final String node;
    private final long followStart;
    private final long followChunk;
    /** The Master's deployment block, or -1 until it is known. */
    private volatile long deploymentBlock;
    /** The newest block whose RegistrationCreated events were all read, or -1 (guarded by this). */
    private long followedTo = -1;
    /**
     * When the node refused a catch-up, the System.nanoTime before which lookups search for
     * their registration alone instead of following (guarded by this).
     */
    private long pausedUntil;
    private boolean paused;
    /**
     * The latest catch-up that could not reach the node, and its System.nanoTime (guarded by
     * this): lookups that waited for it fail with it instead of each waiting for the node again.
     */
    private ChainException unreachable;
    private long unreachableAt;
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
        this(web3j, master, node, deploymentBlock, FOLLOW_START, FOLLOW_CHUNK);
    }

    /** As above, following from the newest {@code followStart} blocks in requests of
     * {@code followChunk}: tests use a shorter chain than the defaults need. */
    RegistrationLookup(Web3j web3j, String master, String node, long deploymentBlock,
                       long followStart, long followChunk) {
        this.followStart = followStart;
        this.followChunk = followChunk;
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
        long head;
        long waitingSince = System.nanoTime();
        synchronized (this) {
            cached = cache.get(key);
            if (cached != null) {
                return Optional.of(cached); // read by the catch-up this lookup waited for
            }
            if (unreachable != null && unreachableAt - waitingSince > 0) {
                // The catch-up this lookup waited for found the node unreachable: asking again
                // would hold every other waiting mail for another timeout.
                throw new ChainException(unreachable.getMessage(), unreachable, true);
            }
            try {
                head = latestBlock();
                catchUp(head);
            } catch (ChainException e) {
                if (e.isUnreachable()) {
                    unreachable = e;
                    unreachableAt = System.nanoTime();
                }
                throw e;
            }
            cached = cache.get(key);
            if (cached != null) {
                return Optional.of(cached);
            }
        }
        return search(key, head);
    }

    /** Reads the RegistrationCreated events of the blocks mined since the last catch-up. */
    private void catchUp(long head) throws ChainException {
        if (paused && System.nanoTime() - pausedUntil < 0) {
            return;
        }
        paused = false;
        long floor = deploymentBlock();
        long from = followedTo >= 0 && head - followedTo <= followStart ? followedTo + 1
            : Math.max(floor, head - followStart + 1);
        for (long start = from; start <= head; start += followChunk) {
            long end = Math.min(head, start + followChunk - 1);
            List<EthLog.LogResult> logs;
            try {
                logs = logs(block(start), block(end), REGISTRATION_CREATED);
            } catch (ChainException e) {
                if (e.isUnreachable()) {
                    throw e;
                }
                paused = true;
                pausedUntil = System.nanoTime() + PAUSE_AFTER_REFUSAL.toNanos();
                LOG.warn("the node refused to list the Master's registrations of blocks {}..{}; "
                    + "for {} min every lookup searches for its registration alone: {}", start,
                    end, PAUSE_AFTER_REFUSAL.toMinutes(), e.getMessage());
                return;
            }
            for (EthLog.LogResult<?> result : logs) {
                RegistrationInfo info = info((Log) result.get());
                cache.put(info.registration(), info);
            }
            followedTo = end;
        }
    }

    /** Searches the blocks from {@code head} down to the deployment block, newest first. */
    private Optional<RegistrationInfo> search(String key, long head) throws ChainException {
        long floor = deploymentBlock();
        String topic = "0x" + TypeEncoder.encode(new Address(key));
        long from = Math.max(floor, head - FIRST_WINDOW + 1);
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
        RegistrationInfo info = info((Log) logs.get(0).get());
        cache.put(key, info);
        return Optional.of(info);
    }

    private static RegistrationInfo info(Log log) {
        EmailRegistrationMaster.RegistrationCreatedEventResponse event =
            EmailRegistrationMaster.getRegistrationCreatedEventFromLog(log);
        return new RegistrationInfo(event.registration.toLowerCase(Locale.ROOT),
            event.owner.toLowerCase(Locale.ROOT), event.senderServer.toLowerCase(Locale.ROOT),
            event.localId, event.deadline.longValueExact(), event.contentCommitment,
            List.copyOf(event.recipientCommitments),
            event.recipientServers.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList(),
            log.getBlockNumber());
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
