package org.regmail.mailets.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.regmail.core.keys.KeystoreCredentials;
import org.web3j.crypto.Credentials;

/**
 * A test server's {@code registered-mail.properties} text, with the server's V3 keystore and
 * its password file (mode 600) written into a directory of its own, where the store lives too
 * ({@code store.mv.db}). The keystore's password is the test's own; the outbox runs small,
 * fast batches unless told otherwise.
 */
public final class ServerSettingsFiles {
    private ServerSettingsFiles() {
    }

    /** Writes the keystore and password file into {@code dir}; returns the properties' text. */
    public static String write(Path dir, String rpcUrl, long chainId, String master,
                               Credentials server, String domain, String password)
        throws Exception {
        return write(dir, rpcUrl, chainId, master, server, domain, password, 20, 200);
    }

    /** The same, with the outbox's batch size and interval (ms). */
    public static String write(Path dir, String rpcUrl, long chainId, String master,
                               Credentials server, String domain, String password,
                               int batchSize, int intervalMillis) throws Exception {
        Files.createDirectories(dir);
        Path keystore = KeystoreCredentials.create(server.getEcKeyPair(), password, dir);
        Path passwordFile = dir.resolve("password");
        Files.writeString(passwordFile, password + "\n");
        Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
        return String.join("\n",
            "chain.rpc-url=" + rpcUrl,
            "chain.id=" + chainId,
            "chain.master=" + master,
            "server.domain=" + domain,
            "server.keystore=" + keystore,
            "server.password-file=" + passwordFile,
            "outbox.batch-size=" + batchSize,
            "outbox.interval-ms=" + intervalMillis,
            "store.path=" + dir.resolve("store"),
            "");
    }
}
