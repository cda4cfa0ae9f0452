package org.regmail.client.commands;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.regmail.client.ChainOptions;
import org.regmail.client.ClientCommand;
import org.regmail.client.EvidenceReport;
import org.regmail.client.ExitCode;
import org.regmail.client.TrailText;
import org.regmail.client.UserError;
import org.regmail.core.evidence.EvidenceBundle;
import org.regmail.core.evidence.RegistrationTrail;
import org.regmail.core.sending.PrivateFiles;
import org.regmail.core.sending.SentMail;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.utils.Numeric;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Exports the evidence bundle (JSON) and its HTML report. */
@Command(name = "evidence", mixinStandardHelpOptions = true,
    description = {"Export the evidence bundle (JSON) and an HTML report.",
        "The evidence of a registered mail: a JSON bundle (chain id, "
        + "contract addresses, salt, commitments, recipients, every event with block, time, "
        + "transaction and log index; optionally the original message) and an HTML report of "
        + "the same trail.",
        "The bundle holds the salt: give it only to whom the proof is for. Anyone can check it "
        + "with 'regmail verify'."})
public final class EvidenceCommand extends ClientCommand {
    @Parameters(arity = "0..1", paramLabel = "REGISTRATION",
        description = "Registration address or prefix (default: the latest mail sent).")
    String registration;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE",
        description = "Where to write the bundle (default: REGISTRATION.evidence.json here).")
    Path out;

    @Option(names = "--html", paramLabel = "FILE",
        description = "Where to write the HTML report (default: the bundle's name with .html).")
    Path html;

    @Option(names = "--no-html", description = "Write no HTML report.")
    boolean noHtml;

    @Option(names = "--embed-eml", description = "Embed the original message (base64).")
    boolean embedEml;

    @Option(names = "--force", description = "Replace a bundle or report that exists.")
    boolean force;

    @Option(names = "--redact", paramLabel = "ADDRESS|all", split = ",",
        description = "Withhold these recipients' addresses ('all' for every one); their "
            + "commitments stay. Default: disclose all.")
    List<String> redact = new ArrayList<>();

    @Mixin
    ChainOptions chain;

    @Override
    public Integer call() throws Exception {
        SentMail mail = sentMail(registration);
        Path bundleFile = out != null ? out : Path.of(mail.registration() + ".evidence.json");
        Path report = noHtml ? null : html != null ? html : htmlBeside(bundleFile);
        requireWritable(bundleFile);
        if (report != null) {
            requireWritable(report);
        }
        Map<Integer, String> addresses = disclosed(mail);
        byte[] eml = null;
        if (embedEml) {
            eml = store().message(mail.registration()).orElseThrow(() -> UserError.usage(
                "the message of " + mail.registration() + " is missing from " + home()));
        }
        String url = rpcUrl(chain);
        Web3j web3j = node(url, mail.chainId());
        try {
            RegistrationTrail trail = trail(web3j, url, mail);
            EvidenceBundle bundle = EvidenceBundle.of(mail.chainId(), mail.master(),
                callAddress(web3j, mail.master(), "factory"),
                callAddress(web3j, mail.master(), "implementation"), trail, mail.saltBytes(),
                Numeric.hexStringToByteArray(mail.contentHash()), addresses, eml);
            PrivateFiles.write(bundleFile, bundle.toJson().getBytes(StandardCharsets.UTF_8));
            out().println("evidence of " + mail.registration() + " written to " + bundleFile
                + " (" + TrailText.count(bundle.events().size(), "event") + " up to block "
                + bundle.exportedAtBlock() + ", " + addresses.size() + " of "
                + TrailText.count(mail.recipients().size(), "address", "addresses")
                + " disclosed" + (eml == null ? "" : ", message embedded") + ")");
            if (report != null) {
                PrivateFiles.write(report, EvidenceReport.html(bundle,
                    bundleFile.getFileName().toString()).getBytes(StandardCharsets.UTF_8));
                out().println("report written to " + report);
            }
            return ExitCode.OK;
        } finally {
            web3j.shutdown();
        }
    }

    /**
     * A bundle is proof someone may rely on: an existing one (perhaps with the message
     * embedded) is replaced only when asked, and a mistyped directory is not created.
     */
    private void requireWritable(Path file) throws UserError {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw UserError.usage("there is no directory " + parent + " to write " + file
                + " in; create it or name another file (nothing written)");
        }
        if (Files.exists(file) && !force) {
            throw UserError.usage(file + " exists; give --force to replace it, or -o / --html "
                + "to write another file (nothing written)");
        }
    }

    private Map<Integer, String> disclosed(SentMail mail) {
        boolean all = redact.stream().anyMatch(r -> r.trim().equalsIgnoreCase("all"));
        Map<Integer, String> addresses = new HashMap<>();
        List<String> unknown = new ArrayList<>();
        for (String r : redact) {
            if (!r.trim().equalsIgnoreCase("all") && mail.recipient(r).isEmpty()) {
                unknown.add(r.trim());
            }
        }
        if (!unknown.isEmpty()) {
            throw UserError.usage("--redact names " + String.join(", ", unknown) + ", not a "
                + "recipient of " + mail.registration());
        }
        if (all) {
            return addresses;
        }
        for (SentMail.SentRecipient r : mail.recipients()) {
            boolean hidden = redact.stream()
                .anyMatch(x -> x.trim().toLowerCase(Locale.ROOT).equals(r.address()));
            if (!hidden) {
                addresses.put(r.index(), r.address());
            }
        }
        return addresses;
    }

    private static Path htmlBeside(Path bundle) {
        String name = bundle.getFileName().toString();
        String base = name.endsWith(".json") ? name.substring(0, name.length() - 5) : name;
        Path parent = bundle.toAbsolutePath().getParent();
        return parent.resolve(base + ".html");
    }

    static String callAddress(Web3j web3j, String contract, String function) throws Exception {
        Function call = new Function(function, List.of(),
            List.of(new TypeReference<Address>() { }));
        String answer = web3j.ethCall(Transaction.createEthCallTransaction(null, contract,
            FunctionEncoder.encode(call)), DefaultBlockParameterName.LATEST).send().getValue();
        List<Type> values = FunctionReturnDecoder.decode(answer, call.getOutputParameters());
        if (values.isEmpty()) {
            throw UserError.chain("the Master " + contract + " did not answer " + function + "()");
        }
        return values.get(0).getValue().toString().toLowerCase(Locale.ROOT);
    }
}
