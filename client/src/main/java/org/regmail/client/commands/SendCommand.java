package org.regmail.client.commands;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import org.regmail.client.AccountOptions;
import org.regmail.client.Amounts;
import org.regmail.client.ChainOptions;
import org.regmail.client.Chains;
import org.regmail.client.ClientCommand;
import org.regmail.client.Durations;
import org.regmail.client.ExitCode;
import org.regmail.client.Funds;
import org.regmail.client.InputFiles;
import org.regmail.client.Ports;
import org.regmail.client.Progress;
import org.regmail.client.UserError;
import org.regmail.client.mail.EmlMessage;
import org.regmail.client.mail.MessageComposer;
import org.regmail.client.mail.SmtpSubmission;
import org.regmail.contracts.Status;
import org.regmail.core.chain.ChainGateway;
import org.regmail.core.evidence.RecipientProgress;
import org.regmail.core.evidence.RegistrationTrail;
import org.regmail.core.sending.CostEstimate;
import org.regmail.core.sending.CreatedRegistration;
import org.regmail.core.sending.Deployment;
import org.regmail.core.sending.LocalIds;
import org.regmail.core.sending.RegisteredMessage;
import org.regmail.core.sending.RegistrationCreator;
import org.regmail.core.sending.RegistrationPlan;
import org.regmail.core.sending.RegistrationTerms;
import org.regmail.core.sending.SentMail;
import org.regmail.core.sending.SentMailStore;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Sends one registered mail: compose or take an .eml, register it, submit it over SMTP. */
@Command(name = "send", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Send a registered mail.",
        "Compose it (or take an existing .eml), create its "
        + "registration with the escrow in one transaction, add the Registered-Mail header "
        + "sealed for the sender's server, and submit it over authenticated SMTP.",
        "Bcc recipients are registered (as salted hashes) but never appear in any header.",
        "Prints the registration address; 'regmail status' follows it."})
public final class SendCommand extends ClientCommand {
    static final String SMTP_HOST_VARIABLE = "REGMAIL_SMTP_HOST";
    static final String SMTP_PORT_VARIABLE = "REGMAIL_SMTP_PORT";
    static final String SMTP_PASSWORD_FILE_VARIABLE = "REGMAIL_SMTP_PASSWORD_FILE";

    @Option(names = "--from", paramLabel = "ADDRESS",
        description = "The sender, e.g. 'Alice <alice@example.org>'.")
    String from;

    @Option(names = "--to", split = ",", paramLabel = "ADDRESS", description = "To recipients.")
    List<String> to = new ArrayList<>();

    @Option(names = "--cc", split = ",", paramLabel = "ADDRESS", description = "Cc recipients.")
    List<String> cc = new ArrayList<>();

    @Option(names = "--bcc", split = ",", paramLabel = "ADDRESS",
        description = "Blind recipients: registered, never named in a header.")
    List<String> bcc = new ArrayList<>();

    @Option(names = "--subject", paramLabel = "TEXT", description = "The subject.")
    String subject;

    @ArgGroup(exclusive = true)
    Body body;

    static final class Body {
        @Option(names = "--body", paramLabel = "TEXT", description = "The plain-text body.")
        String text;

        @Option(names = "--body-file", paramLabel = "FILE",
            description = "File holding the plain-text body (UTF-8).")
        Path file;
    }

    @Option(names = "--html-file", paramLabel = "FILE",
        description = "File holding an HTML alternative of the body (UTF-8).")
    Path htmlFile;

    @Option(names = "--attach", paramLabel = "FILE", description = "A file to attach (repeatable).")
    List<Path> attachments = new ArrayList<>();

    @Option(names = "--eml", paramLabel = "FILE",
        description = "Send this existing message instead of composing one: its To and Cc are the "
            + "recipients, a Bcc field is read and removed; --bcc adds blind recipients.")
    Path eml;

    @Option(names = "--server-domain", paramLabel = "DOMAIN",
        description = "Domain whose directory entry is the sender's server (default: the From "
            + "domain).")
    String serverDomain;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "7d",
        description = "How long recipients have before they may expire, at most 10d "
            + "(default: ${DEFAULT-VALUE}).")
    String timeout;

    @Option(names = "--fee-cap", paramLabel = "AMOUNT",
        description = "Highest gas price servers are reimbursed at; a bare number is gwei "
            + "(default: twice the current base fee plus the tip).")
    String feeCap;

    @Option(names = "--escrow", paramLabel = "AMOUNT",
        description = "Escrow paying the servers' records; a bare number is ether (default: "
            + "6 records per recipient with a server, 2 without, 60,000 gas each at the fee cap).")
    String escrow;

    @Option(names = "--smtp-host", paramLabel = "HOST",
        description = "Submission server (default: $REGMAIL_SMTP_HOST, else localhost).")
    String smtpHost;

    @Option(names = "--smtp-port", paramLabel = "PORT", converter = Ports.class,
        description = "Its port (default: $REGMAIL_SMTP_PORT, else 587).")
    Integer smtpPort;

    @Option(names = "--smtp-user", paramLabel = "LOGIN",
        description = "SMTP login (default: the From address when a password is given).")
    String smtpUser;

    @Option(names = "--smtp-password-file", paramLabel = "FILE",
        description = "File (mode 600) holding the SMTP password (default: "
            + "$REGMAIL_SMTP_PASSWORD_FILE; without one, no AUTH).")
    Path smtpPasswordFile;

    @Option(names = "--smtp-starttls", paramLabel = "auto|required|off", defaultValue = "auto",
        description = "STARTTLS when offered, always, or never (default: ${DEFAULT-VALUE}).")
    SmtpSubmission.StartTls startTls;

    @Option(names = "--smtp-ssl-trust", paramLabel = "HOSTS",
        description = "Hosts whose TLS certificate is trusted without a CA ('*' for any): for "
            + "test servers with self-signed certificates.")
    String sslTrust;

    @Option(names = "--dry-run",
        description = "Show the plan and the estimate; create nothing, submit nothing.")
    boolean dryRun;

    @Option(names = "--again",
        description = "Register a message (an --eml) whose Message-ID this client registered "
            + "before, a second time.")
    boolean again;

    @Option(names = "--resubmit", paramLabel = "REGISTRATION",
        description = "Submit again a registered mail whose registration is on chain but whose "
            + "SMTP submission failed.")
    String resubmit;

    @Mixin
    ChainOptions chain;
    @Mixin
    AccountOptions account;

    /** A message ready to register, with its recipients in index order. */
    private record Prepared(byte[] message, String from, List<String> recipients,
                            List<SentMail.Kind> kinds, String messageId, String subject) {
    }

    @Override
    public Integer call() throws Exception {
        if (resubmit != null) {
            return resubmit();
        }
        Duration wait = Durations.parse(timeout, "--timeout");
        RegistrationTerms.checkTimeout(wait);
        SecureRandom random = new SecureRandom();
        Prepared prepared = eml != null ? fromEml(random) : compose(random);
        if (!again) {
            refuseRegisteredBefore(prepared.messageId());
        }
        String senderDomain = serverDomain != null ? serverDomain.toLowerCase(Locale.ROOT)
            : prepared.from().substring(prepared.from().lastIndexOf('@') + 1);

        Deployment deployment = chain.deployment(context(), home());
        Credentials owner = account.credentials(context(), home(), deployment.chainId());
        SmtpSubmission.Settings smtp = smtpSettings(prepared.from());
        if (!dryRun) {
            requireLogin(smtp);
        }
        try (ChainGateway gateway = Chains.connect(deployment, owner)) {
            RegistrationCreator creator = new RegistrationCreator(gateway, owner);
            BigInteger cap = feeCap != null ? Amounts.parse(feeCap, "gwei", "--fee-cap")
                : creator.suggestedFeeCap();
            Instant chainNow = creator.chainTime();
            SentMailStore store = store();
            byte[] localId = LocalIds.localId(Instant.now(), store.nextSequence(), random);
            RegistrationPlan plan = creator.plan(prepared.message(), prepared.recipients(),
                senderDomain, RegistrationTerms.of(wait, chainNow, cap, BigInteger.ZERO), localId,
                LocalIds.salt(random));
            BigInteger deposit = escrow != null ? Amounts.parse(escrow, "ether", "--escrow")
                : RegistrationCreator.suggestedEscrow(plan.recipients(), cap);
            plan = RegistrationCreator.withTerms(plan, RegistrationTerms.of(wait, chainNow, cap,
                deposit));
            describe(plan, prepared.kinds(), wait);
            Funds.require(gateway, owner.getAddress(), deposit.add(Funds.maxFeePerGas(gateway)
                .multiply(BigInteger.valueOf(Funds.CREATE_REGISTRATION_GAS))),
                "creating the registration (gas and escrow)");
            CostEstimate estimate = creator.estimate(plan);
            describe(estimate);
            if (dryRun) {
                out().println("dry run: nothing created, nothing submitted");
                return ExitCode.OK;
            }

            try (SmtpSubmission submission = connectSmtp(smtp)) {
                checkEnvelope(submission, smtp, prepared.recipients(),
                    prepared.message().length);
                Funds.require(gateway, owner.getAddress(), estimate.creationFee()
                    .add(estimate.escrow()), "creating the registration (gas and escrow)");
                SentMail record = SentMail.prepared(plan, prepared.kinds(), prepared.messageId(),
                    prepared.subject());
                store.saveMessage(plan.registration(), plan.message());
                store.save(record);
                RegistrationPlan toCreate = plan;
                CreatedRegistration created = Progress.waitFor(err(),
                    "creating registration " + plan.registration(),
                    () -> creator.create(toCreate));
                record = record.created(created);
                store.save(record);
                out().println("registration    " + plan.registration() + " (block "
                    + created.block() + ", tx " + created.transactionHash() + ")");
                submit(submission, smtp, created.messageToSubmit(), prepared.recipients(),
                    plan.registration());
                store.save(record.submitted(Instant.now().toString()));
            }
            out().println("registered mail " + plan.registration() + " submitted to "
                + smtp.host() + ":" + smtp.port());
            return ExitCode.OK;
        }
    }

    private Integer resubmit() throws Exception {
        SentMail record = sentMail(resubmit);
        if (record.state() == SentMail.State.PREPARED || record.headerValue() == null) {
            throw UserError.usage("registration " + record.registration() + " was never created "
                + "on chain; send the mail again");
        }
        byte[] message = store().message(record.registration()).orElseThrow(() ->
            UserError.usage("the message of " + record.registration() + " is missing from "
                + home()));
        String sender = RegisteredMessage.field(message, "From")
            .map(v -> EmlMessage.addresses(v, "From").get(0)).orElseThrow();
        SmtpSubmission.Settings smtp = smtpSettings(sender);
        requireLogin(smtp);
        List<String> recipients = notYetSubmitted(record);
        try (SmtpSubmission submission = connectSmtp(smtp)) {
            checkEnvelope(submission, smtp, recipients, message.length);
            submit(submission, smtp, RegisteredMessage.withHeader(message, record.headerValue()),
                recipients, record.registration());
        }
        store().save(record.submitted(Instant.now().toString()));
        out().println("registered mail " + record.registration() + " submitted to "
            + smtp.host() + ":" + smtp.port());
        return ExitCode.OK;
    }

    /**
     * The recipients whose SUBMITTED is not on chain: the sender's server records SUBMITTED when
     * it accepts the message, so a recipient that has it already has the mail on its way, and
     * submitting again would deliver a second copy with the same Message-ID.
     */
    private List<String> notYetSubmitted(SentMail record) throws Exception {
        String url = rpcUrl(chain);
        Web3j web3j = node(url, record.chainId());
        RegistrationTrail trail;
        try {
            trail = trail(web3j, url, record);
        } finally {
            web3j.shutdown();
        }
        Map<Integer, String> addresses = new HashMap<>();
        record.recipients().forEach(r -> addresses.put(r.index(), r.address()));
        List<String> waiting = new ArrayList<>();
        List<String> onTheirWay = new ArrayList<>();
        for (RecipientProgress r : trail.recipients()) {
            (r.reached().contains(Status.SUBMITTED) ? onTheirWay : waiting)
                .add(addresses.get(r.index()));
        }
        if (waiting.isEmpty()) {
            throw UserError.usage("registration " + record.registration() + " needs no "
                + "resubmission: the chain already holds SUBMITTED for "
                + (onTheirWay.size() == 1 ? "its recipient" : "all its " + onTheirWay.size()
                    + " recipients")
                + ", so the sender's server took the mail and it is on its way; "
                + "'regmail status " + record.registration() + "' follows it");
        }
        if (!onTheirWay.isEmpty()) {
            err().println("note: SUBMITTED is on chain for " + String.join(", ", onTheirWay)
                + "; resubmitting to " + String.join(", ", waiting) + " only");
        }
        if (record.state() == SentMail.State.SUBMITTED) {
            // Limitation: the sender's server records SUBMITTED in its next batch, so a mail
            // handed over moments ago is not on chain yet; only the user can tell that apart
            // from a submission that was lost.
            err().println("warning: the SMTP server took this mail on " + record.submittedAt()
                + " and SUBMITTED is not on chain yet; its server may still be recording it");
        }
        return waiting;
    }

    /**
     * The same message twice is two registrations, two escrows and two copies in the
     * recipients' mailboxes: most likely a mistake (a script run again), so it takes --again.
     */
    private void refuseRegisteredBefore(String messageId) throws IOException, UserError {
        if (messageId == null) {
            return;
        }
        for (SentMail earlier : store().list()) {
            if (messageId.equals(earlier.messageId()) && earlier.creationBlock() != null) {
                throw UserError.usage("this message (Message-ID " + messageId + ") was "
                    + "registered already, as " + earlier.registration() + " in block "
                    + earlier.creationBlock() + "; 'regmail send --resubmit "
                    + earlier.registration() + "' submits that registration again if its "
                    + "submission failed, --again registers the message a second time "
                    + "(nothing registered)");
            }
        }
    }

    private static void requireLogin(SmtpSubmission.Settings smtp) {
        if (smtp.user() == null) {
            throw UserError.usage("give the SMTP password with --smtp-password-file (or $"
                + SMTP_PASSWORD_FILE_VARIABLE + "): the sender's server records registered mail "
                + "only when it is submitted with a login (nothing was registered)");
        }
    }

    private static void checkEnvelope(SmtpSubmission submission, SmtpSubmission.Settings smtp,
                                      List<String> recipients, long messageSize) {
        try {
            submission.checkEnvelope(recipients, messageSize);
        } catch (SmtpSubmission.EnvelopeRefused e) {
            throw UserError.mail("the SMTP server " + smtp.host() + ":" + smtp.port()
                + " refuses " + e.refused() + " (" + e.response() + "); nothing was registered");
        } catch (MessagingException e) {
            throw UserError.mail("the SMTP server " + smtp.host() + ":" + smtp.port()
                + " dropped the connection while checking the envelope (" + rootMessage(e)
                + "); nothing was registered");
        }
    }

    private Prepared compose(SecureRandom random) throws IOException, MessagingException {
        if (from == null) {
            throw UserError.usage("give the sender with --from, or an existing message with --eml");
        }
        if (to.isEmpty() && cc.isEmpty() && bcc.isEmpty()) {
            throw UserError.usage("give at least one recipient with --to, --cc or --bcc");
        }
        InternetAddress sender = address(from, "--from");
        List<InternetAddress> toAddresses = addresses(to, "--to");
        List<InternetAddress> ccAddresses = addresses(cc, "--cc");
        List<InternetAddress> bccAddresses = addresses(bcc, "--bcc");
        String text = body == null ? "" : body.text != null ? body.text
            : readText(body.file, "--body-file");
        String html = htmlFile == null ? null : readText(htmlFile, "--html-file");
        for (Path attachment : attachments) {
            InputFiles.requireReadable(attachment, "the attachment");
        }
        String messageId = MessageComposer.messageId(sender.getAddress(), random);
        byte[] message = MessageComposer.compose(new MessageComposer.Draft(sender, toAddresses,
            ccAddresses, subject == null ? "" : subject, crlf(text),
            html == null ? null : crlf(html), attachments), Instant.now(), messageId);

        List<String> recipients = new ArrayList<>();
        List<SentMail.Kind> kinds = new ArrayList<>();
        add(recipients, kinds, toAddresses.stream().map(InternetAddress::getAddress).toList(),
            SentMail.Kind.TO);
        add(recipients, kinds, ccAddresses.stream().map(InternetAddress::getAddress).toList(),
            SentMail.Kind.CC);
        add(recipients, kinds, bccAddresses.stream().map(InternetAddress::getAddress).toList(),
            SentMail.Kind.BCC);
        return new Prepared(message, sender.getAddress(), recipients, kinds, messageId,
            subject);
    }

    private Prepared fromEml(SecureRandom random) throws IOException {
        if (from != null || !to.isEmpty() || !cc.isEmpty() || subject != null || body != null
            || htmlFile != null || !attachments.isEmpty()) {
            throw UserError.usage("--eml sends the message as it is: --from, --to, --cc, "
                + "--subject, --body, --html-file and --attach cannot be combined with it");
        }
        InputFiles.requireReadable(eml, "the message");
        EmlMessage message = EmlMessage.prepare(Files.readAllBytes(eml), Instant.now(),
            sender -> MessageComposer.messageId(sender, random));
        List<String> recipients = new ArrayList<>();
        List<SentMail.Kind> kinds = new ArrayList<>();
        add(recipients, kinds, message.to(), SentMail.Kind.TO);
        add(recipients, kinds, message.cc(), SentMail.Kind.CC);
        add(recipients, kinds, message.bcc(), SentMail.Kind.BCC);
        add(recipients, kinds, addresses(bcc, "--bcc").stream()
            .map(InternetAddress::getAddress).toList(), SentMail.Kind.BCC);
        if (recipients.isEmpty()) {
            throw UserError.usage("the message names no recipient (To, Cc or Bcc) and no --bcc "
                + "was given");
        }
        return new Prepared(message.message(), message.from(), recipients, kinds,
            RegisteredMessage.field(message.message(), "Message-ID").orElse(null),
            RegisteredMessage.field(message.message(), "Subject").orElse(null));
    }

    private void describe(RegistrationPlan plan, List<SentMail.Kind> kinds, Duration wait) {
        out().println("sender server   " + plan.senderServer().domain() + " "
            + plan.senderServer().server());
        for (RegistrationPlan.PlannedRecipient r : plan.recipients()) {
            out().println("recipient " + pad(r.index()) + " " + r.address() + " ("
                + kinds.get(r.index()).name().toLowerCase(Locale.ROOT) + ") → "
                + (r.hasServer() ? "server " + r.server() : "no server: its trail ends at "
                    + "HANDED_OFF"));
        }
        plan.warnings().forEach(w -> err().println("warning: " + w));
        out().println("deadline        " + plan.terms().deadline() + " ("
            + RegistrationTerms.format(wait) + " on the chain's clock)");
    }

    private void describe(CostEstimate estimate) {
        out().println("creation        " + estimate.creationGas() + " gas, at most "
            + Amounts.ether(estimate.creationFee()) + " at " + Amounts.gwei(estimate.maxFeePerGas())
            + " per gas");
        out().println("escrow          " + Amounts.ether(estimate.escrow()) + " for about "
            + estimate.expectedRecords() + " records of " + estimate.recordGas() + " gas at a fee "
            + "cap of " + Amounts.gwei(estimate.feeCap()) + " (unused escrow is withdrawn later)");
        if (!estimate.escrowCoversRecords()) {
            err().println("warning: the escrow covers fewer records than expected ("
                + Amounts.ether(estimate.recordsAtCap()) + " needed); servers keep recording but "
                + "are not reimbursed beyond it");
        }
    }

    private SmtpSubmission.Settings smtpSettings(String sender) throws Exception {
        String host = smtpHost != null ? smtpHost
            : context().variable(SMTP_HOST_VARIABLE) != null
                ? context().variable(SMTP_HOST_VARIABLE) : "localhost";
        int port = smtpPort != null ? smtpPort
            : context().variable(SMTP_PORT_VARIABLE) != null
                ? Ports.parse(context().variable(SMTP_PORT_VARIABLE), SMTP_PORT_VARIABLE) : 587;
        Path passwordFile = smtpPasswordFile != null ? smtpPasswordFile
            : context().variable(SMTP_PASSWORD_FILE_VARIABLE) != null
                ? Path.of(context().variable(SMTP_PASSWORD_FILE_VARIABLE)) : null;
        String password = null;
        if (passwordFile != null) {
            password = InputFiles.password(passwordFile);
        }
        String user = password == null ? null : smtpUser != null ? smtpUser : sender;
        return new SmtpSubmission.Settings(host, port, user, password, startTls, sslTrust,
            sender);
    }

    private SmtpSubmission connectSmtp(SmtpSubmission.Settings smtp) {
        try {
            return SmtpSubmission.connect(smtp);
        } catch (jakarta.mail.AuthenticationFailedException e) {
            throw UserError.mail("the SMTP server " + smtp.host() + ":" + smtp.port()
                + " refused the login " + smtp.user() + "; check --smtp-user and "
                + "--smtp-password-file (nothing was registered)");
        } catch (MessagingException e) {
            throw UserError.mail("cannot submit to the SMTP server " + smtp.host() + ":"
                + smtp.port() + " (" + rootMessage(e) + "); " + advice(e, smtp)
                + " (nothing was registered)");
        }
    }

    private void submit(SmtpSubmission submission, SmtpSubmission.Settings smtp, byte[] message,
                        List<String> recipients, String registration) {
        try {
            Progress.waitFor(err(), "submitting to " + smtp.host() + ":" + smtp.port(), () -> {
                submission.submit(message, recipients);
                return null;
            });
        } catch (Exception e) {
            throw UserError.mail("registration " + registration + " is on chain but the SMTP "
                + "server " + smtp.host() + ":" + smtp.port() + " did not take the message ("
                + rootMessage(e) + "); try again with 'regmail send --resubmit "
                + registration + "'");
        }
    }

    private static String advice(MessagingException e, SmtpSubmission.Settings smtp) {
        if (root(e) instanceof java.net.UnknownHostException) {
            return "check --smtp-host";
        }
        String message = String.valueOf(e.getMessage());
        if (message.contains("STARTTLS")) {
            return smtp.startTls() == SmtpSubmission.StartTls.REQUIRED
                ? "the server does not offer STARTTLS: give --smtp-starttls auto (or off) to "
                    + "submit without it"
                : "check --smtp-starttls and --smtp-ssl-trust";
        }
        return "check --smtp-host and --smtp-port";
    }

    private static Throwable root(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    /** Why a connection failed, in words and without Java class names. */
    private static String rootMessage(Throwable e) {
        Throwable t = root(e);
        if (t instanceof java.net.UnknownHostException) {
            return "unknown host " + t.getMessage();
        }
        if (t instanceof java.net.ConnectException) {
            return "connection refused";
        }
        if (t instanceof java.net.SocketTimeoutException) {
            return "no answer in time";
        }
        if (t instanceof javax.net.ssl.SSLException) {
            return "TLS failed: " + String.valueOf(t.getMessage()).lines().findFirst()
                .orElse("").trim();
        }
        String message = t.getMessage() == null ? "no reason given" : t.getMessage();
        return message.lines().findFirst().orElse("").trim();
    }

    private static void add(List<String> recipients, List<SentMail.Kind> kinds,
                            List<String> addresses, SentMail.Kind kind) {
        for (String address : addresses) {
            recipients.add(address);
            kinds.add(kind);
        }
    }

    private static List<InternetAddress> addresses(List<String> texts, String option) {
        List<InternetAddress> parsed = new ArrayList<>();
        for (String text : texts) {
            parsed.add(address(text, option));
        }
        return parsed;
    }

    private static InternetAddress address(String text, String option) {
        try {
            InternetAddress address = new InternetAddress(text.trim(), true);
            String bare = address.getAddress();
            int at = bare.lastIndexOf('@');
            if (at <= 0 || at == bare.length() - 1) {
                throw new AddressException("missing local part or domain");
            }
            return address;
        } catch (AddressException e) {
            throw UserError.usage(option + " '" + text + "' is not a mail address; write it as "
                + "name@example.org");
        }
    }

    private static String readText(Path file, String option) throws IOException {
        InputFiles.requireReadable(file, option);
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    private static String crlf(String text) {
        return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n");
    }

    private static String pad(int index) {
        String text = Integer.toString(index);
        return text + " ".repeat(Math.max(0, 5 - text.length()));
    }
}
