package org.regmail.mailets;

import java.io.File;
import java.io.FileNotFoundException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.james.filesystem.api.FileSystem;
import org.regmail.core.chain.ChainException;
import org.regmail.core.config.ConfigException;
import org.regmail.core.config.ServerConfig;
import org.regmail.core.keys.KeyException;
import org.regmail.core.server.ServerNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one {@link ServerNode} of a James server, shared by the matchers, mailets, the POP3
 * handler, the IMAP processor and the mailbox listener, which James instantiates separately.
 *
 * <p>It is started on first use from {@code registered-mail.properties} (by default in James's
 * {@code conf/} directory; the system property {@code regmail.configuration} names another
 * file) and runs the expiry sweep: every {@link #EXPIRY_SWEEP} it queues EXPIRED for stored
 * registered messages past their deadline and never downloaded, using the chain's clock.
 */
public final class RegisteredMailRuntime {
    /** Default location, resolved by James's file system against its working directory. */
    public static final String DEFAULT_CONFIGURATION = "file://conf/registered-mail.properties";
    public static final Duration EXPIRY_SWEEP = Duration.ofSeconds(
        Long.getLong("regmail.expiry-sweep-seconds", 30));

    private static final Logger LOG = LoggerFactory.getLogger(RegisteredMailRuntime.class);
    private static final Map<Path, ServerNode> NODES = new ConcurrentHashMap<>();
    private static final Map<Path, ScheduledExecutorService> SWEEPERS = new ConcurrentHashMap<>();

    static {
        // James stops its components on shutdown but has no hook for extension singletons:
        // close the nodes (publisher, store) when the JVM stops.
        Runtime.getRuntime().addShutdownHook(new Thread(RegisteredMailRuntime::stopAll,
            "regmail-shutdown"));
    }

    private RegisteredMailRuntime() {
    }

    /**
     * The node for a configuration file, started on first use.
     *
     * @param location a James file-system location ({@code file://conf/...}) or a path
     * @throws ConfigException naming the file, key or keystore problem
     */
    public static ServerNode node(FileSystem fileSystem, String location) throws ConfigException {
        Path file = resolve(fileSystem, location);
        ServerNode existing = NODES.get(file);
        if (existing != null) {
            return existing;
        }
        synchronized (NODES) {
            existing = NODES.get(file);
            if (existing != null) {
                return existing;
            }
            ServerConfig config = ServerConfig.load(file);
            ServerNode node;
            try {
                node = ServerNode.start(config);
            } catch (KeyException | ConfigException e) {
                throw new ConfigException(file.getFileName() + ": " + e.getMessage());
            }
            NODES.put(file, node);
            startExpirySweep(file, node);
            return node;
        }
    }

    /** The node of the default (or {@code regmail.configuration}) file. */
    public static ServerNode defaultNode(FileSystem fileSystem) throws ConfigException {
        return node(fileSystem, System.getProperty("regmail.configuration", DEFAULT_CONFIGURATION));
    }

    private static Path resolve(FileSystem fileSystem, String location) throws ConfigException {
        try {
            File file = location.contains("://")
                ? fileSystem.getFile(location)
                : new File(location);
            return file.toPath().toAbsolutePath().normalize();
        } catch (FileNotFoundException e) {
            throw new ConfigException("registered-mail configuration " + location + " not found");
        }
    }

    private static void startExpirySweep(Path file, ServerNode node) {
        ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "regmail-expiry");
            thread.setDaemon(true);
            return thread;
        });
        sweeper.scheduleWithFixedDelay(() -> sweep(node), EXPIRY_SWEEP.toMillis(),
            EXPIRY_SWEEP.toMillis(), TimeUnit.MILLISECONDS);
        SWEEPERS.put(file, sweeper);
    }

    /** One sweep; the chain's clock decides, as the contract does. */
    static void sweep(ServerNode node) {
        try {
            Instant chainNow = Instant.ofEpochSecond(node.gateway().latestTimestamp());
            int expired = node.expireOverdue(chainNow);
            if (expired > 0) {
                LOG.info("registered mail: {} past {} deadline, never downloaded: EXPIRED "
                    + "queued", expired == 1 ? "1 recipient" : expired + " recipients",
                    expired == 1 ? "its" : "their");
            }
        } catch (ChainException e) {
            LOG.debug("expiry sweep skipped, chain unreachable: {}", e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("expiry sweep failed: {}", e.toString());
        }
    }

    /** Stops every node (James shutdown, tests). */
    public static synchronized void stopAll() {
        SWEEPERS.values().forEach(ScheduledExecutorService::shutdownNow);
        SWEEPERS.clear();
        NODES.values().forEach(ServerNode::close);
        NODES.clear();
    }
}
