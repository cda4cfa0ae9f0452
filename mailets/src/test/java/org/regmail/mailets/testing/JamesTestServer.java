package org.regmail.mailets.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.james.GuiceJamesServer;
import org.apache.james.MemoryJamesConfiguration;
import org.apache.james.MemoryJamesServerMain;
import org.apache.james.data.UsersRepositoryModuleChooser;
import org.apache.james.modules.protocols.ImapGuiceProbe;
import org.apache.james.modules.protocols.Pop3GuiceProbe;
import org.apache.james.modules.protocols.SmtpGuiceProbe;
import org.apache.james.utils.DataProbeImpl;
import org.apache.james.utils.GuiceProbe;

import com.google.inject.Module;

/**
 * A real Apache James 3.8.1 (the memory distribution, as {@code MemoryJamesServerMain} builds
 * it) running inside the test JVM, with SMTP, IMAP and POP3 bound to 127.0.0.1 on free ports.
 *
 * <p>Its configuration directory is generated into a fresh temporary working directory: the
 * test gives the {@code mailetcontainer.xml} and the hooks it wants (SMTP and POP3 handlers,
 * IMAP packages, mailbox listeners, {@code extensions.properties} modules); every other file
 * gets a default that mirrors the stock server's. Any file can be replaced whole with
 * {@link Builder#configurationFile(String, String)}.
 *
 * <pre>{@code
 * try (JamesTestServer james = JamesTestServer.builder()
 *         .mailetContainer(JamesTestServer.LOCAL_DELIVERY_ONLY)
 *         .pop3Handlers("org.example.MyPop3Handler")
 *         .start()) {
 *     james.addDomain("b.test");
 *     james.addUser("bob@b.test", "secret");
 *     ... james.smtpPort(), james.imapPort(), james.pop3Port() ...
 * }
 * }</pre>
 *
 * <p>Mailets, matchers, protocol handlers, IMAP processors and listeners are instantiated by
 * James through Guice, exactly as they would be from {@code extensions-jars/}; here they are
 * found on the test class path.
 */
public final class JamesTestServer implements AutoCloseable {

    static {
        // GuiceJamesServer calls System.exit(1) on a startup failure unless told otherwise,
        // which would kill the test JVM instead of failing one test.
        System.setProperty("james.exit.on.startup.error", "false");
    }

    /** The handler that loads James's own SMTP commands; custom hooks go before it. */
    public static final String SMTP_CORE_HANDLERS =
        "org.apache.james.smtpserver.CoreCmdHandlerLoader";

    /** The handler that loads James's own POP3 commands; custom handlers go before it. */
    public static final String POP3_CORE_HANDLERS =
        "org.apache.james.pop3server.core.CoreCmdHandlerLoader";

    /** James's complete set of IMAP processors, decoders and encoders. */
    public static final String DEFAULT_IMAP_PACKAGE =
        "org.apache.james.modules.protocols.DefaultImapPackage";

    /**
     * The smallest sound mail flow: Bcc removed (James refuses to start without that step in
     * {@code transport}), local recipients delivered, everything else to the error repository.
     */
    public static final String LOCAL_DELIVERY_ONLY = """
        <mailetcontainer enableJmx="false">
          <context>
            <postmaster>postmaster</postmaster>
          </context>
          <spooler>
            <threads>2</threads>
            <errorRepository>memory://var/mail/error/</errorRepository>
          </spooler>
          <processors enableJmx="false">
            <processor state="root" enableJmx="false">
              <mailet match="All" class="PostmasterAlias"/>
              <mailet match="RelayLimit=30" class="Null"/>
              <mailet match="All" class="ToProcessor">
                <processor>transport</processor>
              </mailet>
            </processor>
            <processor state="error" enableJmx="false">
              <mailet match="All" class="ToRepository">
                <repositoryPath>memory://var/mail/error/</repositoryPath>
              </mailet>
            </processor>
            <processor state="transport" enableJmx="false">
              <mailet match="All" class="RemoveMimeHeader">
                <name>bcc</name>
                <onMailetException>ignore</onMailetException>
              </mailet>
              <mailet match="All" class="RecipientRewriteTable"/>
              <mailet match="RecipientIsLocal" class="LocalDelivery"/>
              <mailet match="All" class="ToRepository">
                <repositoryPath>memory://var/mail/unhandled/</repositoryPath>
              </mailet>
            </processor>
          </processors>
        </mailetcontainer>
        """;

    private final GuiceJamesServer server;
    private final Path workingDirectory;

    private JamesTestServer(GuiceJamesServer server, Path workingDirectory) {
        this.server = server;
        this.workingDirectory = workingDirectory;
    }

    public static Builder builder() {
        return new Builder();
    }

    public int smtpPort() {
        return server.getProbe(SmtpGuiceProbe.class).getSmtpPort().getValue();
    }

    public int imapPort() {
        return server.getProbe(ImapGuiceProbe.class).getImapPort();
    }

    public int pop3Port() {
        return server.getProbe(Pop3GuiceProbe.class).getPop3Port();
    }

    /** The working directory James runs in; its configuration is in {@code conf/} below it. */
    public Path workingDirectory() {
        return workingDirectory;
    }

    public GuiceJamesServer guiceServer() {
        return server;
    }

    public <T extends GuiceProbe> T probe(Class<T> probeClass) {
        return server.getProbe(probeClass);
    }

    public JamesTestServer addDomain(String domain) throws Exception {
        DataProbeImpl data = server.getProbe(DataProbeImpl.class);
        if (!data.containsDomain(domain)) {
            data.addDomain(domain);
        }
        return this;
    }

    /** Adds a user; its domain is added first when James does not know it yet. */
    public JamesTestServer addUser(String address, String password) throws Exception {
        addDomain(address.substring(address.indexOf('@') + 1));
        server.getProbe(DataProbeImpl.class).addUser(address, password);
        return this;
    }

    /** Stops James and deletes its working directory. Safe to call twice. */
    @Override
    public void close() {
        try {
            if (server.isStarted()) {
                server.stop();
            }
        } finally {
            deleteRecursively(workingDirectory);
        }
    }

    private static void deleteRecursively(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What the test wants of its James; everything left out gets the stock default. */
    public static final class Builder {
        private String mailetContainer = LOCAL_DELIVERY_ONLY;
        private final List<String> smtpHandlers = new ArrayList<>();
        private final List<String> pop3Handlers = new ArrayList<>();
        private final List<String> imapPackages = new ArrayList<>();
        private final List<String> listeners = new ArrayList<>();
        private final List<String> extensionModules = new ArrayList<>();
        private final List<Module> guiceModules = new ArrayList<>();
        private final Map<String, String> replacedFiles = new LinkedHashMap<>();
        private boolean validRecipientsOnly = true;
        private final List<String> authorizedAddresses = new ArrayList<>();

        private Builder() {
        }

        /**
         * The whole {@code mailetcontainer.xml}; defaults to {@link #LOCAL_DELIVERY_ONLY}. For
         * several servers in one JVM, say {@code <processors enableJmx="false">}: the
         * processors' MBeans would otherwise collide in the JVM's one MBean server.
         */
        public Builder mailetContainer(String xml) {
            this.mailetContainer = xml;
            return this;
        }

        /** SMTP hooks (fully qualified class names), run before James's core handlers. */
        public Builder smtpHandlers(String... classNames) {
            smtpHandlers.addAll(List.of(classNames));
            return this;
        }

        /**
         * Leaves James's {@code ValidRcptHandler} out of the SMTP chain: mail for an unknown user
         * of a local domain is accepted at RCPT and reaches the mailet container, as with the
         * recipient role of {@code james-conf} (where REJECTED is recorded before the bounce).
         * By default such mail is refused at RCPT, as in the stock James configuration.
         */
        public Builder acceptUnknownLocalRecipients() {
            validRecipientsOnly = false;
            return this;
        }

        /**
         * Networks (e.g. {@code 127.0.0.0/8}) whose clients may relay without AUTH, as a smart
         * host trusts the mail servers it relays for. By default nobody may relay without AUTH.
         */
        public Builder authorizedAddresses(String... networks) {
            authorizedAddresses.addAll(List.of(networks));
            return this;
        }

        /** POP3 command or result handlers, run before James's core handlers. */
        public Builder pop3Handlers(String... classNames) {
            pop3Handlers.addAll(List.of(classNames));
            return this;
        }

        /**
         * The {@code <imapPackages>} of {@code imapserver.xml}, replacing the default
         * {@link #DEFAULT_IMAP_PACKAGE}. A package that replaces a default processor must
         * not be combined with the default package: James keys processors by request class.
         */
        public Builder imapPackages(String... classNames) {
            imapPackages.addAll(List.of(classNames));
            return this;
        }

        /** A mailbox listener of {@code listeners.xml}, run synchronously. */
        public Builder mailboxListener(String className) {
            listeners.add(className);
            return this;
        }

        /** A {@code guice.extension.module} of {@code extensions.properties}. */
        public Builder extensionModule(String className) {
            extensionModules.add(className);
            return this;
        }

        /** A Guice module added to the server itself, for test doubles James should use. */
        public Builder guiceModule(Module module) {
            guiceModules.add(module);
            return this;
        }

        /** Replaces one generated file of {@code conf/} (e.g. {@code "domainlist.xml"}). */
        public Builder configurationFile(String fileName, String content) {
            replacedFiles.put(fileName, content);
            return this;
        }

        /** Writes the configuration and starts James; throws what James threw when it refuses. */
        public JamesTestServer start() throws Exception {
            Path workingDirectory = Files.createTempDirectory("james-test-");
            String instance = workingDirectory.getFileName().toString();
            writeConfiguration(workingDirectory.resolve("conf"), instance);

            MemoryJamesConfiguration configuration = MemoryJamesConfiguration.builder()
                .workingDirectory(workingDirectory.toFile())
                .usersRepository(UsersRepositoryModuleChooser.Implementation.DEFAULT)
                .build();
            GuiceJamesServer server = MemoryJamesServerMain.createServer(configuration)
                .combineWith(guiceModules);

            try {
                server.start();
            } catch (Exception | Error e) {
                new JamesTestServer(server, workingDirectory).close();
                throw e;
            }
            return new JamesTestServer(server, workingDirectory);
        }

        private void writeConfiguration(Path conf, String instance) throws IOException {
            Files.createDirectories(conf);
            Map<String, String> files = new LinkedHashMap<>();
            files.put("mailetcontainer.xml", mailetContainer);
            files.put("smtpserver.xml", JamesConfigurationFiles.smtpServer(instance, smtpHandlers,
                validRecipientsOnly, authorizedAddresses));
            files.put("pop3server.xml", JamesConfigurationFiles.pop3Server(instance, pop3Handlers));
            files.put("imapserver.xml", JamesConfigurationFiles.imapServer(instance,
                imapPackages.isEmpty() ? List.of(DEFAULT_IMAP_PACKAGE) : imapPackages));
            files.put("listeners.xml", JamesConfigurationFiles.listeners(listeners));
            files.put("extensions.properties",
                JamesConfigurationFiles.extensions(extensionModules));
            files.putAll(JamesConfigurationFiles.fixedFiles());
            files.putAll(replacedFiles);

            for (Map.Entry<String, String> file : files.entrySet()) {
                Path path = conf.resolve(file.getKey());
                Files.writeString(path, file.getValue(), StandardCharsets.UTF_8);
            }
        }
    }
}
