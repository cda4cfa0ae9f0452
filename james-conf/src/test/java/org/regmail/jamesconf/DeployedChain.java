package org.regmail.jamesconf;

import static org.regmail.jamesconf.StockDistributionTest.regmail;
import static org.regmail.jamesconf.StockDistributionTest.runDirectory;

import java.math.BigInteger;
import java.nio.file.Path;

import org.regmail.client.demo.Layout;
import org.regmail.client.demo.MailServer;
import org.regmail.contracts.devchain.Anvil;
import org.regmail.core.sending.Deployment;

/**
 * A test class's chain: a fresh anvil with the contracts deployed by {@code regmail deploy},
 * and the role servers set up on it as their administrators would.
 */
final class DeployedChain implements AutoCloseable {
    private static final BigInteger ONE_ETHER = new BigInteger("1000000000000000000");

    final Anvil anvil;
    final Path deploymentFile;
    final Deployment deployment;

    private DeployedChain(Anvil anvil, Path deploymentFile, Deployment deployment) {
        this.anvil = anvil;
        this.deploymentFile = deploymentFile;
        this.deployment = deployment;
    }

    static DeployedChain start() throws Exception {
        Anvil anvil = Anvil.start();
        try {
            Path deploymentFile = runDirectory("chain").resolve("deployment.json");
            regmail(runDirectory("admin"), "deploy", "--rpc-url", anvil.rpcUrl(),
                "--dev-account", "0", "--out", deploymentFile.toString());
            return new DeployedChain(anvil, deploymentFile, Deployment.read(deploymentFile));
        } catch (Exception | AssertionError e) {
            anvil.close();
            throw e;
        }
    }

    /**
     * A role's server with a fresh key, {@code registered-mail.properties} for the deployment
     * (outbox every 200 ms) and one ether for gas; not yet in the directory.
     */
    MailServer server(Layout layout, MailServer.Role role, String domain) throws Exception {
        MailServer server = MailServer.prepare(layout, role, domain,
            runDirectory(role.directoryName()));
        server.configure(deployment, 200);
        anvil.setBalance(server.address(), ONE_ETHER);
        return server;
    }

    /** Lists the server in the directory with its own key, and approves it as the admin. */
    void register(MailServer server) {
        Path admin = runDirectory("admin");
        regmail(admin, "server", "register", "--domain", server.domain(), "--keystore",
            server.keystore().toString(), "--password-file", server.passwordFile().toString(),
            "--deployment", deploymentFile.toString());
        regmail(admin, "server", "approve", server.domain(), "--dev-account", "0",
            "--deployment", deploymentFile.toString());
    }

    @Override
    public void close() {
        anvil.close();
    }
}
