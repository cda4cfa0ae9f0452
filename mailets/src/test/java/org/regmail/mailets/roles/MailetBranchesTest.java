package org.regmail.mailets.roles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Properties;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.regmail.contracts.devchain.Anvil;
import org.regmail.contracts.devchain.DevDeployment;
import org.regmail.core.envelope.RegisteredMailHeader;
import org.regmail.core.envelope.RegistrationEnvelope;
import org.regmail.core.keys.KeystoreCredentials;
import org.regmail.core.store.DeferredCheck;
import org.regmail.mailets.HasRegisteredMailHeader;
import org.regmail.mailets.RecordDelivery;
import org.regmail.mailets.RecordHandOff;
import org.regmail.mailets.RecordSubmission;
import org.regmail.mailets.RegisteredMailMetrics;
import org.regmail.mailets.RegisteredMailRuntime;
import org.web3j.crypto.Credentials;

/**
 * Every branch of the matcher and the sender's and recipient's mailets that needs no chain:
 * the node behind them points at a port where nothing answers, as when the chain is down.
 */
class MailetBranchesTest {
    static final Credentials SENDER_SERVER = Anvil.devAccount(1);
    static final AttributeName HANDLED = AttributeName.of("org.regmail.handled");

    @TempDir
    static Path dir;
    static Path configuration;
    static RecordSubmission submission;
    static RecordHandOff handOff;
    static RecordDelivery delivery;

    @BeforeAll
    static void configure() throws Exception {
        Path keystore = KeystoreCredentials.create(SENDER_SERVER.getEcKeyPair(), "pw-branches",
            dir.resolve("keys"));
        Path password = dir.resolve("password");
        Files.writeString(password, "pw-branches");
        Files.setPosixFilePermissions(password, PosixFilePermissions.fromString("rw-------"));
        Properties p = new Properties();
        p.setProperty("chain.rpc-url", "http://127.0.0.1:1");
        p.setProperty("chain.id", "31337");
        p.setProperty("chain.master", "0x5FbDB2315678afecb367f032d93F642f64180aa3");
        p.setProperty("server.domain", "sender.example");
        p.setProperty("server.keystore", keystore.toString());
        p.setProperty("server.password-file", password.toString());
        p.setProperty("store.path", dir.resolve("store").toString());
        configuration = dir.resolve("registered-mail.properties");
        try (var out = Files.newOutputStream(configuration)) {
            p.store(out, null);
        }
        submission = new RecordSubmission(null);
        submission.init(config("submission"));
        handOff = new RecordHandOff(null);
        handOff.init(config("hand-off"));
        delivery = new RecordDelivery(null, null, null, null);
        delivery.init(config("delivery"));
    }

    @AfterAll
    static void stop() {
        RegisteredMailRuntime.stopAll();
    }

    static FakeMailetConfig config(String name) {
        return FakeMailetConfig.builder().mailetName(name)
            .mailetContext(FakeMailContext.defaultContext())
            .setProperty("configuration", configuration.toString()).build();
    }

    static FakeMail mail(String header) throws Exception {
        MimeMessage message = new MimeMessage(javax.mail.Session.getInstance(new Properties()));
        message.setFrom("alice@sender.example");
        message.setRecipients(MimeMessage.RecipientType.TO, "bob@recipient.example");
        message.setSubject("Contract");
        message.setText("Terms.");
        if (header != null) {
            message.setHeader(RegisteredMailHeader.NAME, header);
        }
        message.saveChanges();
        return FakeMail.builder().name("m-" + System.nanoTime()).mimeMessage(message)
            .recipients("bob@recipient.example").build();
    }

    static String sealedFor(Credentials server) throws Exception {
        RegistrationEnvelope envelope = RegistrationEnvelope.sign(31337,
            "0x00000000000000000000000000000000000000aa", new byte[32], new byte[32], List.of(0),
            new byte[32], Anvil.devAccount(4).getEcKeyPair());
        return RegisteredMailHeader.seal(envelope, DevDeployment.publicKey(server));
    }

    @Test
    void shouldMatchOnlyUnhandledMailsWithTheHeader() throws Exception {
        HasRegisteredMailHeader matcher = new HasRegisteredMailHeader();
        matcher.init(FakeMatcherConfig.builder().matcherName("HasRegisteredMailHeader")
            .mailetContext(FakeMailContext.defaultContext()).build());
        FakeMail handled = mail("v1; x");
        handled.setAttribute(new Attribute(HANDLED, AttributeValue.of(true)));

        assertThat(matcher.match(mail(null))).isNull();
        assertThat(matcher.match(mail("v1; x"))).hasSize(1);
        assertThat(matcher.match(handled)).isNull();
    }

    @Test
    void shouldLetGarbageGoOnAsOrdinaryMailWithoutTheHeader() throws Exception {
        for (String hostile : List.of("garbage", "v1; ", "v9; QUJD", "v1; " + "A".repeat(5000),
            "v1; Ünïcödé")) {
            FakeMail mail = mail(hostile);

            submission.service(mail);

            assertThat(mail.getMessage().getHeader(RegisteredMailHeader.NAME)).as(hostile).isNull();
            assertThat(mail.getState()).isNotEqualTo(Mail.GHOST);
            assertThat(mail.getAttribute(HANDLED)).isPresent();
        }
    }

    @Test
    void shouldRemoveEveryCopyOfADuplicatedHeader() throws Exception {
        FakeMail mail = mail("garbage");
        mail.getMessage().addHeader(RegisteredMailHeader.NAME, sealedFor(SENDER_SERVER));
        mail.getMessage().saveChanges();

        submission.service(mail);

        assertThat(mail.getMessage().getHeader(RegisteredMailHeader.NAME)).isNull();
        assertThat(mail.getState()).isNotEqualTo(Mail.GHOST);
    }

    @Test
    void shouldRemoveHeaderSealedForAnotherServer() throws Exception {
        FakeMail mail = mail(sealedFor(Anvil.devAccount(2)));
        long before = RegisteredMailMetrics.get("ordinary.NOT_FOR_THIS_SERVER");

        submission.service(mail);

        assertThat(mail.getMessage().getHeader(RegisteredMailHeader.NAME)).isNull();
        assertThat(RegisteredMailMetrics.get("ordinary.NOT_FOR_THIS_SERVER")).isEqualTo(before + 1);
    }

    @Test
    void shouldSendOnAndDeferTheCheckWhenTheChainIsDown() throws Exception {
        FakeMail mail = mail(sealedFor(SENDER_SERVER));
        long before = RegisteredMailMetrics.get("deferred");

        submission.service(mail);
        handOff.service(mail);

        assertThat(RegisteredMailMetrics.get("deferred")).isEqualTo(before + 1);
        assertThat(mail.getState()).isNotEqualTo(Mail.GHOST);
        assertThat(mail.getAttribute(AttributeName.of("org.regmail.deferred-header"))).isPresent();
        assertThat(RegisteredMailRuntime.node(null, configuration.toString()).store()
            .deferredChecks(100)).extracting(DeferredCheck::kind)
            .contains(DeferredCheck.Kind.SUBMISSION, DeferredCheck.Kind.HAND_OFF);
    }

    @Test
    void shouldIgnoreOrdinaryMailAtHandOff() throws Exception {
        int deferredBefore = RegisteredMailRuntime.node(null, configuration.toString()).store()
            .deferredChecks(100).size();

        handOff.service(mail(null));

        assertThat(RegisteredMailRuntime.node(null, configuration.toString()).store()
            .deferredChecks(100)).hasSize(deferredBefore);
    }

    @Test
    void shouldLeaveHeaderForTheNextHopWhenNoRecipientIsLocal() throws Exception {
        String header = sealedFor(Anvil.devAccount(2));
        FakeMail passingThrough = mail(header);

        delivery.service(passingThrough);

        assertThat(passingThrough.getMessage().getHeader(RegisteredMailHeader.NAME))
            .containsExactly(header);
    }

    @Test
    void shouldStopJamesAtStartWhenTheConfigurationIsMissing() {
        RecordSubmission misconfigured = new RecordSubmission(null);

        assertThatThrownBy(() -> misconfigured.init(FakeMailetConfig.builder()
            .mailetName("submission").mailetContext(FakeMailContext.defaultContext())
            .setProperty("configuration", dir.resolve("missing.properties").toString()).build()))
            .isInstanceOf(MessagingException.class)
            .hasMessageContaining("init parameter 'configuration'")
            .hasMessageContaining("missing.properties");
    }
}
