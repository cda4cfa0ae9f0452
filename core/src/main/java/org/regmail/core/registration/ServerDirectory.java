package org.regmail.core.registration;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.regmail.core.chain.ChainException;
import org.regmail.core.chain.ChainGateway;
import org.web3j.tuples.generated.Tuple3;

/**
 * The Master's server directory: which server holds a mail domain, with the public key
 * envelopes are sealed to and whether a directory admin approved it. Answers are cached for
 * a while ({@link #TTL}): a directory change reaches every server within that time.
 */
public final class ServerDirectory {
    public static final Duration TTL = Duration.ofMinutes(5);
    /** The zero address: what the directory answers for a domain nobody holds. */
    public static final String NO_SERVER = "0x0000000000000000000000000000000000000000";

    /**
     * One directory entry.
     *
     * @param domain the mail domain, lower case
     * @param server the server's account address, lower case
     * @param publicKey its 64-byte secp256k1 key (x ‖ y), what envelopes are sealed to
     * @param approved whether a directory admin approved it (only approved servers record)
     */
    public record Entry(String domain, String server, byte[] publicKey, boolean approved) {
    }

    private record Cached(Optional<Entry> entry, Instant until) {
    }

    private final ChainGateway gateway;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    public ServerDirectory(ChainGateway gateway) {
        this(gateway, Clock.systemUTC());
    }

    ServerDirectory(ChainGateway gateway, Clock clock) {
        this.gateway = gateway;
        this.clock = clock;
    }

    /** The approved server of a domain, or empty when the domain has none (or it is revoked). */
    public Optional<Entry> approvedServerFor(String domain) throws ChainException {
        return serverFor(domain).filter(Entry::approved);
    }

    /** The directory entry of a domain, approved or not, or empty when there is none. */
    public Optional<Entry> lookup(String domain) throws ChainException {
        return serverFor(domain);
    }

    /** The entry of a server by its address, or empty when it never registered. */
    public Optional<Entry> lookupServer(String address) throws ChainException {
        Tuple3<String, byte[], Boolean> answer = gateway.read("looking up server " + address,
            gateway.master().serverInfo(address));
        if (answer.component1().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Entry(answer.component1(), address.toLowerCase(Locale.ROOT),
            answer.component2(), answer.component3()));
    }

    /** The directory entry of a domain, approved or not, or empty when there is none. */
    public Optional<Entry> serverFor(String domain) throws ChainException {
        String key = domain.toLowerCase(Locale.ROOT);
        Cached cached = cache.get(key);
        Instant now = clock.instant();
        if (cached != null && now.isBefore(cached.until())) {
            return cached.entry();
        }
        Tuple3<String, byte[], Boolean> answer;
        try {
            answer = gateway.read("looking up " + key + " in the server directory",
                gateway.master().serverForDomain(key));
        } catch (ChainException e) {
            if (cached != null && e.isUnreachable()) {
                return cached.entry(); // a stale answer beats none while the node is down
            }
            throw e;
        }
        Optional<Entry> entry = NO_SERVER.equalsIgnoreCase(answer.component1())
            ? Optional.empty()
            : Optional.of(new Entry(key, answer.component1().toLowerCase(Locale.ROOT),
                answer.component2(), answer.component3()));
        cache.put(key, new Cached(entry, now.plus(TTL)));
        return entry;
    }
}
