package org.regmail.client.demo;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.regmail.client.ClientContext;
import org.regmail.client.Regmail;
import org.regmail.client.TrailText;
import org.regmail.contracts.Status;
import org.regmail.contracts.devchain.Anvil;
import org.regmail.core.chain.ChainGateway;
import org.regmail.core.evidence.RecipientProgress;
import org.regmail.core.evidence.RegistrationTrail;
import org.regmail.core.sending.Deployment;
import org.regmail.core.sending.PrivateFiles;
import org.regmail.core.sending.SentMail;
import org.regmail.core.sending.SentMailStore;
import org.regmail.core.store.LedgerEntry;
import org.web3j.protocol.Web3j;

/**
 * {@code regmail demo}: the whole life of registered mail on this machine, with real
 * servers, real protocols and a real chain, told one line per step.
 *
 * <ol>
 *   <li>a local chain (anvil) and the contracts, deployed with the client's {@code deploy};</li>
 *   <li>four Apache James 3.8.1 servers, each its own process from the stock distribution,
 *       with a {@code james-conf} role and only the drop-in JAR: {@code sender.example} (the
 *       sender's server), {@code relay.example} (a relay that speaks the protocol),
 *       {@code recipient.example} and {@code other.example} (two recipients' servers, so that
 *       one mail crosses two recipient domains and the relay re-wraps it for each);</li>
 *   <li>each server's fresh key registered in the directory and approved, with the client's
 *       {@code server register} and {@code server approve};</li>
 *   <li>four registered mails built from {@code samples/}, sent with the client's {@code send}
 *       over SMTP AUTH: plain text; HTML with an attachment; an existing .eml to two domains
 *       with a Bcc; a one-hour notice nobody opens;</li>
 *   <li>the recipients' ordinary mail clients: POP3 download, IMAP open, preview, move to
 *       Trash, list without opening;</li>
 *   <li>the chain's clock moved forward (anvil's {@code evm_increaseTime}) past the notice's
 *       deadline, and the recipient's server recording EXPIRED;</li>
 *   <li>the sender's escrow withdrawals, evidence bundles and their verification, each
 *       server's reimbursement (credit on chain and its own ledger);</li>
 * </ol>
 * and it stops everything it started, also on Ctrl-C. Every trail event is printed as it
 * lands on chain.
 */
public final class Demo {
    /** How often the servers' outboxes publish: quick, for a demo. */
    static final int OUTBOX_INTERVAL_MS = 200;
    /** How often the recipients' servers look for overdue registered mail. */
    static final int EXPIRY_SWEEP_SECONDS = 2;
    static final Duration ARRIVAL_LIMIT = Duration.ofSeconds(90);
    static final Duration ACTION_LIMIT = Duration.ofSeconds(60);
    static final Duration NOTICE_TIMEOUT = Duration.ofHours(1);
    static final Duration TIME_TRAVEL = Duration.ofMinutes(61);
    static final BigInteger SERVER_FUNDS = new BigInteger("10000000000000000000");

    static final String SENDER = "sender.example";
    static final String RELAY = "relay.example";
    static final String RECIPIENT = "recipient.example";
    static final String OTHER = "other.example";
    static final String ALICE = "alice@sender.example";
    static final String BOB = "bob@recipient.example";
    static final String CAROL = "carol@recipient.example";
    static final String DAVE = "dave@other.example";
    /** The sender's wallet: anvil's dev account 4 (play money). Account 0 is the admin. */
    static final int ALICE_ACCOUNT = 4;

    private final Layout layout;
    private final Path work;
    private final Narrator narrator;
    private final List<MailServer> servers = new ArrayList<>();
    private final Map<String, String> passwords = new LinkedHashMap<>();
    private final List<Letter> letters = new ArrayList<>();
    private Anvil anvil;
    private TrailFollower follower;
    private Path deploymentFile;
    private Deployment deployment;
    private volatile boolean stopped;
    private volatile boolean interrupted;

    public Demo(Layout layout, Path work, PrintWriter out) {
        this.layout = layout;
        this.work = work;
        this.narrator = new Narrator(out);
    }

    /** What the run found, for tests: each mail's final trail and verdict line. */
    public record Outcome(List<String> verdicts, Map<String, RegistrationTrail> trails,
                          Map<String, List<LedgerEntry>> ledgers,
                          Map<String, BigInteger> credits) {
    }

    /** Runs the whole story; stops everything it started, whatever happens. */
    public Outcome run() throws Exception {
        Thread onInterrupt = new Thread(this::interrupted, "regmail-demo-stop");
        Runtime.getRuntime().addShutdownHook(onInterrupt);
        try {
            return story();
        } finally {
            stopEverything();
            try {
                Runtime.getRuntime().removeShutdownHook(onInterrupt);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running already
            }
        }
    }

    private Outcome story() throws Exception {
        introduce();
        startChain();
        deployContracts();
        createServers();
        List<Future<String>> jamesStarted = startJamesInBackground();
        registerServers();
        announceJames(jamesStarted);
        addMailboxes();

        follower = new TrailFollower(web3j(), deployment.rpcUrl(), deployment.master(),
            narrator);
        follower.start();
        sendMails();
        awaitDeliveries();
        recipientsAct();
        expireTheNotice();
        withdrawEscrows();
        List<String> verdicts = evidenceAndVerify();
        Map<String, RegistrationTrail> trails = summarise();
        Map<String, BigInteger> credits = new LinkedHashMap<>();
        Map<String, List<LedgerEntry>> ledgers = reimbursements(credits);
        finish();
        return new Outcome(verdicts, trails, ledgers, credits);
    }

    // ------------------------------------------------------------------ the story, step by step

    private void introduce() {
        narrator.plain("regmail demo: registered mail across four Apache James servers and a "
            + "local Ethereum chain,");
        narrator.plain("everything on 127.0.0.1, in " + work);
        narrator.plain("(Ctrl-C stops everything the demo started; each line: seconds since "
            + "start, topic, what happens)");
        narrator.blank();
    }

    private void startChain() {
        anvil = Anvil.start();
        narrator.step("chain", "anvil, a local Ethereum node (chain " + Anvil.CHAIN_ID
            + ", a block per transaction), listens on " + anvil.rpcUrl());
    }

    private void deployContracts() throws IOException {
        deploymentFile = work.resolve("deployment.json");
        regmail("deploy", "--rpc-url", anvil.rpcUrl(), "--dev-account", "0",
            "--out", deploymentFile.toString());
        try {
            deployment = Deployment.read(deploymentFile);
        } catch (Deployment.DeploymentException e) {
            throw new DemoFailure("'regmail deploy' wrote no readable deployment file: "
                + e.getMessage());
        }
        narrator.step("contracts", "'regmail deploy' deployed the Master " + deployment.master()
            + " in block " + deployment.block() + " (it deploys the factory and the "
            + "EmailRegistration implementation); anvil's dev account 0 is directory admin");
    }

    private void createServers() throws Exception {
        Path serversDirectory = Files.createDirectories(work.resolve("servers"));
        servers.add(MailServer.prepare(layout, MailServer.Role.SENDER, SENDER,
            serversDirectory.resolve(SENDER)));
        servers.add(MailServer.prepare(layout, MailServer.Role.RELAY, RELAY,
            serversDirectory.resolve(RELAY)));
        servers.add(MailServer.prepare(layout, MailServer.Role.RECIPIENT, RECIPIENT,
            serversDirectory.resolve(RECIPIENT)));
        servers.add(MailServer.prepare(layout, MailServer.Role.RECIPIENT, OTHER,
            serversDirectory.resolve(OTHER)));
        for (MailServer server : servers) {
            server.configure(deployment, OUTBOX_INTERVAL_MS);
            anvil.setBalance(server.address(), SERVER_FUNDS);
        }
        narrator.step("keys", "a new key for each mail server, in a V3 keystore (mode 600) with "
            + "a random password in a file (mode 600), both named in its "
            + "conf/registered-mail.properties; each server account gets 10 test ether "
            + "(anvil_setBalance) to pay for its records until the escrows reimburse it");

        MailServer sender = server(SENDER);
        MailServer relay = server(RELAY);
        MailServer recipient = server(RECIPIENT);
        MailServer other = server(OTHER);
        sender.systemProperty("regmail.nexthop.port", String.valueOf(relay.ports().smtp()))
            .systemProperty("regmail.relay.domain", RELAY);
        relay.systemProperty("regmail.nexthop.port", String.valueOf(recipient.ports().smtp()))
            .systemProperty("regmail.route.domains", OTHER)
            .systemProperty("regmail.route.port", String.valueOf(other.ports().smtp()));
        for (MailServer r : List.of(recipient, other)) {
            r.systemProperty("regmail.expiry-sweep-seconds", String.valueOf(EXPIRY_SWEEP_SECONDS));
        }
    }

    private List<Future<String>> startJamesInBackground() {
        narrator.step("james", "starting 4 Apache James 3.8.1 servers, each its own process "
            + "(-Xmx256m): the stock distribution, a james-conf role, and our drop-in JAR alone "
            + "in extensions-jars/");
        ExecutorService starter = Executors.newFixedThreadPool(servers.size(), runnable -> {
            Thread thread = new Thread(runnable, "regmail-demo-james");
            thread.setDaemon(true);
            return thread;
        });
        List<Future<String>> starting = new ArrayList<>();
        for (MailServer server : servers) {
            starting.add(starter.submit(() -> {
                long begin = System.nanoTime();
                server.start();
                return String.format(Locale.ROOT, "%.1f s", (System.nanoTime() - begin) / 1e9);
            }));
        }
        starter.shutdown();
        return starting;
    }

    private void registerServers() throws IOException {
        for (MailServer server : servers) {
            regmail("server", "register", "--domain", server.domain(), "--keystore",
                server.keystore().toString(), "--password-file", server.passwordFile().toString());
            regmail("server", "approve", server.domain(), "--dev-account", "0");
            narrator.step("directory", String.format(Locale.ROOT, "%-17s server %s registered, "
                + "approved", server.domain(), shortAddress(server.address())));
        }
    }

    private void announceJames(List<Future<String>> started) throws InterruptedException {
        List<String> times = new ArrayList<>();
        for (int i = 0; i < started.size(); i++) {
            try {
                times.add(started.get(i).get());
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                String message = cause.getMessage() == null ? cause.toString()
                    : cause.getMessage().lines().findFirst().orElse("");
                throw new DemoFailure("the James server of " + servers.get(i).domain()
                    + " did not start: " + message + " (see " + servers.get(i).log() + ")");
            }
        }
        String[] roles = {"sender's server", "relay", "recipient's server",
            "recipient's server"};
        for (int i = 0; i < servers.size(); i++) {
            MailServer s = servers.get(i);
            narrator.step("james", String.format(Locale.ROOT, "%-17s %-18s SMTP %d  IMAP %d  "
                + "POP3 %d", s.domain(), roles[i], s.ports().smtp(), s.ports().imap(),
                s.ports().pop3()));
        }
        narrator.detail("up after " + String.join(", ", times) + "; mail goes sender.example → "
            + "relay.example → recipient.example or other.example, by RemoteDelivery to fixed "
            + "loopback ports (no DNS here): the relay routes other.example to its own server");
    }

    private void addMailboxes() throws Exception {
        for (String user : List.of(ALICE, BOB, CAROL, DAVE)) {
            byte[] secret = new byte[18];
            new SecureRandom().nextBytes(secret);
            passwords.put(user, Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
        }
        server(SENDER).addMailboxes(SENDER, Map.of(ALICE, passwords.get(ALICE)));
        server(RECIPIENT).addMailboxes(RECIPIENT, Map.of(BOB, passwords.get(BOB),
            CAROL, passwords.get(CAROL)));
        server(OTHER).addMailboxes(OTHER, Map.of(DAVE, passwords.get(DAVE)));
        Path home = PrivateFiles.directory(work.resolve("alice"));
        PrivateFiles.write(home.resolve("smtp-password"),
            (passwords.get(ALICE) + "\n").getBytes(StandardCharsets.US_ASCII));
        narrator.step("mailboxes", "alice@sender.example; bob@ and carol@recipient.example; "
            + "dave@other.example (added through James's WebAdmin, random passwords); alice's "
            + "wallet is anvil's dev account " + ALICE_ACCOUNT);
    }

    private void sendMails() throws Exception {
        narrator.blank();
        narrator.paragraph("Alice sends four registered mails from samples/ with 'regmail "
            + "send'. Each 'on chain' line is an event as it lands: mail, recipient, status, "
            + "block, block time (UTC), transaction. SUBMITTED and HANDED_OFF are recorded by "
            + "sender.example, RELAYED by relay.example (once sender.example has authorised "
            + "it), the rest by the recipient's own server.");
        Path samples = layout.samples();
        send("plain text", "--from", "Alice Archer <" + ALICE + ">", "--to", BOB,
            "--subject", "Notice: end of maintenance contract SC-2024-117",
            "--body-file", samples.resolve("notice.txt").toString(), "--timeout", "7d");
        send("HTML with a PDF attached", "--from", "Alice Archer <" + ALICE + ">", "--to", CAROL,
            "--subject", "Signed agreement SC-2025-004",
            "--body-file", samples.resolve("agreement.txt").toString(),
            "--html-file", samples.resolve("agreement.html").toString(),
            "--attach", samples.resolve("agreement.pdf").toString(), "--timeout", "7d");
        send("an existing .eml to two domains, with a Bcc", "--eml",
            samples.resolve("minutes.eml").toString(), "--timeout", "7d");
        send("a notice with a one-hour deadline", "--from", "Alice Archer <" + ALICE + ">",
            "--to", DAVE, "--subject", "Reminder: invoice SI-2025-031 is overdue",
            "--body-file", samples.resolve("reminder.txt").toString(),
            "--timeout", Duration.ofHours(1).toMinutes() + "m");
    }

    private void send(String what, String... arguments) throws Exception {
        MailServer sender = server(SENDER);
        List<String> command = new ArrayList<>(List.of("send", "--dev-account",
            String.valueOf(ALICE_ACCOUNT), "--smtp-host", "127.0.0.1", "--smtp-port",
            String.valueOf(sender.ports().smtp()), "--smtp-password-file",
            work.resolve("alice/smtp-password").toString(), "--smtp-starttls", "off"));
        command.addAll(List.of(arguments));
        regmail(command.toArray(String[]::new));
        SentMail sent = new SentMailStore(work.resolve("alice")).latest()
            .orElseThrow(() -> new DemoFailure("'regmail send' left no record of the mail"));
        Letter letter = new Letter(letters.size() + 1, what, sent, serverNames());
        letters.add(letter);
        follower.follow(letter);
        StringBuilder to = new StringBuilder();
        for (SentMail.SentRecipient r : sent.recipients()) {
            to.append(to.isEmpty() ? "" : ", ").append(r.kind().name().toLowerCase(Locale.ROOT))
                .append(' ').append(r.address());
        }
        narrator.step("send", letter.label() + ": " + what + ", \"" + sent.subject() + "\"");
        narrator.detail(to.toString());
        narrator.detail("registration " + TrailFollower.shortHash(sent.registration())
            + " created with an escrow of " + ether(new BigInteger(sent.escrow()))
            + ", then submitted over SMTP AUTH to sender.example");
    }

    private void awaitDeliveries() throws InterruptedException {
        List<TrailFollower.Expected> expected = new ArrayList<>();
        for (Letter letter : letters) {
            for (SentMail.SentRecipient r : letter.sent().recipients()) {
                // Every server's record, not only the last hop's: they land in any order (the
                // relay retries RELAYED until the sender's authorisation is on chain).
                for (Status status : List.of(Status.SUBMITTED, Status.HANDED_OFF, Status.RELAYED,
                    Status.DELIVERED)) {
                    expected.add(new TrailFollower.Expected(letter, r.index(), status));
                }
            }
        }
        follower.await(expected, ARRIVAL_LIMIT);
    }

    private void recipientsAct() throws Exception {
        Letter notice = letters.get(0);
        Letter agreement = letters.get(1);
        Letter minutes = letters.get(2);
        Letter reminder = letters.get(3);
        RecipientMailbox bob = mailbox(BOB, server(RECIPIENT));
        RecipientMailbox carol = mailbox(CAROL, server(RECIPIENT));
        RecipientMailbox dave = mailbox(DAVE, server(OTHER));

        narrator.blank();
        narrator.paragraph("The recipients use ordinary mail clients, which know nothing of "
            + "registered mail; their servers record what they do.");
        List<byte[]> bobs = new ArrayList<>();
        bobs.add(bob.pop3Download(notice.messageId()));
        bobs.add(bob.pop3Download(minutes.messageId()));
        narrator.step("bob", "downloads his two new mails over POP3 (RETR): DOWNLOADED; POP3 "
            + "knows no 'read'");
        narrator.detail(privacyCheck("bob", bobs, CAROL));

        List<byte[]> carols = new ArrayList<>();
        carols.add(carol.imapOpen(agreement.messageId()));
        narrator.step("carol", "opens mail 2 over IMAP (FETCH BODY[] sets \\Seen): DOWNLOADED, "
            + "then READ");
        follower.await(List.of(new TrailFollower.Expected(agreement, 0, Status.READ)),
            ACTION_LIMIT);
        carol.imapMoveToTrash(agreement.messageId());
        narrator.step("carol", "deletes mail 2: her client moves it to Trash (IMAP MOVE): "
            + "DELETED");
        carols.add(carol.imapPreview(minutes.messageId()));
        narrator.step("carol", "previews mail 3, where she is Bcc (FETCH BODY.PEEK[]): "
            + "DOWNLOADED, not READ");
        narrator.detail(privacyCheck("carol", carols, null));

        List<byte[]> daves = List.of(dave.imapOpen(minutes.messageId()));
        narrator.step("dave", "opens mail 3 over IMAP: DOWNLOADED, then READ");
        narrator.detail(privacyCheck("dave", daves, CAROL));
        List<String> subjects = dave.imapListSubjects();
        narrator.step("dave", "his inbox lists " + TrailText.count(subjects.size(), "mail")
            + " (FETCH ENVELOPE, headers only); he never opens \"" + reminder.sent().subject()
            + "\"");

        follower.await(List.of(
            new TrailFollower.Expected(notice, notice.index(BOB), Status.DOWNLOADED),
            new TrailFollower.Expected(agreement, 0, Status.DELETED),
            new TrailFollower.Expected(minutes, minutes.index(BOB), Status.DOWNLOADED),
            new TrailFollower.Expected(minutes, minutes.index(CAROL), Status.DOWNLOADED),
            new TrailFollower.Expected(minutes, minutes.index(DAVE), Status.READ)),
            ACTION_LIMIT);
    }

    /**
     * What a recipient's copies show: no registered-mail header and, when {@code blind} is
     * given (another recipient's Bcc address), no trace of it.
     */
    private static String privacyCheck(String who, List<byte[]> copies, String blind) {
        boolean header = false;
        boolean bcc = false;
        for (byte[] copy : copies) {
            String text = new String(copy, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
            int end = text.indexOf("\r\n\r\n");
            String head = end < 0 ? text : text.substring(0, end);
            header |= head.contains("registered-mail:");
            bcc |= blind != null && (text.contains(blind) || head.contains("\nbcc:"));
        }
        String copiesOf = who + "'s " + (copies.size() == 1 ? "copy" : "copies");
        if (header || bcc) {
            throw new DemoFailure(copiesOf + " show " + (header ? "the Registered-Mail header"
                : "the Bcc recipient") + ": the recipient must see neither");
        }
        return copiesOf + ": no Registered-Mail header" + (who.equals("bob")
            ? " (he cannot tell they were registered)" : "")
            + (blind == null ? "" : ", no trace of the Bcc");
    }

    private void expireTheNotice() throws InterruptedException {
        Letter reminder = letters.get(3);
        narrator.blank();
        anvil.travel(TIME_TRAVEL);
        narrator.step("clock", "the demo moves the chain's clock forward " + TIME_TRAVEL.toMinutes()
            + " minutes (anvil's evm_increaseTime, then evm_mine): mail 4's one-hour deadline "
            + "passes and dave never downloaded it; the other.example server's expiry sweep "
            + "(every " + EXPIRY_SWEEP_SECONDS + " s, on the chain's clock) records EXPIRED");
        follower.await(List.of(new TrailFollower.Expected(reminder, 0, Status.EXPIRED)),
            ACTION_LIMIT);
    }

    private void withdrawEscrows() throws IOException {
        for (Letter letter : List.of(letters.get(1), letters.get(3))) {
            String out = regmail("withdraw", letter.registration(), "--dev-account",
                String.valueOf(ALICE_ACCOUNT));
            String amount = out.lines().filter(l -> l.startsWith("withdrew ")).findFirst()
                .map(l -> l.substring("withdrew ".length(), l.indexOf(" ETH from ")))
                .map(ether -> ether(new BigDecimal(ether).movePointRight(18).toBigInteger()))
                .orElse("nothing");
            narrator.step("withdraw", "every recipient of " + letter.label() + " is final: alice "
                + "takes back the unused escrow, " + amount);
        }
    }

    private List<String> evidenceAndVerify() throws IOException {
        narrator.blank();
        Path evidence = PrivateFiles.directory(work.resolve("evidence"));
        List<String> verdicts = new ArrayList<>();
        for (Letter letter : letters) {
            Path bundle = evidence.resolve("mail-" + letter.number() + ".evidence.json");
            regmail("evidence", letter.registration(), "--embed-eml", "-o", bundle.toString());
            String out = regmailAllowingNo("verify", bundle.toString(), "--rpc-url",
                deployment.rpcUrl());
            String verdict = out.lines().filter(l -> l.startsWith("verdict: ")).findFirst()
                .orElse("verdict: none (see " + bundle + ")");
            verdicts.add(verdict);
            narrator.step("evidence", letter.label() + ": " + work.relativize(bundle) + " (+ .html)"
                + "; 'regmail verify': " + verdict.substring("verdict: ".length()));
        }
        return verdicts;
    }

    private Map<String, RegistrationTrail> summarise() throws Exception {
        follower.poll();
        Map<String, RegistrationTrail> trails = new LinkedHashMap<>();
        narrator.blank();
        narrator.plain("The trails, per mail and recipient, as the chain holds them:");
        for (Letter letter : letters) {
            RegistrationTrail trail = follower.trail(letter).orElseThrow();
            trails.put(letter.registration(), trail);
            narrator.plain("  " + letter.label() + "  \"" + letter.sent().subject() + "\"");
            for (RecipientProgress r : trail.recipients()) {
                String who = String.format(Locale.ROOT, "    %-3s %-24s", letter.kind(r.index()),
                    letter.address(r.index()));
                String path = TrailFollower.path(r);
                if (who.length() + path.length() > Narrator.WIDTH) {
                    narrator.plain(who.stripTrailing());
                    who = " ".repeat(8);
                }
                narrator.plain(who + path);
            }
        }
        return trails;
    }

    private Map<String, List<LedgerEntry>> reimbursements(Map<String, BigInteger> credits)
        throws Exception {
        follower.close();
        MailServer.closeAll(servers);
        narrator.blank();
        narrator.step("james", "stopped the four James servers");
        narrator.plain("What each server paid for its records and got back from the senders' "
            + "escrows:");
        narrator.plain(String.format(Locale.ROOT, "  %-18s %4s %8s %10s  %-16s %-16s %s",
            "server", "txs", "records", "gas", "paid for gas", "reimbursed", "credit on chain"));
        Map<String, List<LedgerEntry>> ledgers = new LinkedHashMap<>();
        try (ChainGateway reader = org.regmail.client.Chains.reader(deployment)) {
            for (MailServer server : servers) {
                List<LedgerEntry> ledger = server.ledger();
                ledgers.put(server.domain(), ledger);
                BigInteger credit = reader.read("reading the credit of " + server.domain(),
                    reader.master().creditOf(server.address()));
                credits.put(server.domain(), credit);
                long gas = ledger.stream().mapToLong(LedgerEntry::gasUsed).sum();
                int records = ledger.stream().mapToInt(LedgerEntry::records).sum();
                narrator.plain(String.format(Locale.ROOT, "  %-18s %4d %8d %10s  %-16s %-16s %s",
                    server.domain(), ledger.size(), records, String.format(Locale.ROOT, "%,d",
                        gas), ether(MailServer.paid(ledger)),
                    ether(MailServer.reimbursed(ledger)), ether(credit)));
            }
        }
        narrator.plain("(from each server's own ledger, read from its store; the credit is what "
            + "the Master holds");
        narrator.plain("for it to withdraw. The first record of a server pays once for creating "
            + "its credit slot.)");
        return ledgers;
    }

    private void finish() {
        double seconds = narrator.elapsed();
        stopEverything();
        narrator.blank();
        narrator.plain(String.format(Locale.ROOT, "Done in %.0f s: stopped the chain and every "
            + "server. Kept in %s:", seconds, work));
        narrator.plain("  evidence/ (bundles and HTML reports, verified above while the chain ran; "
            + "'regmail verify'");
        narrator.plain("  needs a node of the chain, and this one stopped with the demo), "
            + "servers/*/james.log,");
        narrator.plain("  alice/ (the sender's private record of each mail). A new run starts "
            + "from scratch.");
    }

    // ------------------------------------------------------------------ plumbing

    /** Runs a regmail command in this process, as the user would type it. */
    private String regmail(String... arguments) throws IOException {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Regmail.run(arguments, context(out, err));
        if (code != 0) {
            throw new DemoFailure("'regmail " + commandName(arguments) + "' failed (exit " + code
                + "): " + errorLine(err.toString()));
        }
        return out.toString();
    }

    /** Like {@link #regmail(String...)}, but exit 1 (a negative answer) is an answer. */
    private String regmailAllowingNo(String... arguments) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Regmail.run(arguments, context(out, err));
        if (code != 0 && code != 1) {
            throw new DemoFailure("'regmail " + commandName(arguments) + "' failed (exit " + code
                + "): " + errorLine(err.toString()));
        }
        return out.toString();
    }

    /** "0x48909dac…1647e": enough for people to tell accounts apart. */
    static String shortAddress(String address) {
        return address.substring(0, 10) + "…" + address.substring(address.length() - 4);
    }

    private static String commandName(String... arguments) {
        return arguments.length > 1 && arguments[1].matches("[a-z]+")
            ? arguments[0] + " " + arguments[1] : arguments[0];
    }

    private ClientContext context(StringWriter out, StringWriter err) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put(ClientContext.HOME_VARIABLE, work.resolve("alice").toString());
        env.put("REGMAIL_DEPLOYMENT", work.resolve("deployment.json").toString());
        return new ClientContext(env, new PrintWriter(out), new PrintWriter(err), work);
    }

    private static String errorLine(String err) {
        return err.lines().filter(l -> l.startsWith("error: ")).findFirst()
            .map(l -> l.substring("error: ".length()))
            .orElse(err.lines().reduce((a, b) -> b).orElse("(no message)"));
    }


    private RecipientMailbox mailbox(String user, MailServer server) {
        return new RecipientMailbox(user, passwords.get(user), server.ports());
    }

    private MailServer server(String domain) {
        return servers.stream().filter(s -> s.domain().equals(domain)).findFirst().orElseThrow();
    }

    private Map<String, String> serverNames() {
        Map<String, String> names = new LinkedHashMap<>();
        servers.forEach(s -> names.put(s.address(), s.domain()));
        return names;
    }

    private Web3j web3j() {
        return org.regmail.client.Chains.web3j(anvil.rpcUrl());
    }

    /** Wei as ether, rounded to 9 decimals for reading: "0.000412345 ETH". */
    static String ether(BigInteger wei) {
        BigDecimal value = new BigDecimal(wei).movePointLeft(18).setScale(9, RoundingMode.HALF_UP)
            .stripTrailingZeros();
        return (value.signum() == 0 ? "0" : value.toPlainString()) + " ETH";
    }

    /** Whether Ctrl-C (or any JVM shutdown) ended the story. */
    public boolean wasInterrupted() {
        return interrupted;
    }

    private void interrupted() {
        if (stopped) {
            return;
        }
        interrupted = true;
        narrator.silence();
        narrator.always("");
        narrator.always("regmail demo: interrupted; stopping the James servers and the chain it "
            + "started …");
        stopEverything();
        narrator.always("regmail demo: stopped; its files are in " + work);
    }

    /** Stops what runs, once, whoever asks first (the end of the story or Ctrl-C). */
    private synchronized void stopEverything() {
        if (stopped) {
            return;
        }
        stopped = true;
        if (follower != null) {
            follower.close();
        }
        MailServer.closeAll(servers);
        if (anvil != null) {
            anvil.close();
        }
    }
}
