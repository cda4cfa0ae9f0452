package org.regmail.benchmarks.mailflow;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.regmail.benchmarks.BenchChain;
import org.regmail.contracts.devchain.Anvil;
import org.regmail.mailets.testing.JamesTestServer;
import org.regmail.core.keys.KeystoreCredentials;
import org.web3j.crypto.Credentials;

/**
 * A benchmark server's {@code registered-mail.properties}, with its keystore and password file,
 * in a directory of its own; the store lives there too ({@code store.mv.db}).
 */
final class ServerProperties {
    static final String PASSWORD = "secret";

    private ServerProperties() {
    }

    /** Writes the files into {@code dir} and returns the properties' text. */
    static String write(Path dir, BenchChain chain, Credentials server, String domain,
                        int batchSize, int intervalMillis) throws Exception {
        Files.createDirectories(dir);
        Path keystore = KeystoreCredentials.create(server.getEcKeyPair(), PASSWORD, dir);
        Path password = dir.resolve("password");
        Files.writeString(password, PASSWORD + "\n");
        Files.setPosixFilePermissions(password, PosixFilePermissions.fromString("rw-------"));
        String text = String.join("\n",
            "chain.rpc-url=" + chain.anvil().rpcUrl(),
            "chain.id=" + Anvil.CHAIN_ID,
            "chain.master=" + chain.deployment().master().getContractAddress(),
            "server.domain=" + domain,
            "server.keystore=" + keystore,
            "server.password-file=" + password,
            "outbox.batch-size=" + batchSize,
            "outbox.interval-ms=" + intervalMillis,
            "store.path=" + dir.resolve("store"),
            "");
        Files.writeString(file(dir), text);
        return text;
    }

    static Path file(Path dir) {
        return dir.resolve("registered-mail.properties");
    }

    /** The copy James reads: {@code conf/registered-mail.properties} in its working directory. */
    static Path inJames(JamesTestServer james) {
        return james.workingDirectory().resolve("conf").resolve("registered-mail.properties");
    }

    /** The H2 file of the store ({@code store.path} + {@code .mv.db}). */
    static Path storeFile(Path dir) {
        return dir.resolve("store.mv.db");
    }
}
