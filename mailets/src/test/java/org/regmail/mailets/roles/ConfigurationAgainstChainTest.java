package org.regmail.mailets.roles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.mail.MessagingException;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.regmail.contracts.devchain.Anvil;
import org.regmail.contracts.devchain.DevDeployment;
import org.regmail.contracts.testing.AnvilExtension;
import org.regmail.core.keys.KeystoreCredentials;
import org.regmail.mailets.RecordSubmission;
import org.regmail.mailets.RegisteredMailRuntime;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.Credentials;

/**
 * {@code registered-mail.properties} checked against a real chain when James starts (a
 * mailet's {@code init}, which stops James when it throws): a node that answers for another
 * chain, or a Master address without a contract, stops James with a message naming the key
 * and both values; a domain the directory does not give to this server's approved account is
 * a warning, and James starts.
 */
class ConfigurationAgainstChainTest {
    @RegisterExtension
    static final AnvilExtension CHAIN = AnvilExtension.shared();

    static final Credentials APPROVED = Anvil.devAccount(1);
    static final Credentials UNREGISTERED = Anvil.devAccount(2);
    static final Credentials UNAPPROVED = Anvil.devAccount(3);
    static final String PASSWORD = "pw-configuration";

    static DevDeployment deployment;

    @TempDir
    Path dir;
    final List<String> warnings = new CopyOnWriteArrayList<>();
    final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
            if (event.getLevel().isGreaterOrEqual(Level.WARN)) {
                warnings.add(event.getFormattedMessage());
            }
        }
    };

    @BeforeAll
    static void deploy() throws Exception {
        deployment = DevDeployment.deploy(CHAIN.web3j(), Anvil.devAccount(0));
        deployment.registerAndApprove(APPROVED, "sender.example");
        deployment.as(UNAPPROVED).registerServer("waiting.example",
            DevDeployment.publicKey(UNAPPROVED)).send();
    }

    @BeforeEach
    void captureWarnings() {
        appender.start();
        ((Logger) LoggerFactory.getLogger("org.regmail")).addAppender(appender);
    }

    @AfterEach
    void stop() {
        ((Logger) LoggerFactory.getLogger("org.regmail")).detachAppender(appender);
        RegisteredMailRuntime.stopAll();
    }

    @Test
    void shouldStopJamesAtStartWhenTheNodeIsOnAnotherChain() throws Exception {
        Path configuration = configuration(APPROVED, CHAIN.rpcUrl(), "1",
            deployment.master().getContractAddress(), "sender.example");

        assertThatThrownBy(() -> start(configuration))
            .isInstanceOf(MessagingException.class)
            .hasMessageContaining("registered-mail.properties")
            .hasMessageContaining("chain.id is 1, but the node at " + CHAIN.rpcUrl()
                + " is on chain 31337");
    }

    @Test
    void shouldStopJamesAtStartWhenThereIsNoContractAtTheMasterAddress() throws Exception {
        String nowhere = "0x0000000000000000000000000000000000000000";
        Path configuration = configuration(APPROVED, CHAIN.rpcUrl(), "31337", nowhere,
            "sender.example");

        assertThatThrownBy(() -> start(configuration))
            .isInstanceOf(MessagingException.class)
            .hasMessageContaining("registered-mail.properties")
            .hasMessageContaining("chain.master is " + nowhere + ", but chain 31337")
            .hasMessageContaining("has no contract at that address");
    }

    /** The factory's address, for one: code there, but not a Master's. */
    @Test
    void shouldStopJamesAtStartWhenTheMasterAddressHoldsAnotherContract() throws Exception {
        String factory = deployment.master().factory().send();
        Path configuration = configuration(APPROVED, CHAIN.rpcUrl(), "31337", factory,
            "sender.example");

        assertThatThrownBy(() -> start(configuration))
            .isInstanceOf(MessagingException.class)
            .hasMessageContaining("registered-mail.properties")
            .hasMessageContaining("chain.master is " + factory + ", but the contract there on "
                + "chain 31337 is not a registered-mail Master");
    }

    @Test
    void shouldStartAndSayNothingWhenTheNodeIsUnreachable() throws Exception {
        // Nothing can be checked: James starts, mail flows and records wait for the node.
        Path configuration = configuration(APPROVED, "http://127.0.0.1:1", "1",
            "0x0000000000000000000000000000000000000000", "sender.example");

        start(configuration);

        assertThat(warnings).noneMatch(line -> line.contains("server.domain")
            || line.contains("chain.id") || line.contains("chain.master"));
    }

    @Test
    void shouldStartWithoutWarningWhenTheDirectoryGivesTheDomainToThisApprovedServer()
        throws Exception {
        start(configuration(APPROVED, CHAIN.rpcUrl(), "31337",
            deployment.master().getContractAddress(), "sender.example"));

        assertThat(warnings).noneMatch(line -> line.contains("server.domain"));
    }

    @Test
    void shouldStartAndWarnWhenTheDirectoryGivesThisServerAnotherDomain() throws Exception {
        start(configuration(APPROVED, CHAIN.rpcUrl(), "31337",
            deployment.master().getContractAddress(), "other.example"));

        assertThat(warnings).anySatisfy(line -> assertThat(line)
            .contains("server.domain is other.example")
            .contains("gives account " + APPROVED.getAddress().toLowerCase()
                + " the domain sender.example")
            .contains("nobody holds other.example"));
    }

    @Test
    void shouldStartAndWarnWhenTheAccountIsNotRegistered() throws Exception {
        start(configuration(UNREGISTERED, CHAIN.rpcUrl(), "31337",
            deployment.master().getContractAddress(), "sender.example"));

        assertThat(warnings).anySatisfy(line -> assertThat(line)
            .contains("server.domain is sender.example")
            .contains("account " + UNREGISTERED.getAddress().toLowerCase()
                + " is not registered in the Master's directory")
            .contains("sender.example is held by " + APPROVED.getAddress().toLowerCase()
                + " (approved)"));
    }

    @Test
    void shouldStartAndWarnWhenTheAccountIsNotApproved() throws Exception {
        start(configuration(UNAPPROVED, CHAIN.rpcUrl(), "31337",
            deployment.master().getContractAddress(), "waiting.example"));

        assertThat(warnings).anySatisfy(line -> assertThat(line)
            .contains("server.domain is waiting.example")
            .contains("account " + UNAPPROVED.getAddress().toLowerCase())
            .contains("is not approved"));
    }

    /** What James does at start: it initialises the mailet, and stops when init throws. */
    void start(Path configuration) throws MessagingException {
        new RecordSubmission(null).init(FakeMailetConfig.builder().mailetName("submission")
            .mailetContext(FakeMailContext.defaultContext())
            .setProperty("configuration", configuration.toString()).build());
    }

    Path configuration(Credentials server, String rpcUrl, String chainId, String master,
                       String domain) throws Exception {
        Path keystore = KeystoreCredentials.create(server.getEcKeyPair(), PASSWORD,
            Files.createDirectories(dir.resolve("keys")));
        Path password = dir.resolve("password");
        Files.writeString(password, PASSWORD);
        Files.setPosixFilePermissions(password, PosixFilePermissions.fromString("rw-------"));
        Properties p = new Properties();
        p.setProperty("chain.rpc-url", rpcUrl);
        p.setProperty("chain.id", chainId);
        p.setProperty("chain.master", master);
        p.setProperty("server.domain", domain);
        p.setProperty("server.keystore", keystore.toString());
        p.setProperty("server.password-file", password.toString());
        p.setProperty("store.path", dir.resolve("store").toString());
        Path configuration = dir.resolve("registered-mail.properties");
        try (var out = Files.newOutputStream(configuration)) {
            p.store(out, null);
        }
        return configuration;
    }
}
