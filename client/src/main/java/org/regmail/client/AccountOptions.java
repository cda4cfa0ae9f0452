package org.regmail.client;

import java.io.Console;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import org.regmail.contracts.devchain.Anvil;
import org.regmail.core.keys.KeyException;
import org.regmail.core.keys.KeystoreCredentials;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.WalletUtils;
import org.web3j.crypto.exception.CipherException;
import picocli.CommandLine.Option;

/** Which account signs: a V3 keystore and its password, or a dev account of a local chain. */
public final class AccountOptions {
    public static final String KEYSTORE_VARIABLE = "REGMAIL_KEYSTORE";
    public static final String PASSWORD_FILE_VARIABLE = "REGMAIL_PASSWORD_FILE";
    public static final String PASSWORD_VARIABLE = "REGMAIL_PASSWORD";
    public static final String KEYSTORE_FILE = "keystore.json";

    @Option(names = "--keystore", paramLabel = "FILE",
        description = "V3 keystore of the signing account, mode 600 (default: $REGMAIL_KEYSTORE, "
            + "else keystore.json in the client's home).")
    Path keystore;

    @Option(names = "--password-file", paramLabel = "FILE",
        description = "File (mode 600) whose first line is the keystore password (default: "
            + "$REGMAIL_PASSWORD_FILE; else $REGMAIL_PASSWORD holds the password; else it is "
            + "asked on the terminal).")
    Path passwordFile;

    @Option(names = "--dev-account", paramLabel = "N",
        description = "Sign with dev account N (0-9) of the local anvil chain (chain 31337 only).")
    Integer devAccount;

    /**
     * The signing account.
     *
     * @param chainId the chain it will sign for (dev accounts are refused off chain 31337)
     */
    public Credentials credentials(ClientContext context, Path home, long chainId)
        throws KeyException {
        if (devAccount != null) {
            if (chainId != Anvil.CHAIN_ID) {
                throw UserError.usage("--dev-account works on the local chain " + Anvil.CHAIN_ID
                    + " only, not on chain " + chainId + ": give --keystore");
            }
            if (devAccount < 0 || devAccount >= Anvil.DEV_ACCOUNTS) {
                throw UserError.usage("--dev-account must be 0 to " + (Anvil.DEV_ACCOUNTS - 1)
                    + ", not " + devAccount);
            }
            return Anvil.devAccount(devAccount);
        }
        Path file = keystoreFile(context, home);
        if (!Files.exists(file)) {
            throw UserError.usage("there is no keystore " + file + "; create one with 'regmail "
                + "account new' or name one with --keystore");
        }
        Path passwords = passwordFile != null ? passwordFile
            : context.variable(PASSWORD_FILE_VARIABLE) != null
                ? Paths.get(context.variable(PASSWORD_FILE_VARIABLE)) : null;
        if (passwords != null) {
            if (!Files.exists(passwords)) {
                throw UserError.usage("there is no password file " + passwords);
            }
            return KeystoreCredentials.load(file, new KeystoreCredentials.PasswordFile(passwords));
        }
        if (context.variable(PASSWORD_VARIABLE) != null) {
            return KeystoreCredentials.load(file,
                new KeystoreCredentials.PasswordVariable(PASSWORD_VARIABLE));
        }
        Console console = System.console();
        if (console == null) {
            throw UserError.usage("no password for the keystore " + file + ": give "
                + "--password-file or set " + PASSWORD_VARIABLE);
        }
        requirePrivate(file);
        char[] typed = console.readPassword("password for %s: ", file);
        if (typed == null) {
            throw UserError.usage("no password for the keystore " + file);
        }
        try {
            return WalletUtils.loadCredentials(new String(typed), file.toFile());
        } catch (CipherException e) {
            throw new KeyException("wrong password for the keystore " + file);
        } catch (java.io.IOException | RuntimeException e) {
            throw new KeyException("the keystore " + file + " is not a V3 keystore file");
        } finally {
            java.util.Arrays.fill(typed, ' ');
        }
    }

    private static void requirePrivate(Path file) throws KeyException {
        try {
            if (Files.getFileStore(file).supportsFileAttributeView("posix")
                && Files.getPosixFilePermissions(file).stream()
                    .anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
                throw new KeyException("the keystore " + file + " is readable or writable by "
                    + "other users; restrict it to its owner (chmod 600)");
            }
        } catch (java.io.IOException e) {
            throw new KeyException("cannot check the permissions of the keystore " + file);
        }
    }

    public Path keystoreFile(ClientContext context, Path home) {
        if (keystore != null) {
            return keystore;
        }
        String variable = context.variable(KEYSTORE_VARIABLE);
        return variable != null ? Paths.get(variable) : home.resolve(KEYSTORE_FILE);
    }

    public boolean isDevAccount() {
        return devAccount != null;
    }
}
