package org.regmail.client.commands;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import org.regmail.client.AccountOptions;
import org.regmail.client.ChainOptions;
import org.regmail.client.Chains;
import org.regmail.client.ClientCommand;
import org.regmail.client.ExitCode;
import org.regmail.client.Funds;
import org.regmail.client.RpcUrls;
import org.regmail.client.Progress;
import org.regmail.client.UserError;
import org.regmail.contracts.devchain.DevDeployment;
import org.regmail.contracts.generated.EmailRegistrationMaster;
import org.regmail.core.chain.ChainGateway;
import org.regmail.core.chain.ChainSettings;
import org.regmail.core.sending.Deployment;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Deploys the Master (which deploys the factory and the implementation). */
@Command(name = "deploy", mixinStandardHelpOptions = true,
    description = {"Deploy the contracts and write the deployment file.",
        "The Master deploys the factory and the "
        + "EmailRegistration implementation. The signing account becomes directory admin.",
        "Writes the deployment file (chainId, rpcUrl, master, factory, implementation, block) "
        + "that the other commands and the servers read."})
public final class DeployCommand extends ClientCommand {
    static final String DEFAULT_RPC_URL = "http://127.0.0.1:8545";

    @Mixin
    AccountOptions account;

    @Option(names = "--rpc-url", paramLabel = "URL",
        description = "JSON-RPC endpoint to deploy through (default: $REGMAIL_RPC_URL, else "
            + DEFAULT_RPC_URL + ").")
    String rpcUrl;

    @Option(names = {"--out", "--deployment"}, paramLabel = "FILE",
        description = "Where to write the deployment file (default: $REGMAIL_DEPLOYMENT, else "
            + "deployment.json in the client's home).")
    Path out;

    @Option(names = "--force", description = "Overwrite an existing deployment file.")
    boolean force;

    @Option(names = "--record-overhead-gas", paramLabel = "GAS",
        description = "Gas added to each record's reimbursement (default: ${DEFAULT-VALUE}).")
    BigInteger recordOverheadGas = DevDeployment.RECORD_OVERHEAD_GAS;

    @Option(names = "--transaction-overhead-gas", paramLabel = "GAS",
        description = "A transaction's fixed gas, shared by a batch (default: ${DEFAULT-VALUE}).")
    BigInteger transactionOverheadGas = DevDeployment.TRANSACTION_OVERHEAD_GAS;

    @Override
    public Integer call() throws Exception {
        String url = rpcUrl != null ? RpcUrls.check(rpcUrl, "--rpc-url")
            : context().variable(ChainOptions.RPC_VARIABLE) != null
                ? RpcUrls.check(context().variable(ChainOptions.RPC_VARIABLE),
                    ChainOptions.RPC_VARIABLE) : DEFAULT_RPC_URL;
        Path file = out != null ? out
            : context().variable(ChainOptions.DEPLOYMENT_VARIABLE) != null
                ? Path.of(context().variable(ChainOptions.DEPLOYMENT_VARIABLE))
                : home().resolve(ChainOptions.DEPLOYMENT_FILE);
        if (Files.exists(file) && !force) {
            throw UserError.usage("the deployment file " + file + " exists; give --force to "
                + "replace it or --out to write another");
        }

        long chainId = Chains.chainId(url);
        Credentials admin = account.credentials(context(), home(), chainId);
        try (ChainGateway gateway = ChainGateway.connect(ChainSettings.of(url, chainId, null),
                admin)) {
            Funds.require(gateway, admin.getAddress(), Funds.maxFeePerGas(gateway).multiply(
                BigInteger.valueOf(Funds.DEPLOY_GAS)), "deploying the contracts");
            EmailRegistrationMaster master = Progress.waitFor(err(),
                "deploying the contracts on chain " + chainId,
                () -> gateway.deployMaster(recordOverheadGas, transactionOverheadGas));
            TransactionReceipt receipt = master.getTransactionReceipt().orElseThrow();
            String factory = gateway.read("reading the factory", master.factory());
            String implementation = gateway.read("reading the implementation",
                master.implementation());
            Deployment deployment = new Deployment(chainId, url,
                master.getContractAddress().toLowerCase(Locale.ROOT), factory, implementation,
                receipt.getBlockNumber().longValueExact());
            deployment.write(file);
            out().println("master          " + deployment.master());
            out().println("factory         " + deployment.factory());
            out().println("implementation  " + deployment.implementation());
            out().println("block           " + deployment.block() + " (tx "
                + receipt.getTransactionHash() + ")");
            out().println("directory admin " + admin.getAddress().toLowerCase(Locale.ROOT));
            out().println("deployment file " + file);
            return ExitCode.OK;
        }
    }
}
