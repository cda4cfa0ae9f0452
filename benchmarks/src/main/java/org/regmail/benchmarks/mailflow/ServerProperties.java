package org.regmail.benchmarks.mailflow;

import java.nio.file.Files;
import java.nio.file.Path;

import org.regmail.benchmarks.BenchChain;
import org.regmail.contracts.devchain.Anvil;
import org.regmail.mailets.testing.JamesTestServer;
import org.regmail.mailets.testing.ServerSettingsFiles;
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
        String text = ServerSettingsFiles.write(dir, chain.anvil().rpcUrl(), Anvil.CHAIN_ID,
            chain.deployment().master().getContractAddress(), server, domain, PASSWORD,
            batchSize, intervalMillis);
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
