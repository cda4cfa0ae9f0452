package org.regmail.client.commands;

import java.util.Locale;
import java.util.Optional;

import org.regmail.client.AccountOptions;
import org.regmail.client.ChainOptions;
import org.regmail.client.Chains;
import org.regmail.client.ClientCommand;
import org.regmail.client.ExitCode;
import org.regmail.client.Funds;
import org.regmail.client.Progress;
import org.regmail.client.UserError;
import org.regmail.contracts.devchain.DevDeployment;
import org.regmail.contracts.generated.EmailRegistrationMaster;
import org.regmail.core.chain.ChainGateway;
import org.regmail.core.registration.ServerDirectory;
import org.regmail.core.sending.Deployment;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.RemoteFunctionCall;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The Master's server directory: register, approve, revoke, show. */
@Command(name = "server", mixinStandardHelpOptions = true,
    description = {"Register, approve, revoke or show a mail server in the directory.",
        "A mail server publishes its domain and key, a "
        + "directory admin approves it, anyone looks a domain up."},
    subcommands = {ServerCommand.Register.class, ServerCommand.Approve.class,
        ServerCommand.Revoke.class, ServerCommand.Show.class})
public final class ServerCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
            "name a subcommand: register, approve, revoke or show");
    }

    static String domain(String text) {
        String lower = text.trim().toLowerCase(Locale.ROOT);
        if (!lower.matches("[a-z0-9.-]{1,253}") || lower.startsWith(".") || lower.endsWith(".")) {
            throw UserError.usage("'" + text + "' is not a mail domain (letters, digits, '-' and "
                + "'.', e.g. mail.example.org)");
        }
        return lower;
    }

    /** Resolves DOMAIN-or-ADDRESS to a server address. */
    static String server(ServerDirectory directory, String domainOrAddress) throws Exception {
        if (domainOrAddress.startsWith("0x") || domainOrAddress.startsWith("0X")) {
            if (!domainOrAddress.matches("0[xX][0-9a-fA-F]{40}")) {
                throw UserError.usage("'" + domainOrAddress + "' is not an address (0x and 40 hex "
                    + "digits)");
            }
            return domainOrAddress.toLowerCase(Locale.ROOT);
        }
        String domain = domain(domainOrAddress);
        return directory.lookup(domain).map(ServerDirectory.Entry::server)
            .orElseThrow(() -> UserError.negative("no server is registered for " + domain
                + " in the directory"));
    }

    @Command(name = "register", mixinStandardHelpOptions = true,
        description = "Publish a mail server's domain and public key (signed by the server's "
            + "own key); a directory admin must then approve it.")
    static final class Register extends ClientCommand {
        @Mixin
        ChainOptions chain;
        @Mixin
        AccountOptions account;

        @Option(names = "--domain", required = true, paramLabel = "DOMAIN",
            description = "The mail domain the server receives for, e.g. example.org.")
        String domain;

        @Option(names = "--move",
            description = "Move a server already registered for another domain to this one: it "
                + "stops receiving for the other domain and loses its approval.")
        boolean move;

        @Override
        public Integer call() throws Exception {
            String name = domain(domain);
            Deployment deployment = chain.deployment(context(), home());
            Credentials server = account.credentials(context(), home(), deployment.chainId());
            try (ChainGateway gateway = Chains.connect(deployment, server)) {
                byte[] key = DevDeployment.publicKey(server);
                String address = server.getAddress().toLowerCase(Locale.ROOT);
                var entry = gateway.read("reading the directory",
                    gateway.master().serverInfo(server.getAddress()));
                if (entry.component1().equals(name)) {
                    // Registering again would withdraw the approval and change nothing else:
                    // the key is fixed by the account.
                    out().println("server " + address + " is already registered for " + name
                        + (entry.component3() ? " and approved" : ", awaiting approval")
                        + "; nothing sent");
                    return ExitCode.OK;
                }
                if (!entry.component1().isEmpty() && !move) {
                    throw UserError.usage("server " + address + " is registered for "
                        + entry.component1() + (entry.component3() ? " and approved" : "")
                        + "; registering it for " + name + " would stop it receiving for "
                        + entry.component1() + (entry.component3() ? " and withdraw its "
                            + "approval" : "") + ": give --move to do that, or sign with "
                        + "another key (nothing sent)");
                }
                var call = gateway.master().registerServer(name, key);
                Funds.requireFor(gateway, server.getAddress(), deployment.master(),
                    call.encodeFunctionCall(), Funds.REGISTER_SERVER_GAS, "registering " + name);
                TransactionReceipt receipt = Progress.waitFor(err(), "registering " + name,
                    () -> gateway.execute("registering " + name, call));
                out().println("server " + address + " registered for " + name + " in tx "
                    + receipt.getTransactionHash());
                out().println("public key " + Numeric.toHexString(key));
                if (!entry.component1().isEmpty()) {
                    out().println("it no longer receives for " + entry.component1()
                        + (entry.component3() ? ", and the change withdrew its approval" : ""));
                }
                out().println("awaiting approval: a directory admin runs 'regmail server approve "
                    + name + "'");
                return ExitCode.OK;
            }
        }
    }

    /** One directory admin's decision on one server: approve or revoke. */
    abstract static class AdminDecision extends ClientCommand {
        @Mixin
        ChainOptions chain;
        @Mixin
        AccountOptions account;

        @Parameters(paramLabel = "DOMAIN|ADDRESS", description = "The server's domain or address.")
        String target;

        /** What the decision does, as "approv" or "revok" ("…ing", "…ed"). */
        abstract String stem();

        abstract RemoteFunctionCall<TransactionReceipt> decide(EmailRegistrationMaster master,
                                                               String address);

        /** Whether the decision approves (else it revokes). */
        abstract boolean approves();

        @Override
        public Integer call() throws Exception {
            Deployment deployment = chain.deployment(context(), home());
            Credentials admin = account.credentials(context(), home(), deployment.chainId());
            try (ChainGateway gateway = Chains.connect(deployment, admin)) {
                String address = server(new ServerDirectory(gateway), target);
                var entry = gateway.read("reading the directory",
                    gateway.master().serverInfo(address));
                if (entry.component1().isEmpty()) {
                    throw UserError.negative("no server " + address + " is registered in the "
                        + "directory (nothing sent)");
                }
                if (entry.component3() == approves()) {
                    out().println("server " + address + " (" + entry.component1() + ") is "
                        + (approves() ? "already approved" : "not approved") + "; nothing sent");
                    return ExitCode.OK;
                }
                var call = decide(gateway.master(), address);
                Funds.requireFor(gateway, admin.getAddress(), deployment.master(),
                    call.encodeFunctionCall(), Funds.ADMIN_DECISION_GAS,
                    stem() + "ing server " + address);
                TransactionReceipt receipt = Progress.waitFor(err(), stem() + "ing " + address,
                    () -> gateway.execute(stem() + "ing server " + address,
                        call));
                out().println("server " + address + " " + stem() + "ed in tx "
                    + receipt.getTransactionHash());
                return ExitCode.OK;
            }
        }
    }

    @Command(name = "approve", mixinStandardHelpOptions = true,
        description = "Approve a registered server, as directory admin.")
    static final class Approve extends AdminDecision {
        @Override
        String stem() {
            return "approv";
        }

        @Override
        boolean approves() {
            return true;
        }

        @Override
        RemoteFunctionCall<TransactionReceipt> decide(EmailRegistrationMaster master,
                                                      String address) {
            return master.approveServer(address);
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
        description = "Withdraw a server's approval, as directory admin.")
    static final class Revoke extends AdminDecision {
        @Override
        String stem() {
            return "revok";
        }

        @Override
        boolean approves() {
            return false;
        }

        @Override
        RemoteFunctionCall<TransactionReceipt> decide(EmailRegistrationMaster master,
                                                      String address) {
            return master.revokeServer(address);
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
        description = "Show a domain's directory entry; exit 1 when the domain has none.")
    static final class Show extends ClientCommand {
        @Mixin
        ChainOptions chain;

        @Parameters(paramLabel = "DOMAIN|ADDRESS",
            description = "A mail domain or a server address.")
        String target;

        @Override
        public Integer call() throws Exception {
            Deployment deployment = chain.deployment(context(), home());
            try (ChainGateway gateway = Chains.reader(deployment)) {
                ServerDirectory directory = new ServerDirectory(gateway);
                Optional<ServerDirectory.Entry> entry;
                if (target.startsWith("0x") || target.startsWith("0X")) {
                    entry = directory.lookupServer(server(directory, target));
                } else {
                    entry = directory.lookup(domain(target));
                }
                if (entry.isEmpty()) {
                    throw UserError.negative("no server is registered for " + target
                        + " in the directory");
                }
                ServerDirectory.Entry e = entry.get();
                out().println("domain     " + e.domain());
                out().println("server     " + e.server());
                out().println("public key " + Numeric.toHexString(e.publicKey()));
                out().println("approved   " + (e.approved() ? "yes" : "no"));
                return ExitCode.OK;
            }
        }
    }
}
