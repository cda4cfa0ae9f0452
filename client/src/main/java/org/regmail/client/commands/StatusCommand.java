package org.regmail.client.commands;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.regmail.client.Amounts;
import org.regmail.client.ChainOptions;
import org.regmail.client.ClientCommand;
import org.regmail.client.ExitCode;
import org.regmail.client.TrailText;
import org.regmail.core.evidence.RegistrationTrail;
import org.regmail.core.evidence.TrailEvent;
import org.regmail.core.sending.Deployment;
import org.regmail.core.sending.SentMail;
import org.web3j.protocol.Web3j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The trail of a registered mail, per recipient, from the chain. */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = {"Show the trail of a registered mail, per recipient.",
        "What the chain says happened to the mail: per recipient "
        + "(by address, from the local record) each status with its time, block and "
        + "transaction.",
        "Without REGISTRATION, the latest mail sent; --all lists every mail sent."})
public final class StatusCommand extends ClientCommand {
    @Parameters(arity = "0..1", paramLabel = "REGISTRATION",
        description = "Registration address (or an unambiguous prefix).")
    String registration;

    @Option(names = "--all", description = "List every registered mail in the local record.")
    boolean all;

    @Mixin
    ChainOptions chain;

    @Override
    public Integer call() throws Exception {
        if (all) {
            List<SentMail> mails = store().list();
            if (mails.isEmpty()) {
                out().println("no registered mail was sent from " + home());
            }
            Map<Long, Web3j> nodes = new HashMap<>();
            String url = null;
            try {
                url = rpcUrl(chain);
            } catch (Deployment.DeploymentException e) {
                err().println("note: the chain is not read (" + e.getMessage().lines()
                    .findFirst().orElse("") + "); the states are the local record's");
            }
            try {
                for (SentMail mail : mails) {
                    out().println(mail.registration() + "  " + state(mail, url, nodes)
                        + "  chain " + mail.chainId() + "  "
                        + TrailText.count(mail.recipients().size(), "recipient") + "  "
                        + (mail.subject() == null ? "" : mail.subject()));
                }
            } finally {
                nodes.values().forEach(Web3j::shutdown);
            }
            return ExitCode.OK;
        }
        SentMail mail = sentMail(registration);
        String url = rpcUrl(chain);
        Web3j web3j = node(url, mail.chainId());
        try {
            RegistrationTrail trail = trail(web3j, url, mail);
            print(mail, trail);
            return ExitCode.OK;
        } finally {
            web3j.shutdown();
        }
    }

    /**
     * How far the client got in sending the mail, from its local record: in words that cannot
     * be taken for the statuses the servers record on chain.
     */
    static String sending(SentMail.State state) {
        return switch (state) {
            case PREPARED -> "prepared, registration not confirmed";
            case CREATED -> "registered, not handed to the SMTP server";
            case SUBMITTED -> "handed to the SMTP server";
        };
    }

    /**
     * A mail's state for the list: the chain's when it answers, else the local record's
     * followed by why the chain was not read.
     */
    private String state(SentMail mail, String url, Map<Long, Web3j> nodes) {
        if (url == null || mail.state() == SentMail.State.PREPARED) {
            return sending(mail.state());
        }
        try {
            Web3j web3j = nodes.get(mail.chainId());
            if (web3j == null) {
                web3j = node(url, mail.chainId());
                nodes.put(mail.chainId(), web3j);
            }
            return summary(trail(web3j, url, mail));
        } catch (Exception e) {
            return sending(mail.state()) + " (chain not read)";
        }
    }

    /** "every recipient final, escrow withdrawn", "1 of 3 recipients final". */
    static String summary(RegistrationTrail trail) {
        long deadline = trail.facts().deadline();
        long done = trail.recipients().stream()
            .filter(r -> r.isFinal(deadline, trail.readAtTime())).count();
        boolean withdrawn = trail.events().stream()
            .anyMatch(e -> TrailEvent.ESCROW_WITHDRAWN.equals(e.event()));
        int all = trail.recipients().size();
        if (done == all) {
            return "every recipient final"
                + (withdrawn ? ", escrow withdrawn" : "");
        }
        return done + " of " + TrailText.count(all, "recipient") + " final";
    }

    void print(SentMail mail, RegistrationTrail trail) {
        out().println("registered mail " + mail.registration() + " on chain " + mail.chainId()
            + " (" + sending(mail.state()) + "; on chain: " + summary(trail) + ")");
        if (mail.subject() != null) {
            out().println("subject         " + mail.subject());
        }
        TrailEvent created = trail.events().get(0);
        out().println("created         " + Instant.ofEpochSecond(created.timestamp()) + "  block "
            + created.blockNumber() + "  tx " + created.transactionHash());
        out().println("deadline        " + TrailText.deadline(trail.facts().deadline(),
            trail.readAtTime()));
        out().println("escrow          " + Amounts.ether(trail.facts().escrow()) + " deposited");
        TrailText.printRecipients(out(), trail, labels(mail));
        out().println(trail.isFinal() ? "every recipient is final"
            : "not every recipient is final yet");
    }
}
