package org.regmail.client.commands;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.regmail.client.ChainOptions;
import org.regmail.client.Chains;
import org.regmail.client.ClientCommand;
import org.regmail.client.ExitCode;
import org.regmail.client.RpcUrls;
import org.regmail.client.TrailText;
import org.regmail.client.UserError;
import org.regmail.core.evidence.EvidenceBundle;
import org.regmail.core.evidence.EvidenceFormatException;
import org.regmail.core.evidence.EvidenceVerifier;
import org.regmail.core.evidence.Verdict;
import org.web3j.protocol.Web3j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Verifies an evidence bundle against any node; needs no local state. */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = {"Verify an evidence bundle against any node; exit 1 on any mismatch.",
        "Checks the bundle against any node of its chain, trusting neither "
        + "the sender nor the mail servers: recompute the commitments from the salt (and the "
        + "message, when given or embedded), check the registration is the Master's genuine "
        + "CREATE2 clone, and compare every claimed event with the chain.",
        "Prints a verdict per claim; exits 0 when every claim holds, 1 on any mismatch, 3 "
        + "when the node cannot judge (another chain with the same chain id, or behind the "
        + "export block). Reads no local state."})
public final class VerifyCommand extends ClientCommand {
    static final String DEFAULT_RPC_URL = "http://127.0.0.1:8545";

    @Parameters(paramLabel = "BUNDLE", description = "The evidence bundle (JSON).")
    Path bundleFile;

    @Option(names = "--eml", paramLabel = "FILE",
        description = "The message to check against the content hash (instead of the embedded "
            + "one).")
    Path eml;

    @Option(names = "--rpc-url", paramLabel = "URL",
        description = "JSON-RPC endpoint of any node of the bundle's chain (default: "
            + "$REGMAIL_RPC_URL, else " + DEFAULT_RPC_URL + ", a local node; the node used is "
            + "printed on stderr when not given).")
    String rpcUrl;

    @Override
    public Integer call() throws Exception {
        EvidenceBundle bundle;
        try {
            bundle = EvidenceBundle.fromJson(Files.readAllBytes(bundleFile));
        } catch (NoSuchFileException e) {
            throw UserError.usage("there is no bundle " + bundleFile);
        } catch (EvidenceFormatException e) {
            throw UserError.usage(bundleFile + " is not an evidence bundle: " + e.getMessage());
        }
        byte[] message = null;
        if (eml != null) {
            if (!Files.isReadable(eml)) {
                throw UserError.usage("cannot read the message " + eml);
            }
            message = Files.readAllBytes(eml);
        }
        String variable = context().variable(ChainOptions.RPC_VARIABLE);
        String url = rpcUrl != null ? RpcUrls.check(rpcUrl, "--rpc-url")
            : variable != null ? RpcUrls.check(variable, ChainOptions.RPC_VARIABLE)
            : DEFAULT_RPC_URL;
        if (rpcUrl == null) {
            err().println("using the node at " + url + (variable != null ? " ($"
                + ChainOptions.RPC_VARIABLE + ")" : " (the default; name another with "
                + "--rpc-url)"));
        }

        Web3j web3j = Chains.web3j(url);
        try {
            out().println("verifying " + bundleFile + ": registration " + bundle.registration()
                + " on chain " + bundle.chainId() + ", through " + url);
            Verdict verdict = new EvidenceVerifier(web3j, url).verify(bundle, message);
            for (Verdict.Claim claim : verdict.claims()) {
                out().println(label(claim.outcome()) + claim.subject() + ": " + claim.detail());
            }
            verdict.trail().ifPresent(trail -> {
                Map<Integer, String> labels = new HashMap<>();
                bundle.recipients().stream().filter(r -> r.address() != null)
                    .forEach(r -> labels.put(r.index(), r.address()));
                out().println("trail on chain at block " + trail.readAtBlock() + ":");
                TrailText.printRecipients(out(), trail, labels);
            });
            if (verdict.isValid()) {
                out().println("verdict: VALID — " + TrailText.count(verdict.confirmed(), "claim")
                    + " confirmed, none contradicted");
                return ExitCode.OK;
            }
            out().println("verdict: INVALID — " + verdict.mismatches() + " of "
                + (verdict.confirmed() + verdict.mismatches()) + " claims do not hold");
            return ExitCode.NEGATIVE;
        } finally {
            web3j.shutdown();
        }
    }

    private static String label(Verdict.Outcome outcome) {
        return switch (outcome) {
            case CONFIRMED -> "OK        ";
            case MISMATCH -> "MISMATCH  ";
            case NOTE -> "NOTE      ";
        };
    }
}
