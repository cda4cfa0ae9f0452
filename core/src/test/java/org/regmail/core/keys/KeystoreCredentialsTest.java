package org.regmail.core.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;

class KeystoreCredentialsTest {
    static final String PASSWORD = "correct horse battery staple";

    @TempDir
    Path dir;

    Path passwordFile(String content, String permissions) throws Exception {
        Path file = dir.resolve("password");
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
        return file;
    }

    @Test
    void shouldLoadKeystoreWithPasswordFromFile() throws Exception {
        ECKeyPair keys = Keys.createEcKeyPair();
        Path keystore = KeystoreCredentials.create(keys, PASSWORD, dir.resolve("keys"));

        Credentials loaded = KeystoreCredentials.load(keystore,
            new KeystoreCredentials.PasswordFile(passwordFile(PASSWORD + "\n", "rw-------")));

        assertThat(loaded.getEcKeyPair().getPrivateKey()).isEqualTo(keys.getPrivateKey());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keystore)))
            .isEqualTo("rw-------");
    }

    @Test
    void shouldRefuseWorldReadableKeystore() throws Exception {
        Path keystore = KeystoreCredentials.create(Keys.createEcKeyPair(), PASSWORD,
            dir.resolve("k"));
        Files.setPosixFilePermissions(keystore, PosixFilePermissions.fromString("rw-r--r--"));

        assertThatThrownBy(() -> KeystoreCredentials.load(keystore,
            new KeystoreCredentials.PasswordFile(passwordFile(PASSWORD, "rw-------"))))
            .isInstanceOf(KeyException.class)
            .hasMessageContaining("is readable or writable by other users");
    }

    @Test
    void shouldRefuseGroupReadablePasswordFile() throws Exception {
        Path keystore = KeystoreCredentials.create(Keys.createEcKeyPair(), PASSWORD,
            dir.resolve("k"));

        assertThatThrownBy(() -> KeystoreCredentials.load(keystore,
            new KeystoreCredentials.PasswordFile(passwordFile(PASSWORD, "rw-r-----"))))
            .hasMessageContaining("password file");
    }

    @Test
    void shouldSayWrongPasswordWithoutRevealingIt() throws Exception {
        Path keystore = KeystoreCredentials.create(Keys.createEcKeyPair(), PASSWORD,
            dir.resolve("k"));

        assertThatThrownBy(() -> KeystoreCredentials.load(keystore,
            new KeystoreCredentials.PasswordFile(passwordFile("guess-1234", "rw-------"))))
            .hasMessageStartingWith("wrong password for the keystore")
            .hasMessageNotContaining("guess-1234");
    }

    @Test
    void shouldNameMissingEnvironmentVariable() {
        assertThatThrownBy(() -> new KeystoreCredentials.PasswordVariable(
            "REGMAIL_TEST_SURELY_UNSET_VARIABLE").read())
            .hasMessage("the environment variable REGMAIL_TEST_SURELY_UNSET_VARIABLE holding the "
                + "keystore password is not set");
    }

    @Test
    void shouldRefuseFileThatIsNotKeystore() throws Exception {
        Path notKeystore = dir.resolve("notes.json");
        Files.writeString(notKeystore, "{\"hello\": 1}");
        Files.setPosixFilePermissions(notKeystore, PosixFilePermissions.fromString("rw-------"));

        assertThatThrownBy(() -> KeystoreCredentials.load(notKeystore,
            new KeystoreCredentials.PasswordFile(passwordFile(PASSWORD, "rw-------"))))
            .hasMessageContaining("is not a V3 keystore file");
    }
}
