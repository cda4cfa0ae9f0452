package org.regmail.client;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.regmail.core.chain.ChainException;
import org.regmail.core.evidence.RegistrationTrail;
import org.regmail.core.evidence.TrailException;
import org.regmail.core.evidence.TrailReader;
import org.regmail.core.sending.Deployment;
import org.regmail.core.sending.SentMail;
import org.web3j.protocol.Web3j;
import org.regmail.core.sending.SentMailStore;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** What every command shares: the client's home, the output streams, the local record. */
public abstract class ClientCommand implements Callable<Integer> {
    @Spec
    protected CommandSpec spec;

    @Option(names = "--home", paramLabel = "DIR",
        description = "The client's private directory (default: $REGMAIL_HOME, else ~/.regmail).")
    Path home;

    protected ClientContext context() {
        return ((Regmail) spec.root().userObject()).context();
    }

    protected Path home() {
        return context().home(home);
    }

    protected PrintWriter out() {
        return context().out();
    }

    protected PrintWriter err() {
        return context().err();
    }

    protected SentMailStore store() {
        return new SentMailStore(home());
    }

    /**
     * The local record of a registration (full address or unambiguous prefix), or of the
     * latest mail sent when {@code registration} is null.
     */
    protected SentMail sentMail(String registration) throws java.io.IOException {
        SentMailStore store = store();
        if (registration == null) {
            return store.latest().orElseThrow(() -> UserError.usage("no registered mail was "
                + "sent from " + home() + "; send one with 'regmail send'"));
        }
        if (!registration.matches("(?i)0x[0-9a-f]{1,40}")) {
            throw UserError.usage("'" + registration + "' is not a registration address (0x and "
                + "up to 40 hex digits)");
        }
        return store.find(registration).orElseThrow(() -> UserError.usage("no registered mail "
            + registration.toLowerCase() + " in the local record at " + home()
            + "; 'regmail status --all' lists them"));
    }

    /** The node to use: {@code --rpc-url}, else $REGMAIL_RPC_URL, else the deployment file's. */
    protected String rpcUrl(ChainOptions chain) throws Deployment.DeploymentException {
        String url = chain.rpcUrl(context());
        return url != null ? url : Deployment.read(chain.deploymentFile(context(), home()))
            .rpcUrl();
    }

    /** A client of the node at {@code url}, checked to be on {@code chainId}. */
    protected Web3j node(String url, long chainId) throws ChainException {
        long actual = Chains.chainId(url);
        if (actual != chainId) {
            throw new ChainException("the node at " + url + " is on chain " + actual
                + ", not on chain " + chainId + " of the registration; give --rpc-url of a node "
                + "of chain " + chainId);
        }
        return Chains.web3j(url);
    }

    /**
     * The trail of a sent mail, or a negative answer when it is not on chain. A registration
     * the local record saw mined but the node does not know means a reset chain or another
     * chain's node, not a transaction never mined: that is the chain failing us.
     */
    protected RegistrationTrail trail(Web3j web3j, String url, SentMail mail)
        throws TrailException {
        long from = mail.creationBlock() != null ? mail.creationBlock() : 0;
        requireMaster(web3j, url, mail);
        Optional<RegistrationTrail> trail = new TrailReader(web3j, url).read(mail.master(),
            mail.registration(), from);
        if (trail.isPresent()) {
            return trail.get();
        }
        if (mail.creationBlock() != null || mail.creationTransaction() != null) {
            throw UserError.chain("the node at " + url + " does not know registration "
                + mail.registration() + ", mined"
                + (mail.creationBlock() != null ? " in block " + mail.creationBlock() : "")
                + (mail.creationTransaction() != null ? " by transaction "
                    + mail.creationTransaction() : "") + " according to the local record: the "
                + "chain was reset or the node is another chain's; give --rpc-url of a node of "
                + "the chain it was sent on");
        }
        throw UserError.negative("registration " + mail.registration() + " is not on chain "
            + mail.chainId() + " (state " + mail.state() + "): its transaction was never mined");
    }

    /**
     * Refuses a node without the mail's Master: the chain was reset or is another one, and
     * the registration's absence says nothing about whether its transaction was mined.
     */
    private static void requireMaster(Web3j web3j, String url, SentMail mail)
        throws TrailException {
        String code;
        try {
            code = web3j.ethGetCode(mail.master(),
                org.web3j.protocol.core.DefaultBlockParameterName.LATEST).send().getCode();
        } catch (java.io.IOException e) {
            throw new TrailException("cannot reach the Ethereum node at " + url, true);
        }
        if (code == null || org.web3j.utils.Numeric.cleanHexPrefix(code).isEmpty()) {
            throw UserError.chain("there is no contract at the Master address " + mail.master()
                + " on chain " + mail.chainId() + " at " + url + ": the chain was reset or the "
                + "node is another chain's, so registration " + mail.registration() + " cannot "
                + "be read there; give --rpc-url of a node of the chain it was sent on");
        }
    }

    /** The recipients' labels: "bob@example.org (to)". */
    protected static java.util.Map<Integer, String> labels(SentMail mail) {
        java.util.Map<Integer, String> labels = new java.util.HashMap<>();
        mail.recipients().forEach(r -> labels.put(r.index(), r.address() + " ("
            + TrailText.kind(r.kind()) + ")"));
        return labels;
    }
}
