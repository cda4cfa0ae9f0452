package org.regmail.mailets.roles;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Properties;

import javax.mail.internet.MimeMessage;

import org.apache.mailet.AttributeName;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.regmail.contracts.devchain.Anvil;
import org.regmail.contracts.devchain.DevDeployment;
import org.regmail.core.envelope.RegisteredMailHeader;
import org.regmail.core.envelope.RegistrationEnvelope;
import org.regmail.core.keys.KeystoreCredentials;
import org.regmail.mailets.RecordRelay;
import org.regmail.mailets.RegisteredMailMetrics;
import org.regmail.mailets.RegisteredMailRuntime;

/**
 * The relay's decisions that need no chain (its node points at a port where nothing answers):
 * a header sealed for another server passes on untouched, garbage is removed.
 */
class RecordRelayTest {
    @TempDir
    static Path dir;
    static RecordRelay relay;

    @BeforeAll
    static void configure() throws Exception {
        Path keystore = KeystoreCredentials.create(Anvil.devAccount(3).getEcKeyPair(), "pw-relay",
            dir.resolve("keys"));
        Path password = dir.resolve("password");
        Files.writeString(password, "pw-relay");
        Files.setPosixFilePermissions(password, PosixFilePermissions.fromString("rw-------"));
        Properties p = new Properties();
        p.setProperty("chain.rpc-url", "http://127.0.0.1:1");
        p.setProperty("chain.id", "31337");
        p.setProperty("chain.master", "0x5FbDB2315678afecb367f032d93F642f64180aa3");
        p.setProperty("server.domain", "relay.example");
        p.setProperty("server.keystore", keystore.toString());
        p.setProperty("server.password-file", password.toString());
        p.setProperty("store.path", dir.resolve("store").toString());
        Path file = dir.resolve("registered-mail.properties");
        try (var out = Files.newOutputStream(file)) {
            p.store(out, null);
        }
        relay = new RecordRelay(null);
        relay.init(FakeMailetConfig.builder().mailetName("relay")
            .mailetContext(FakeMailContext.defaultContext())
            .setProperty("configuration", file.toString()).build());
    }

    @AfterAll
    static void stop() {
        RegisteredMailRuntime.stopAll();
    }

    static FakeMail mailWithHeader(String value) throws Exception {
        MimeMessage message = new MimeMessage(javax.mail.Session.getInstance(new Properties()));
        message.setFrom("alice@sender.example");
        message.setRecipients(MimeMessage.RecipientType.TO, "bob@recipient.example");
        message.setSubject("Contract");
        message.setText("Terms.");
        message.setHeader(RegisteredMailHeader.NAME, value);
        message.saveChanges();
        return FakeMail.builder().name("m-" + System.nanoTime()).mimeMessage(message)
            .recipients("bob@recipient.example").build();
    }

    @Test
    void shouldPassOnUntouchedAHeaderSealedForAnotherServer() throws Exception {
        RegistrationEnvelope envelope = RegistrationEnvelope.sign(31337,
            "0x00000000000000000000000000000000000000aa", new byte[32], new byte[32], List.of(0),
            new byte[32], Anvil.devAccount(4).getEcKeyPair());
        String forRecipient = RegisteredMailHeader.seal(envelope,
            DevDeployment.publicKey(Anvil.devAccount(2)));
        FakeMail mail = mailWithHeader(forRecipient);
        long before = RegisteredMailMetrics.get("passed-on");

        relay.service(mail);

        assertThat(mail.getMessage().getHeader(RegisteredMailHeader.NAME))
            .containsExactly(forRecipient);
        assertThat(mail.getAttribute(AttributeName.of("org.regmail.handled"))).isPresent();
        assertThat(RegisteredMailMetrics.get("passed-on")).isEqualTo(before + 1);
    }

    @Test
    void shouldRemoveGarbageHeaderAndLetTheMailGoOn() throws Exception {
        FakeMail mail = mailWithHeader("v1; not-base64-at-all!!");
        long before = RegisteredMailMetrics.get("ordinary.INVALID_HEADER");

        relay.service(mail);

        assertThat(mail.getMessage().getHeader(RegisteredMailHeader.NAME)).isNull();
        assertThat(mail.getState()).isNotEqualTo(org.apache.mailet.Mail.GHOST);
        assertThat(RegisteredMailMetrics.get("ordinary.INVALID_HEADER")).isEqualTo(before + 1);
    }
}
