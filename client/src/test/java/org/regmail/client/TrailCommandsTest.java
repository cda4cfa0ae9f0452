package org.regmail.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.regmail.client.testing.Mails;
import org.regmail.client.testing.RegmailRunner;
import org.regmail.client.testing.TestChain;
import org.regmail.contracts.Status;
import org.regmail.contracts.testing.AnvilExtension;
import org.regmail.core.evidence.EvidenceBundle;
import org.regmail.core.evidence.TrailEvent;
import org.regmail.core.sending.SentMail;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.methods.response.VoidResponse;
import org.web3j.protocol.http.HttpService;

/** status, watch, evidence and withdraw on a registration the servers record on. */
class TrailCommandsTest {
    @RegisterExtension
    static final AnvilExtension CHAIN = AnvilExtension.isolatingEachTest();

    static TestChain chain;

    @TempDir
    Path dir;
    RegmailRunner regmail;
    SentMail mail;

    @BeforeAll
    static void deploy() throws Exception {
        chain = TestChain.deploy(CHAIN.web3j(), CHAIN.rpcUrl());
    }

    @BeforeEach
    void send() throws Exception {
        regmail = new RegmailRunner(dir.resolve("home"));
        chain.writeDeployment(regmail.home());
        mail = Mails.create(chain.deployment, regmail.home(), Mails.bytes32(1), Mails.bytes32(2),
            Duration.ofDays(2));
    }

    /** The sender's server hands off to all three; bob reads; carol is delivered. */
    void recordATrail() throws Exception {
        var f = chain.fixture;
        for (int i = 0; i < 3; i++) {
            chain.record(mail, i, Status.SUBMITTED, f.senderServer);
            chain.record(mail, i, Status.HANDED_OFF, f.senderServer);
        }
        chain.record(mail, 0, Status.DELIVERED, f.recipientServer);
        chain.record(mail, 0, Status.DOWNLOADED, f.recipientServer);
        chain.record(mail, 0, Status.READ, f.recipientServer);
        chain.record(mail, 1, Status.DELIVERED, f.secondRecipientServer);
    }

    @Test
    void shouldShowEachRecipientsStatusesWithTimeBlockAndTransaction() throws Exception {
        recordATrail();

        RegmailRunner.Result result = regmail.run("status");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out())
            .contains("registered mail " + mail.registration() + " on chain 31337 (registered, not "
                + "handed to the SMTP server; on chain: 2 of 3 recipients final)")
            .contains("recipient 0  bob@recipient.example (to) — final: READ")
            .contains("recipient 1  carol@second.example (cc) — in progress, last recorded "
                + "DELIVERED")
            .contains("recipient 2  dave@plain.example (bcc) — final: HANDED_OFF (its domain "
                + "has no server)")
            .containsPattern("    READ +20\\d\\d-\\d\\d-\\d\\dT[0-9:]+Z  block \\d+  tx "
                + "0x[0-9a-f]{64}  by " + chain.fixture.recipientServer.getAddress().toLowerCase())
            .contains("not every recipient is final yet");
        RegmailRunner.Result all = regmail.run("status", "--all");
        assertThat(all.out()).contains(mail.registration() + "  2 of 3 recipients final  chain "
            + "31337  3 recipients  The contract");
    }

    @Test
    void shouldEndWatchingWhenEveryRecipientIsFinal() throws Exception {
        recordATrail();
        CompletableFuture<Void> carolReads = CompletableFuture.runAsync(() -> {
            try {
                Thread.sleep(300);
                chain.record(mail, 1, Status.DOWNLOADED, chain.fixture.secondRecipientServer);
                chain.record(mail, 1, Status.DELETED, chain.fixture.secondRecipientServer);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        RegmailRunner.Result result = regmail.run("watch", mail.registration().substring(0, 12),
            "--interval", "1s", "--timeout", "1m");

        carolReads.join();
        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).contains("recipient 1 carol@second.example (cc) DELETED")
            .endsWith("every recipient is final\n");
    }

    @Test
    void shouldGiveUpWatchingAfterTheTimeout() throws Exception {
        RegmailRunner.Result result = regmail.run("watch", "--interval", "1s", "--timeout", "1s");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCode.NEGATIVE);
        assertThat(result.error()).isEqualTo("not every recipient is final after 1s: recipient "
            + "0 bob@recipient.example (to) in progress, nothing recorded yet; recipient 1 "
            + "carol@second.example (cc) in progress, nothing recorded yet; recipient 2 "
            + "dave@plain.example (bcc) in progress, nothing recorded yet");
    }

    @Test
    void shouldExportABundleThatVerifies() throws Exception {
        recordATrail();
        Path bundleFile = dir.resolve("evidence.json");

        RegmailRunner.Result exported = regmail.run("evidence", "-o", bundleFile.toString(),
            "--embed-eml", "--redact", "dave@plain.example");
        RegmailRunner.Result verified = new RegmailRunner(dir.resolve("stranger"))
            .run("verify", bundleFile.toString(), "--rpc-url", CHAIN.rpcUrl());

        assertThat(exported.exitCode()).as(exported.toString()).isZero();
        assertThat(exported.out()).contains("(11 events up to block", "2 of 3 addresses "
            + "disclosed, message embedded)", "report written to " + dir.resolve("evidence.html"));
        EvidenceBundle bundle = EvidenceBundle.fromJson(Files.readAllBytes(bundleFile));
        assertThat(bundle.recipients()).extracting(EvidenceBundle.Recipient::address)
            .containsExactly("bob@recipient.example", "carol@second.example", null);
        assertThat(bundle.events()).filteredOn(TrailEvent::isStatus).hasSize(10);
        assertThat(bundle.eml()).isEqualTo(Mails.MESSAGE.getBytes());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(bundleFile)))
            .isEqualTo("rw-------");
        assertThat(Files.readString(dir.resolve("evidence.html")))
            .contains("Recipient 0: bob@recipient.example", "Recipient 2: address withheld",
                "regmail verify evidence.json");

        assertThat(verified.exitCode()).as(verified.toString()).isZero();
        assertThat(verified.out()).contains("NOTE      recipient 2: address withheld")
            .contains("verdict: VALID");
    }

    /** A bundle, perhaps with the message embedded, is proof: never replaced unasked. */
    @Test
    void shouldReplaceAnExistingBundleOnlyWithForceAndCreateNoDirectory() throws Exception {
        recordATrail();
        Path bundleFile = dir.resolve("evidence.json");
        assertThat(regmail.run("evidence", "-o", bundleFile.toString(), "--embed-eml")
            .exitCode()).isZero();
        byte[] withMessage = Files.readAllBytes(bundleFile);

        RegmailRunner.Result again = regmail.run("evidence", "-o", bundleFile.toString());
        RegmailRunner.Result nowhere = regmail.run("evidence", "-o",
            dir.resolve("missing/evidence.json").toString());
        RegmailRunner.Result forced = regmail.run("evidence", "-o", bundleFile.toString(),
            "--force");

        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.err()).contains(bundleFile + " exists; give --force to replace it");
        assertThat(nowhere.exitCode()).isEqualTo(2);
        assertThat(nowhere.err()).contains("there is no directory " + dir.resolve("missing"));
        assertThat(dir.resolve("missing")).doesNotExist();
        assertThat(forced.exitCode()).as(forced.toString()).isZero();
        assertThat(EvidenceBundle.fromJson(withMessage).eml()).isNotNull();
        assertThat(EvidenceBundle.fromJson(Files.readAllBytes(bundleFile)).eml()).isNull();
    }

    @Test
    void shouldWithdrawTheEscrowOnceEveryRecipientIsFinal() throws Exception {
        recordATrail();
        chain.record(mail, 1, Status.DOWNLOADED, chain.fixture.secondRecipientServer);
        CHAIN.anvil().travel(Duration.ofDays(3));
        BigInteger before = balance();

        RegmailRunner.Result result = regmail.run("withdraw", "--dev-account", "4");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).containsPattern("withdrew 0\\.00\\d+ ETH from "
            + mail.registration() + " in tx 0x[0-9a-f]{64}");
        assertThat(balance()).isGreaterThan(before);
        assertThat(result.out()).contains(" to the owner "
            + chain.fixture.owner.getAddress().toLowerCase() + " (the owner's balance was ");
        RegmailRunner.Result again = regmail.run("withdraw", "--dev-account", "4");
        assertThat(again.out()).contains("the escrow of " + mail.registration()
            + " was already withdrawn");
        assertThat(regmail.run("status", "--all").out()).contains(mail.registration()
            + "  every recipient final, escrow withdrawn  chain 31337  3 recipients");
    }

    @Test
    void shouldListATrailInTheProtocolsOrderWhateverTheBlockOrder() throws Exception {
        var f = chain.fixture;
        chain.record(mail, 0, Status.DELIVERED, f.recipientServer);
        chain.record(mail, 0, Status.SUBMITTED, f.senderServer);
        chain.record(mail, 0, Status.HANDED_OFF, f.senderServer);

        RegmailRunner.Result result = regmail.run("status");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        String out = result.out();
        assertThat(out).contains("recipient 0  bob@recipient.example (to) — in progress, last "
            + "recorded DELIVERED");
        assertThat(out.indexOf("    SUBMITTED")).isPositive()
            .isLessThan(out.indexOf("    HANDED_OFF"));
        assertThat(out.indexOf("    HANDED_OFF")).isLessThan(out.indexOf("    DELIVERED"));
    }

    @Test
    void shouldExpireOverdueRecipientsBeforeWithdrawing() throws Exception {
        CHAIN.anvil().travel(Duration.ofDays(3));

        RegmailRunner.Result result = regmail.run("withdraw", "--dev-account", "4");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).contains("recipient 0 bob@recipient.example (to) recorded "
            + "EXPIRED", "recipient 2 dave@plain.example (bcc) recorded EXPIRED",
            "withdrew 0.01 ETH from " + mail.registration());
    }

    BigInteger balance() throws Exception {
        return CHAIN.web3j().ethGetBalance(chain.fixture.owner.getAddress(),
            DefaultBlockParameterName.LATEST).send().getBalance();
    }

    @Nested
    class UserErrors {
        @Test
        void shouldRefuseAnUnknownRegistration() {
            RegmailRunner.Result result = regmail.run("status",
                "0x00000000000000000000000000000000000000aa");

            assertThat(result.exitCode()).isEqualTo(ExitCode.USAGE);
            assertThat(result.error()).isEqualTo("no registered mail "
                + "0x00000000000000000000000000000000000000aa in the local record at "
                + regmail.home() + "; 'regmail status --all' lists them");
        }

        @Test
        void shouldRefuseSomethingThatIsNoAddress() {
            RegmailRunner.Result result = regmail.run("evidence", "bob");

            assertThat(result.exitCode()).isEqualTo(ExitCode.USAGE);
            assertThat(result.error()).isEqualTo("'bob' is not a registration address (0x and "
                + "up to 40 hex digits)");
        }

        @Test
        void shouldSayTheNodeIsUnreachable() {
            RegmailRunner.Result result = regmail.run("status", "--rpc-url",
                "http://127.0.0.1:9");

            assertThat(result.exitCode()).isEqualTo(ExitCode.CHAIN);
            assertThat(result.error()).startsWith("cannot reach the Ethereum node at "
                + "http://127.0.0.1:9 (").doesNotContain("Exception");
        }

        @Test
        void shouldSayTheMasterIsGoneWhenTheChainWasReset() throws Exception {
            new Request<>("anvil_setCode", List.of(mail.master(), "0x"),
                new HttpService(CHAIN.rpcUrl()), VoidResponse.class).send();

            RegmailRunner.Result result = regmail.run("status");

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCode.CHAIN);
            assertThat(result.error()).isEqualTo("there is no contract at the Master address "
                + mail.master() + " on chain 31337 at " + CHAIN.rpcUrl() + ": the chain was "
                + "reset or the node is another chain's, so registration " + mail.registration()
                + " cannot be read there; give --rpc-url of a node of the chain it was sent on");
        }

        @Test
        void shouldSayTheNodeDoesNotKnowAMinedRegistrationWhenTheChainWasReset()
            throws Exception {
            RegmailRunner other = new RegmailRunner(dir.resolve("other"));
            chain.writeDeployment(other.home());
            String beforeTheMail = CHAIN.anvil().snapshot();
            SentMail lost = Mails.create(chain.deployment, other.home(), Mails.bytes32(3),
                Mails.bytes32(4), Duration.ofDays(2));
            CHAIN.anvil().revert(beforeTheMail);
            for (int i = 0; i < 5; i++) {
                CHAIN.anvil().mine();
            }

            String expected = "the node at " + CHAIN.rpcUrl() + " does not know registration "
                + lost.registration() + ", mined in block " + lost.creationBlock() + " by "
                + "transaction " + lost.creationTransaction() + " according to the local record: "
                + "the chain was reset or the node is another chain's; give --rpc-url of a node "
                + "of the chain it was sent on";
            for (String command : List.of("status", "evidence", "withdraw")) {
                RegmailRunner.Result result = command.equals("withdraw")
                    ? other.run(command, "--dev-account", "4") : other.run(command);

                assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCode.CHAIN);
                assertThat(result.error()).as(command).isEqualTo(expected);
            }
        }

        @Test
        void shouldRefuseToWithdrawBeforeEveryRecipientIsFinal() throws Exception {
            recordATrail();

            RegmailRunner.Result result = regmail.run("withdraw", "--dev-account", "4");

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCode.NEGATIVE);
            assertThat(result.error()).startsWith("recipient 1 carol@second.example (cc) is "
                + "not final (in progress, last recorded DELIVERED); the deadline is ");
        }

        @Test
        void shouldRefuseToWithdrawForSomeoneElse() {
            RegmailRunner.Result result = regmail.run("withdraw", "--dev-account", "5");

            assertThat(result.exitCode()).isEqualTo(ExitCode.USAGE);
            assertThat(result.error()).isEqualTo("registration " + mail.registration()
                + " belongs to " + mail.owner() + ", not to the signing account "
                + chain.fixture.stranger.getAddress().toLowerCase() + "; sign with the owner's "
                + "key");
        }

        @Test
        void shouldRefuseToRedactSomeoneWhoIsNoRecipient() {
            RegmailRunner.Result result = regmail.run("evidence", "--redact", "eve@x.example");

            assertThat(result.exitCode()).isEqualTo(ExitCode.USAGE);
            assertThat(result.error()).isEqualTo("--redact names eve@x.example, not a recipient "
                + "of " + mail.registration());
        }
    }
}
