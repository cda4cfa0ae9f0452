package org.regmail.client.commands;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.regmail.client.ChainOptions;
import org.regmail.client.ClientCommand;
import org.regmail.client.Durations;
import org.regmail.client.ExitCode;
import org.regmail.client.TrailText;
import org.regmail.client.UserError;
import org.regmail.core.evidence.RecipientProgress;
import org.regmail.core.evidence.RegistrationTrail;
import org.regmail.core.evidence.TrailEvent;
import org.regmail.core.sending.SentMail;
import org.web3j.protocol.Web3j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Follows a registered mail live until every recipient is final. */
@Command(name = "watch", mixinStandardHelpOptions = true,
    description = {"Follow a registered mail live until every recipient is final.",
        "Print each new event as the chain records "
        + "it, and end (exit 0) when every recipient is final: read, deleted, rejected or "
        + "expired; downloaded with the deadline passed; or handed off when its domain has "
        + "no server.",
        "With --timeout, end with exit 1 if that time passes first."})
public final class WatchCommand extends ClientCommand {
    @Parameters(arity = "0..1", paramLabel = "REGISTRATION",
        description = "Registration address or prefix (default: the latest mail sent).")
    String registration;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "2s",
        description = "How often to ask the node (default: ${DEFAULT-VALUE}).")
    String interval;

    @Option(names = "--timeout", paramLabel = "DURATION",
        description = "Give up after this long (default: never).")
    String timeout;

    @Mixin
    ChainOptions chain;

    @Override
    public Integer call() throws Exception {
        Duration every = Durations.parse(interval, "--interval");
        Duration limit = timeout == null ? null : Durations.parse(timeout, "--timeout");
        SentMail mail = sentMail(registration);
        String url = rpcUrl(chain);
        Web3j web3j = node(url, mail.chainId());
        Map<Integer, String> labels = labels(mail);
        Set<String> seen = new HashSet<>();
        long start = System.nanoTime();
        try {
            out().println("watching " + mail.registration() + " on chain " + mail.chainId()
                + " through " + url);
            while (true) {
                RegistrationTrail trail = trail(web3j, url, mail);
                for (TrailEvent e : trail.events()) {
                    if (seen.add(e.position())) {
                        out().println(line(e, labels));
                    }
                }
                out().flush();
                if (trail.isFinal()) {
                    out().println("every recipient is final");
                    return ExitCode.OK;
                }
                if (limit != null && Duration.ofNanos(System.nanoTime() - start)
                        .compareTo(limit) >= 0) {
                    throw UserError.negative("not every recipient is final after "
                        + Durations.describe(limit) + ": " + waiting(trail, labels));
                }
                Thread.sleep(every.toMillis());
            }
        } finally {
            web3j.shutdown();
        }
    }

    private static String line(TrailEvent e, Map<Integer, String> labels) {
        String who = e.recipientIndex() == null ? ""
            : "recipient " + e.recipientIndex() + " " + labels.getOrDefault(e.recipientIndex(), "")
                + " ";
        String what = e.status() != null ? e.status().name() : e.event();
        return java.time.Instant.ofEpochSecond(e.timestamp()) + "  " + who + what + "  (block "
            + e.blockNumber() + ", tx " + e.transactionHash() + ")";
    }

    private static String waiting(RegistrationTrail trail, Map<Integer, String> labels) {
        StringBuilder text = new StringBuilder();
        for (RecipientProgress r : trail.recipients()) {
            if (!r.isFinal(trail.facts().deadline(), trail.readAtTime())) {
                if (!text.isEmpty()) {
                    text.append("; ");
                }
                text.append("recipient ").append(r.index()).append(' ')
                    .append(labels.getOrDefault(r.index(), "")).append(' ')
                    .append(TrailText.state(r, trail.facts().deadline(), trail.readAtTime()));
            }
        }
        return text.toString();
    }
}
