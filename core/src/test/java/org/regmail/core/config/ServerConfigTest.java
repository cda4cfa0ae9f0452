package org.regmail.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.regmail.core.keys.KeystoreCredentials;

class ServerConfigTest {
    static final Path BASE = Path.of("/etc/james/conf");

    static Properties valid() {
        Properties p = new Properties();
        p.setProperty("chain.rpc-url", "http://127.0.0.1:8545");
        p.setProperty("chain.id", "31337");
        p.setProperty("chain.master", "0x5FbDB2315678afecb367f032d93F642f64180aa3");
        p.setProperty("server.domain", "Sender.Example");
        p.setProperty("server.keystore", "keys/server.json");
        p.setProperty("server.password-file", "keys/password");
        p.setProperty("store.path", "/var/lib/regmail/store");
        return p;
    }

    @Test
    void shouldApplyDefaultsAndResolvePathsAgainstConfigDirectory() throws Exception {
        ServerConfig config = ServerConfig.from(valid(), BASE, "registered-mail.properties");

        assertThat(config.domain()).isEqualTo("sender.example");
        assertThat(config.keystore()).isEqualTo(Path.of("/etc/james/conf/keys/server.json"));
        assertThat(config.password()).isEqualTo(
            new KeystoreCredentials.PasswordFile(Path.of("/etc/james/conf/keys/password")));
        assertThat(config.storePath()).isEqualTo(Path.of("/var/lib/regmail/store"));
        assertThat(config.batchSize()).isEqualTo(50);
        assertThat(config.batchInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.chain().maxFeePerGas()).isEqualTo(BigInteger.valueOf(100_000_000_000L));
        assertThat(config.chain().confirmations()).isEqualTo(1);
    }

    @Test
    void shouldNameMissingKey() {
        Properties p = valid();
        p.remove("chain.master");
        assertThatThrownBy(() -> ServerConfig.from(p, BASE, "registered-mail.properties"))
            .isInstanceOf(ConfigException.class)
            .hasMessage("registered-mail.properties: chain.master is required");
    }

    @Test
    void shouldNameMalformedValues() {
        Properties badAddress = valid();
        badAddress.setProperty("chain.master", "0x1234");
        assertThatThrownBy(() -> ServerConfig.from(badAddress, BASE, "f"))
            .hasMessage("f: chain.master must be a 0x-prefixed 20-byte hex address");

        Properties badBatch = valid();
        badBatch.setProperty("outbox.batch-size", "lots");
        assertThatThrownBy(() -> ServerConfig.from(badBatch, BASE, "f"))
            .hasMessage("f: outbox.batch-size must be a positive whole number, was 'lots'");

        Properties badUrl = valid();
        badUrl.setProperty("chain.rpc-url", "ftp://node");
        assertThatThrownBy(() -> ServerConfig.from(badUrl, BASE, "f"))
            .hasMessage("f: chain.rpc-url must be an http:// or https:// URL");

        Properties tipAboveCap = valid();
        tipAboveCap.setProperty("chain.priority-fee-gwei", "500");
        assertThatThrownBy(() -> ServerConfig.from(tipAboveCap, BASE, "f"))
            .hasMessage("f: chain.priority-fee-gwei exceeds chain.max-fee-gwei");
    }

    @Test
    void shouldRefuseConfigurationWithoutPasswordSource() {
        Properties p = valid();
        p.remove("server.password-file");
        assertThatThrownBy(() -> ServerConfig.from(p, BASE, "f"))
            .hasMessageContaining("server.password-file or server.password-env is required");
    }
}
