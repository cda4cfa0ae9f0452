package org.regmail.client.commands;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import org.regmail.client.AccountOptions;
import org.regmail.client.Amounts;
import org.regmail.client.ChainOptions;
import org.regmail.client.Chains;
import org.regmail.client.ClientCommand;
import org.regmail.client.ExitCode;
import org.regmail.client.InputFiles;
import org.regmail.client.UserError;
import org.regmail.contracts.devchain.Anvil;
import org.regmail.core.chain.ChainException;
import org.regmail.core.chain.ChainGateway;
import org.regmail.core.keys.KeystoreCredentials;
import org.regmail.core.sending.Deployment;
import org.regmail.core.sending.PrivateFiles;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The signing account: create a keystore, show the address and balance. */
@Command(name = "account", mixinStandardHelpOptions = true,
    description = "Create the signing account's keystore, or show its address and balance.",
    subcommands = {AccountCommand.New.class, AccountCommand.Show.class})
public final class AccountCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
            "name a subcommand: new or show");
    }

    @Command(name = "new", mixinStandardHelpOptions = true,
        description = "Create a V3 keystore (mode 600) with a new key, or with a dev key of the "
            + "local chain for experiments.")
    static final class New extends ClientCommand {
        @Option(names = "--keystore", paramLabel = "FILE",
            description = "Where to write it (default: keystore.json in the client's home).")
        Path keystore;

        @Option(names = "--password-file", required = true, paramLabel = "FILE",
            description = "File (mode 600) whose first line is the new keystore's password.")
        Path passwordFile;

        @Option(names = "--import-dev", paramLabel = "N",
            description = "Store anvil dev account N (0-9) instead of a new key. Its key is "
                + "public knowledge: local chain only.")
        Integer importDev;

        @Override
        public Integer call() throws Exception {
            Path file = keystore != null ? keystore
                : home().resolve(AccountOptions.KEYSTORE_FILE);
            if (Files.exists(file)) {
                throw UserError.usage("the keystore " + file + " exists; remove it first or name "
                    + "another with --keystore");
            }
            String password = InputFiles.password(passwordFile);
            ECKeyPair keys;
            if (importDev != null) {
                if (importDev < 0 || importDev >= Anvil.DEV_ACCOUNTS) {
                    throw UserError.usage("--import-dev must be 0 to " + (Anvil.DEV_ACCOUNTS - 1));
                }
                keys = Anvil.devAccount(importDev).getEcKeyPair();
            } else {
                keys = Keys.createEcKeyPair();
            }
            Path parent = file.toAbsolutePath().getParent();
            PrivateFiles.directory(parent);
            Path staging = Files.createTempDirectory(parent, ".keystore");
            try {
                Path written = KeystoreCredentials.create(keys, password, staging);
                Files.move(written, file);
            } finally {
                try (var left = Files.list(staging)) {
                    for (Path p : left.toList()) {
                        Files.deleteIfExists(p);
                    }
                }
                Files.deleteIfExists(staging);
            }
            out().println("account " + Credentials.create(keys).getAddress()
                + " written to " + file);
            return ExitCode.OK;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
        description = "Show the signing account's address and, with a deployment, its balance.")
    static final class Show extends ClientCommand {
        @Mixin
        ChainOptions chain;
        @Mixin
        AccountOptions account;

        @Override
        public Integer call() throws Exception {
            Deployment deployment = chain.deployment(context(), home());
            Credentials credentials = account.credentials(context(), home(),
                deployment.chainId());
            out().println("account " + credentials.getAddress().toLowerCase(Locale.ROOT));
            try (ChainGateway gateway = Chains.connect(deployment, credentials)) {
                out().println("balance " + Amounts.ether(gateway.balanceOf(
                    credentials.getAddress())) + " on chain " + deployment.chainId());
                return ExitCode.OK;
            } catch (ChainException e) {
                if (e.isUnreachable()) {
                    out().println("balance unknown: the node does not answer");
                }
                throw e;
            }
        }
    }
}
