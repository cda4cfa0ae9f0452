package org.regmail.client;

import java.nio.file.Path;
import java.nio.file.Paths;

import org.regmail.core.sending.Deployment;
import picocli.CommandLine.Option;

/** Which deployment, reached through which node. */
public final class ChainOptions {
    /** Variable naming the deployment file. */
    public static final String DEPLOYMENT_VARIABLE = "REGMAIL_DEPLOYMENT";
    /** Variable naming the node. */
    public static final String RPC_VARIABLE = "REGMAIL_RPC_URL";
    /** Name of the deployment file in the client's home. */
    public static final String DEPLOYMENT_FILE = "deployment.json";

    @Option(names = "--deployment", paramLabel = "FILE",
        description = "Deployment file written by 'regmail deploy' (default: $REGMAIL_DEPLOYMENT, "
            + "else deployment.json in the client's home).")
    Path deployment;

    @Option(names = "--rpc-url", paramLabel = "URL",
        description = "JSON-RPC endpoint of any node of the chain (default: $REGMAIL_RPC_URL, "
            + "else the deployment file's).")
    String rpcUrl;

    /** The deployment file's path. */
    public Path deploymentFile(ClientContext context, Path home) {
        if (deployment != null) {
            return deployment;
        }
        String variable = context.variable(DEPLOYMENT_VARIABLE);
        return variable != null ? Paths.get(variable) : home.resolve(DEPLOYMENT_FILE);
    }

    /** The deployment, reached through {@code --rpc-url} when given. */
    public Deployment deployment(ClientContext context, Path home)
        throws Deployment.DeploymentException {
        Deployment read = Deployment.read(deploymentFile(context, home));
        String url = rpcUrl(context);
        return url == null ? read : read.withRpcUrl(url);
    }

    /** {@code --rpc-url}, else $REGMAIL_RPC_URL, else null. */
    public String rpcUrl(ClientContext context) {
        if (rpcUrl != null) {
            return RpcUrls.check(rpcUrl, "--rpc-url");
        }
        String variable = context.variable(RPC_VARIABLE);
        return variable == null ? null : RpcUrls.check(variable, RPC_VARIABLE);
    }
}
