package org.regmail.mailets;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Properties;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.regmail.contracts.Status;
import org.regmail.contracts.devchain.Anvil;
import org.regmail.core.keys.KeystoreCredentials;
import org.regmail.core.server.ServerNode;
import org.regmail.core.store.Disposition;
import org.regmail.core.store.OutboxEntry;

/**
 * A recipient acts on a message before the delivery listener linked its mailbox id to the
 * registration: the action is still recorded, through the key the delivery remembered.
 */
class RecipientActionsTest {
    static final String REGISTRATION = "0x00000000000000000000000000000000000000aa";

    @TempDir
    static Path dir;
    static ServerNode node;

    @BeforeAll
    static void configure() throws Exception {
        Path keystore = KeystoreCredentials.create(Anvil.devAccount(2).getEcKeyPair(), "pw-rcpt",
            dir.resolve("keys"));
        Path password = dir.resolve("password");
        Files.writeString(password, "pw-rcpt");
        Files.setPosixFilePermissions(password, PosixFilePermissions.fromString("rw-------"));
        Properties p = new Properties();
        p.setProperty("chain.rpc-url", "http://127.0.0.1:1");
        p.setProperty("chain.id", "31337");
        p.setProperty("chain.master", "0x5FbDB2315678afecb367f032d93F642f64180aa3");
        p.setProperty("server.domain", "recipient.example");
        p.setProperty("server.keystore", keystore.toString());
        p.setProperty("server.password-file", password.toString());
        p.setProperty("store.path", dir.resolve("store").toString());
        Path file = dir.resolve("registered-mail.properties");
        try (var out = Files.newOutputStream(file)) {
            p.store(out, null);
        }
        System.setProperty("regmail.configuration", file.toString());
        node = RegisteredMailRuntime.defaultNode(null);
    }

    @AfterAll
    static void stop() {
        System.clearProperty("regmail.configuration");
        RegisteredMailRuntime.stopAll();
    }

    @Test
    void shouldRecordActionOnMessageNotYetLinkedToItsMailboxId() throws Exception {
        String deliveryKey = RecordDelivery.pendingKey("bob@recipient.example", "<m-1@x>");
        node.store().remember(new Disposition(deliveryKey, "bob@recipient.example", REGISTRATION,
            new byte[32], 0, "0x00000000000000000000000000000000000000bb", Long.MAX_VALUE));

        RecipientActions.record(null, "mailbox-id-7", () -> Optional.of(deliveryKey),
            Status.READ, "test");

        assertThat(node.store().entry(REGISTRATION + "/0/READ")).map(OutboxEntry::state)
            .hasValue(OutboxEntry.State.PENDING);
        assertThat(node.store().disposition(RecipientActions.storedKey("mailbox-id-7")))
            .as("linked now").isPresent();
    }

    @Test
    void shouldIgnoreActionsOnOrdinaryMail() throws Exception {
        RecipientActions.record(null, "mailbox-id-8",
            () -> Optional.of(RecordDelivery.pendingKey("bob@recipient.example", "<plain@x>")),
            Status.READ, "test");

        assertThat(node.store().disposition(RecipientActions.storedKey("mailbox-id-8"))).isEmpty();
    }
}
