package org.regmail.client.demo;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.regmail.core.keys.KeyException;
import org.regmail.core.keys.KeystoreCredentials;
import org.regmail.core.sending.Deployment;
import org.regmail.core.sending.PrivateFiles;
import org.regmail.core.store.H2ServerStore;
import org.regmail.core.store.LedgerEntry;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;

/**
 * One registered-mail server as an administrator sets it up: the stock James 3.8.1
 * distribution run as its own process, a role's configuration from {@code james-conf}, the
 * drop-in JAR alone in {@code extensions-jars/}, a fresh server key in a V3 keystore (mode 600)
 * with its password in a file (mode 600), and {@code conf/registered-mail.properties} naming
 * them and the chain.
 *
 * <p>The working directory holds {@code conf/}, {@code keys/}, {@code extensions-jars/},
 * {@code var/registered-mail/} (the server's store: outbox, dispositions, ledger) and
 * {@code james.log}. Every port is a free one on 127.0.0.1.
 */
public final class MailServer implements AutoCloseable {
    /** The role, named as its configuration directory in {@code james-conf}. */
    public enum Role {
        SENDER, RELAY, RECIPIENT;

        public String directoryName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * The four ports a James of the roles listens on, each free on 127.0.0.1 when chosen and
     * never handed out twice by this JVM.
     */
    public record Ports(int smtp, int imap, int pop3, int webadmin) {
        private static final java.util.Set<Integer> HANDED_OUT =
            java.util.concurrent.ConcurrentHashMap.newKeySet();

        public static Ports free() {
            return new Ports(port(), port(), port(), port());
        }

        private static int port() {
            while (true) {
                int port = JamesProcess.freePort();
                if (HANDED_OUT.add(port)) {
                    return port;
                }
            }
        }
    }

    private static final String PASSWORD_FILE = "server.password";
    private static final String STORE = "var/registered-mail/store";

    private final Layout layout;
    private final Role role;
    private final String domain;
    private final Path directory;
    private final Ports ports;
    private final Path keystore;
    private final Path passwordFile;
    private final String address;
    private final Map<String, String> systemProperties = new LinkedHashMap<>();
    private JamesProcess process;

    private MailServer(Layout layout, Role role, String domain, Path directory, Path keystore,
                       Path passwordFile, String address) {
        this.layout = layout;
        this.role = role;
        this.domain = domain;
        this.directory = directory;
        this.ports = Ports.free();
        this.keystore = keystore;
        this.passwordFile = passwordFile;
        this.address = address;
    }

    /**
     * Prepares a server's working directory and creates its key: a new secp256k1 key in a
     * V3 keystore under {@code keys/}, with a random password in {@code keys/server.password}.
     * Neither the key nor the password is ever printed.
     */
    public static MailServer prepare(Layout layout, Role role, String domain, Path directory)
        throws IOException, KeyException {
        Path keys = PrivateFiles.directory(directory.resolve("keys"));
        byte[] secret = new byte[24];
        new SecureRandom().nextBytes(secret);
        Path passwordFile = keys.resolve(PASSWORD_FILE);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        PrivateFiles.write(passwordFile, (password + "\n").getBytes(StandardCharsets.US_ASCII));
        Path keystore;
        try {
            keystore = KeystoreCredentials.create(Keys.createEcKeyPair(), password, keys);
        } catch (java.security.GeneralSecurityException e) {
            throw new KeyException("no secp256k1 key generator: " + e.getMessage());
        }
        String address = KeystoreCredentials.load(keystore,
            new KeystoreCredentials.PasswordFile(passwordFile)).getAddress();
        Files.createDirectories(directory.resolve("conf"));
        Files.createDirectories(directory.resolve("extensions-jars"));
        return new MailServer(layout, role, domain, directory, keystore, passwordFile,
            address.toLowerCase(Locale.ROOT));
    }

    /**
     * Writes {@code conf/registered-mail.properties} for the deployment (see
     * {@code james-conf/<role>/conf/registered-mail.properties.example}).
     */
    public void configure(Deployment deployment, int outboxIntervalMillis) throws IOException {
        String properties = String.join("\n",
            "# Written by regmail for " + domain + " (" + role.directoryName() + " role).",
            "chain.rpc-url=" + deployment.rpcUrl(),
            "chain.id=" + deployment.chainId(),
            "chain.master=" + deployment.master(),
            "server.domain=" + domain,
            "server.keystore=../keys/" + keystore.getFileName(),
            "server.password-file=../keys/" + PASSWORD_FILE,
            "outbox.batch-size=20",
            "outbox.interval-ms=" + outboxIntervalMillis,
            "store.path=../" + STORE,
            "");
        Files.writeString(directory.resolve("conf/registered-mail.properties"), properties,
            StandardCharsets.UTF_8);
    }

    /** A {@code -Dname=value} for this server's James (next hop, relay domain, sweep period). */
    public MailServer systemProperty(String name, String value) {
        systemProperties.put(name, value);
        return this;
    }

    /** Starts James and waits until its four ports accept connections. */
    public void start() throws IOException, InterruptedException {
        if (!Files.isDirectory(layout.roleConfiguration(role.directoryName()))) {
            throw new IOException("no " + role.directoryName() + " configuration at "
                + layout.roleConfiguration(role.directoryName()));
        }
        JamesProcess.Builder builder = JamesProcess.builder(layout.jamesDistribution())
            .configuration(layout.roleConfiguration(role.directoryName()))
            .workingDirectory(directory)
            .extensionJar(layout.extensionJar())
            .systemProperty("regmail.smtp.port", String.valueOf(ports.smtp()))
            .systemProperty("regmail.imap.port", String.valueOf(ports.imap()))
            .systemProperty("regmail.pop3.port", String.valueOf(ports.pop3()))
            .systemProperty("regmail.webadmin.port", String.valueOf(ports.webadmin()))
            .systemProperty("regmail.graceful.shutdown", "false")
            .awaitPorts(ports.smtp(), ports.imap(), ports.pop3(), ports.webadmin());
        systemProperties.forEach(builder::systemProperty);
        process = builder.start();
    }

    /** Adds a mail domain and users (address → password) through WebAdmin. */
    public void addMailboxes(String mailDomain, Map<String, String> users)
        throws IOException, InterruptedException {
        WebAdminClient admin = new WebAdminClient(ports.webadmin());
        admin.addDomain(mailDomain);
        for (Map.Entry<String, String> user : users.entrySet()) {
            admin.addUser(user.getKey(), user.getValue());
        }
    }

    /**
     * The server's billing ledger, read from its store once James has stopped (the embedded
     * store admits one process at a time).
     */
    public List<LedgerEntry> ledger() {
        try (H2ServerStore store = H2ServerStore.open(directory.resolve(STORE))) {
            return store.ledger();
        }
    }

    /** Gas this server paid for its ledger's transactions, in wei. */
    public static BigInteger paid(List<LedgerEntry> ledger) {
        return ledger.stream().map(LedgerEntry::cost).reduce(BigInteger.ZERO, BigInteger::add);
    }

    /** What the ledger says this server was reimbursed, in wei. */
    public static BigInteger reimbursed(List<LedgerEntry> ledger) {
        return ledger.stream().map(LedgerEntry::reimbursed)
            .reduce(BigInteger.ZERO, BigInteger::add);
    }

    public Role role() {
        return role;
    }

    public String domain() {
        return domain;
    }

    public Ports ports() {
        return ports;
    }

    /** The server's account (lower case), as the directory will list it. */
    public String address() {
        return address;
    }

    public Path keystore() {
        return keystore;
    }

    public Path passwordFile() {
        return passwordFile;
    }

    public Path directory() {
        return directory;
    }

    public Path log() {
        return directory.resolve("james.log");
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** The James process, once started. */
    public JamesProcess process() {
        return process;
    }

    /** The signing credentials, for tests that act as this server. */
    public Credentials credentials() throws KeyException {
        return KeystoreCredentials.load(keystore, new KeystoreCredentials.PasswordFile(
            passwordFile));
    }

    /**
     * Kills James with SIGKILL (no shutdown, as in a crash); the working directory, the store
     * included, is kept, so {@link #start()} runs the same server again. James's memory
     * distribution loses its users, domains, mail queue and mailboxes with the process.
     */
    public void kill() throws InterruptedException {
        if (process != null) {
            process.kill();
        }
    }

    /** Stops James (the whole process tree); the working directory is kept. */
    @Override
    public void close() {
        if (process != null) {
            process.close();
        }
    }

    /** Stops several servers at once: all are asked to stop before any is waited for. */
    public static void closeAll(List<MailServer> servers) {
        JamesProcess.closeAll(servers.stream().map(s -> s.process)
            .filter(java.util.Objects::nonNull).toList());
    }
}
