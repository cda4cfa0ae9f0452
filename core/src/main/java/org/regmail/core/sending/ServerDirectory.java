package org.regmail.core.sending;

import java.math.BigInteger;
import java.util.Locale;
import java.util.Optional;

import org.regmail.contracts.generated.EmailRegistrationMaster;
import org.regmail.core.chain.ChainException;
import org.regmail.core.chain.ChainGateway;
import org.web3j.tuples.generated.Tuple3;

/**
 * The Master's server directory as a sender reads it: which server holds a mail domain, with
 * the public key envelopes are sealed to and whether a directory admin approved it.
 */
public final class ServerDirectory {
    /** The zero address: what the directory answers for a domain nobody holds. */
    public static final String NO_SERVER = "0x0000000000000000000000000000000000000000";

    private final EmailRegistrationMaster master;
    private final ChainGateway gateway;

    public ServerDirectory(ChainGateway gateway) {
        this.gateway = gateway;
        this.master = gateway.master();
    }

    /**
     * One directory entry.
     *
     * @param domain the mail domain, lower case
     * @param server the server's account address, lower case
     * @param publicKey its 64-byte secp256k1 key (x ‖ y)
     * @param approved whether a directory admin approved it (only approved servers record)
     */
    public record Entry(String domain, String server, byte[] publicKey, boolean approved) {
    }

    /** The entry holding {@code domain}, or empty when no server registered it. */
    public Optional<Entry> lookup(String domain) throws ChainException {
        String lower = domain.toLowerCase(Locale.ROOT);
        Tuple3<String, byte[], Boolean> answer = gateway.read("looking up " + lower
            + " in the server directory", master.serverForDomain(lower));
        String server = answer.component1().toLowerCase(Locale.ROOT);
        if (new BigInteger(server.substring(2), 16).signum() == 0) {
            return Optional.empty();
        }
        return Optional.of(new Entry(lower, server, answer.component2(), answer.component3()));
    }

    /** The entry of a server by its address, or empty when it never registered. */
    public Optional<Entry> lookupServer(String address) throws ChainException {
        Tuple3<String, byte[], Boolean> answer = gateway.read("looking up server " + address,
            master.serverInfo(address));
        if (answer.component1().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Entry(answer.component1(), address.toLowerCase(Locale.ROOT),
            answer.component2(), answer.component3()));
    }
}
