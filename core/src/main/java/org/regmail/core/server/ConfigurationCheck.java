package org.regmail.core.server;

import java.math.BigInteger;
import java.util.Locale;
import java.util.Optional;

import org.regmail.core.chain.ChainException;
import org.regmail.core.chain.ChainGateway;
import org.regmail.core.config.ConfigException;
import org.regmail.core.config.ServerConfig;
import org.regmail.core.registration.ServerDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a server's configuration against the chain when the server starts, so that a mistake
 * shows in the start-up log rather than as records that never land.
 *
 * <p>When the node answers, a {@code chain.id} other than the node's or a {@code chain.master}
 * without contract code is a configuration error: the server refuses to start. When the node
 * is unreachable the server starts (mail must flow; records wait in the outbox) and the outbox
 * checks the chain once the node answers. A {@code server.domain} the Master's directory does
 * not give to this server's approved account is logged as a warning and the server starts: a
 * directory admin may register or approve it later.
 */
final class ConfigurationCheck {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigurationCheck.class);

    private ConfigurationCheck() {
    }

    /**
     * Checks the chain id, the Master and the directory entry.
     *
     * @throws ConfigException naming the key and both values when the node answers that the
     *     chain or the Master is not the configured one
     */
    static void check(ServerConfig config, ChainGateway gateway) throws ConfigException {
        String node = config.chain().rpcUrl();
        try {
            long chainId = gateway.nodeChainId();
            if (chainId != config.chain().chainId()) {
                throw new ConfigException("chain.id is " + config.chain().chainId()
                    + ", but the node at " + node + " is on chain " + chainId);
            }
            String master = config.chain().masterAddress();
            if (!gateway.hasCode(master)) {
                throw new ConfigException("chain.master is " + master + ", but chain " + chainId
                    + " (node at " + node + ") has no contract at that address: it names another "
                    + "chain's Master or is mistyped");
            }
            requireMaster(master, chainId, gateway);
            checkDirectory(config.domain(), gateway);
        } catch (ChainException e) {
            if (!e.isUnreachable()) {
                LOG.warn("registered mail: the configuration could not be checked against the "
                    + "chain: {}", e.getMessage());
            }
            // Unreachable: the outbox says so and checks the chain once the node answers.
        }
    }

    /**
     * The contract at {@code chain.master} must answer as a Master does: it names its factory,
     * and the factory has code. Another contract (the factory itself, a registration, a token)
     * reverts or answers nothing.
     */
    private static void requireMaster(String master, long chainId, ChainGateway gateway)
        throws ConfigException, ChainException {
        String factory;
        try {
            factory = gateway.read("asking the Master for its factory",
                gateway.master().factory());
        } catch (ChainException e) {
            if (e.isUnreachable()) {
                throw e;
            }
            factory = null;
        }
        boolean named = factory != null && factory.matches("0x[0-9a-fA-F]{40}")
            && new BigInteger(factory.substring(2), 16).signum() != 0;
        if (!named || !gateway.hasCode(factory)) {
            throw new ConfigException("chain.master is " + master + ", but the contract there on "
                + "chain " + chainId + " is not a registered-mail Master (it names no factory): "
                + "give the \"master\" address of the deployment file 'regmail deploy' wrote");
        }
    }

    /**
     * Warns when the directory does not give {@code domain} to this server's approved account,
     * saying what it does say and what that means for mail through this server.
     */
    private static void checkDirectory(String domain, ChainGateway gateway)
        throws ChainException {
        ServerDirectory directory = new ServerDirectory(gateway);
        String account = gateway.address().toLowerCase(Locale.ROOT);
        Optional<ServerDirectory.Entry> mine = directory.lookupServer(account);
        Optional<ServerDirectory.Entry> holder = directory.lookup(domain);
        String domainSays = holder.map(entry -> domain + " is held by " + entry.server()
            + (entry.approved() ? " (approved)" : " (not approved)"))
            .orElse("nobody holds " + domain);
        if (mine.isEmpty()) {
            LOG.warn("registered mail: server.domain is {}, but account {} is not registered in "
                + "the Master's directory ({}): no registration can name this server, so no "
                + "registered mail reaches it and registered mail through it goes on as ordinary "
                + "mail; register the account for {} and have a directory admin approve it",
                domain, account, domainSays, domain);
        } else if (!mine.get().domain().equalsIgnoreCase(domain)) {
            LOG.warn("registered mail: server.domain is {}, but the Master's directory gives "
                + "account {} the domain {} ({}): envelopes for {} are not sealed for this "
                + "server, and registered mail it cannot open goes on as ordinary mail",
                domain, account, mine.get().domain(), domainSays, domain);
        } else if (!mine.get().approved()) {
            LOG.warn("registered mail: server.domain is {}, and account {} holds it in the "
                + "Master's directory, but is not approved: no new registration can name this "
                + "server, and the records it queues are refused by the Master and wait in the "
                + "outbox until a directory admin approves it", domain, account);
        }
    }
}
