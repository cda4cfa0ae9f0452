package org.regmail.client;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.regmail.client.testing.MailSink;
import org.regmail.client.testing.RefusingSmtpServer;
import org.regmail.client.testing.RegmailRunner;
import org.regmail.client.testing.TestChain;
import org.regmail.contracts.Status;
import org.regmail.contracts.devchain.Anvil;
import org.regmail.contracts.generated.EmailRegistration;
import org.regmail.contracts.testing.AnvilExtension;
import org.regmail.core.commitment.ContentCommitment;
import org.regmail.core.envelope.RegisteredMailHeader;
import org.regmail.core.envelope.RegistrationEnvelope;
import org.regmail.core.sending.RegisteredMessage;
import org.regmail.core.sending.SentMail;
import org.regmail.core.sending.SentMailStore;
import org.web3j.utils.Numeric;

class SendCommandTest {
    @RegisterExtension
    static final AnvilExtension CHAIN = AnvilExtension.isolatingEachTest();
    @RegisterExtension
    final GreenMailExtension smtp = MailSink.create();

    static TestChain chain;

    @TempDir
    Path home;
    @TempDir
    Path files;
    RegmailRunner regmail;

    @BeforeAll
    static void deploy() throws Exception {
        chain = TestChain.deploy(CHAIN.web3j(), CHAIN.rpcUrl());
    }

    @BeforeEach
    void setUp() throws Exception {
        regmail = new RegmailRunner(home.resolve("regmail"));
        chain.writeDeployment(regmail.home());
    }

    Path passwordFile() throws Exception {
        Path file = files.resolve("smtp-password");
        Files.writeString(file, MailSink.PASSWORD + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    RegmailRunner.Result send(String... extra) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("send", "--dev-account", "4",
            "--smtp-host", "127.0.0.1", "--smtp-port",
            Integer.toString(smtp.getSmtp().getPort()), "--smtp-password-file",
            passwordFile().toString()));
        args.addAll(List.of(extra));
        return regmail.run(args.toArray(String[]::new));
    }

    static long nonceOf(String address) throws Exception {
        return CHAIN.web3j().ethGetTransactionCount(address,
            org.web3j.protocol.core.DefaultBlockParameterName.LATEST).send().getTransactionCount()
            .longValueExact();
    }

    static byte[] raw(MimeMessage message) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message.writeTo(out);
        return out.toByteArray();
    }

    @Test
    void shouldRegisterAndSubmitAComposedMailWithBccOnlyInTheEnvelope() throws Exception {
        RegmailRunner.Result result = send("--from", "Alice <alice@sender.example>",
            "--to", "Bob <bob@recipient.example>", "--cc", "carol@second.example",
            "--bcc", "dave@plain.example", "--subject", "Contract été", "--body",
            "Please find the terms.\nLine two é.", "--timeout", "3d");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCode.OK);
        SentMail mail = new SentMailStore(regmail.home()).latest().orElseThrow();
        assertThat(result.out()).contains("registered mail " + mail.registration()
            + " submitted to 127.0.0.1:" + smtp.getSmtp().getPort());
        assertThat(result.err()).contains("warning: the domain plain.example has no registered "
            + "server: the trail of its recipients ends at HANDED_OFF");
        assertThat(mail.state()).isEqualTo(SentMail.State.SUBMITTED);
        assertThat(mail.recipients()).extracting(SentMail.SentRecipient::address)
            .containsExactly("bob@recipient.example", "carol@second.example", "dave@plain.example");

        MimeMessage[] received = smtp.getReceivedMessages();
        assertThat(received).hasSize(3);
        byte[] submitted = raw(received[0]);
        String text = new String(submitted, US_ASCII);
        assertThat(text).doesNotContainIgnoringCase("dave@plain.example")
            .doesNotContainIgnoringCase("\nBcc:");
        for (int i = 0; i < submitted.length; i++) {
            assertThat(submitted[i] & 0xff).as("byte %d is 7-bit", i).isLessThan(0x80);
        }

        String header = RegisteredMessage.field(submitted, RegisteredMailHeader.NAME)
            .orElseThrow();
        RegistrationEnvelope envelope = RegisteredMailHeader.open(header,
            Anvil.devAccount(1).getEcKeyPair());
        assertThat(envelope.registration()).isEqualTo(mail.registration());
        assertThat(envelope.recipientIndexes()).containsExactly(0, 1, 2);
        byte[] commitment = ContentCommitment.contentCommitment(envelope.salt(),
            ContentCommitment.contentHash(submitted));
        envelope.verifyOwner(commitment, Anvil.devAccount(4).getAddress());

        EmailRegistration registration = chain.fixture.registration(mail.registration());
        assertThat(registration.terms().send().component5().intValue()).isEqualTo(3);
        assertThat(registration.recipient(java.math.BigInteger.TWO).send().component1())
            .isEqualTo("0x0000000000000000000000000000000000000000");
        assertThat(Numeric.toHexString(commitment)).isEqualTo(mail.contentCommitment());
    }

    @Test
    void shouldKeepTheLocalRecordPrivate() throws Exception {
        RegmailRunner.Result result = send("--from", "alice@sender.example", "--to",
            "bob@recipient.example", "--subject", "Private", "--body", "x");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        Path home = regmail.home();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home)))
            .isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(
            home.resolve("sent")))).isEqualTo("rwx------");
        try (Stream<Path> sent = Files.list(home.resolve("sent"))) {
            for (Path file : sent.toList()) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                    .as(file.toString()).isEqualTo("rw-------");
            }
        }
        SentMail mail = new SentMailStore(home).latest().orElseThrow();
        assertThat(result.out() + result.err()).doesNotContain(mail.salt().substring(2));
    }

    @Test
    void shouldSendAnExistingEmlRemovingItsBccField() throws Exception {
        Path eml = files.resolve("contract.eml");
        Files.writeString(eml, String.join("\n",
            "From: Alice <alice@sender.example>",
            "To: bob@recipient.example",
            "Bcc: erin@second.example",
            "Subject: From a file",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=us-ascii",
            "",
            "Body from a file.",
            ""), US_ASCII);

        RegmailRunner.Result result = send("--eml", eml.toString());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        SentMail mail = new SentMailStore(regmail.home()).latest().orElseThrow();
        assertThat(mail.recipients()).extracting(SentMail.SentRecipient::address, r -> r.kind())
            .containsExactly(org.assertj.core.groups.Tuple.tuple("bob@recipient.example",
                SentMail.Kind.TO), org.assertj.core.groups.Tuple.tuple("erin@second.example",
                SentMail.Kind.BCC));
        byte[] submitted = raw(smtp.getReceivedMessages()[0]);
        assertThat(RegisteredMessage.field(submitted, "Bcc")).isEmpty();
        assertThat(RegisteredMessage.field(submitted, "Message-ID")).isPresent();
        assertThat(RegisteredMessage.field(submitted, "Date")).isPresent();
        assertThat(Numeric.toHexString(ContentCommitment.contentHash(submitted)))
            .isEqualTo(mail.contentHash());
    }

    /** The same .eml twice is two escrows and two copies for bob: it takes --again. */
    @Test
    void shouldRefuseToRegisterTheSameMessageTwiceWithoutAgain() throws Exception {
        Path eml = files.resolve("once.eml");
        Files.writeString(eml, String.join("\n",
            "From: alice@sender.example",
            "To: bob@recipient.example",
            "Subject: Once",
            "Message-ID: <once-only@sender.example>",
            "",
            "Sent by a script that may run twice.",
            ""), US_ASCII);
        RegmailRunner.Result first = send("--eml", eml.toString());
        assertThat(first.exitCode()).as(first.toString()).isZero();
        String registration = new SentMailStore(regmail.home()).latest().orElseThrow()
            .registration();

        RegmailRunner.Result twice = send("--eml", eml.toString());
        RegmailRunner.Result again = send("--eml", eml.toString(), "--again");

        assertThat(twice.exitCode()).isEqualTo(2);
        assertThat(twice.err()).contains("Message-ID <once-only@sender.example>) was "
            + "registered already, as " + registration, "--again", "(nothing registered)");
        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(new SentMailStore(regmail.home()).list()).hasSize(2);
        assertThat(smtp.getReceivedMessages()).hasSize(2);
    }

    @Test
    void shouldResubmitAMailWhoseSubmissionFailed() throws Exception {
        RegmailRunner.Result first = send("--from", "alice@sender.example", "--to",
            "bob@recipient.example", "--subject", "Again", "--body", "x");
        assertThat(first.exitCode()).isZero();
        SentMail mail = new SentMailStore(regmail.home()).latest().orElseThrow();

        RegmailRunner.Result again = send("--resubmit", mail.registration());

        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(smtp.getReceivedMessages()).hasSize(2);
        assertThat(RegisteredMessage.field(raw(smtp.getReceivedMessages()[1]),
            RegisteredMailHeader.NAME)).contains(mail.headerValue());
    }

    @Test
    void shouldRefuseToResubmitAMailWhoseSubmittedIsOnChain() throws Exception {
        RegmailRunner.Result first = send("--from", "alice@sender.example", "--to",
            "bob@recipient.example", "--subject", "Once", "--body", "x");
        assertThat(first.exitCode()).as(first.toString()).isZero();
        SentMail mail = new SentMailStore(regmail.home()).latest().orElseThrow();
        chain.record(mail, 0, Status.SUBMITTED, chain.fixture.senderServer);

        RegmailRunner.Result again = send("--resubmit", mail.registration());

        assertThat(again.exitCode()).as(again.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(again.error()).isEqualTo("registration " + mail.registration() + " needs no "
            + "resubmission: the chain already holds SUBMITTED for its recipient, so the "
            + "sender's server took the mail and it is on its way; 'regmail status "
            + mail.registration() + "' follows it");
        assertThat(smtp.getReceivedMessages()).hasSize(1);
    }

    @Test
    void shouldShowThePlanWithoutSmtpLoginOnADryRun() throws Exception {
        RegmailRunner.Result result = regmail.run("send", "--dev-account", "4", "--from",
            "alice@sender.example", "--to", "bob@recipient.example", "--subject", "Dry",
            "--body", "x", "--dry-run");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).contains("dry run: nothing created, nothing submitted");
    }

    @Test
    void shouldShowThePlanWithoutSpendingOnADryRun() throws Exception {
        RegmailRunner.Result result = send("--from", "alice@sender.example", "--to",
            "bob@recipient.example", "--subject", "Dry", "--body", "x", "--dry-run",
            "--escrow", "0.001", "--fee-cap", "2gwei");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).contains("recipient 0     bob@recipient.example (to) → server "
            + chain.fixture.recipientServer.getAddress().toLowerCase())
            .contains("escrow          0.001 ETH for about 6 records of 60000 gas at a fee cap "
                + "of 2 gwei")
            .contains("dry run: nothing created, nothing submitted");
        assertThat(smtp.getReceivedMessages()).isEmpty();
        assertThat(new SentMailStore(regmail.home()).list()).isEmpty();
    }

    @Test
    void shouldComposeHtmlAndAttachmentsInSevenBitParts() throws Exception {
        Path html = files.resolve("body.html");
        Files.writeString(html, "<p>Les termes, d\u00e9j\u00e0 sign\u00e9s.</p>");
        Path attachment = files.resolve("terms.bin");
        Files.write(attachment, new byte[] {0, (byte) 0xff, 10, 13, 65});

        RegmailRunner.Result result = send("--from", "alice@sender.example", "--to",
            "bob@recipient.example", "--subject", "Terms", "--body", "Les termes.",
            "--html-file", html.toString(), "--attach", attachment.toString());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        MimeMessage received = smtp.getReceivedMessages()[0];
        byte[] submitted = raw(received);
        RegisteredMessage.requireSevenBit(RegisteredMessage.withoutField(submitted,
            RegisteredMailHeader.NAME));
        jakarta.mail.internet.MimeMultipart mixed =
            (jakarta.mail.internet.MimeMultipart) received.getContent();
        assertThat(mixed.getCount()).isEqualTo(2);
        assertThat(mixed.getBodyPart(0).isMimeType("multipart/alternative")).isTrue();
        assertThat(mixed.getBodyPart(1).getFileName()).isEqualTo("terms.bin");
        SentMail mail = new SentMailStore(regmail.home()).latest().orElseThrow();
        assertThat(Numeric.toHexString(ContentCommitment.contentHash(submitted)))
            .isEqualTo(mail.contentHash());
    }

    @Test
    void shouldShowTheAccountAndItsBalance() {
        RegmailRunner.Result result = regmail.run("account", "show", "--dev-account", "4");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).contains("account " + Anvil.devAccount(4).getAddress())
            .containsPattern("balance \\d+(\\.\\d+)? ETH on chain 31337");
    }

    @Nested
    class UserErrors {
        @Test
        void shouldRefuseABadAddress() throws Exception {
            RegmailRunner.Result result = send("--from", "alice@sender.example", "--to",
                "bob@", "--subject", "x", "--body", "y");

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCode.USAGE);
            assertThat(result.error()).isEqualTo("--to 'bob@' is not a mail address; write it "
                + "as name@example.org");
        }

        @Test
        void shouldRefuseATimeoutOverTenDays() throws Exception {
            RegmailRunner.Result result = send("--from", "alice@sender.example", "--to",
                "bob@recipient.example", "--subject", "x", "--body", "y", "--timeout", "11d");

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCode.USAGE);
            assertThat(result.error()).isEqualTo("the timeout 11d is longer than the 10 days a "
                + "registration may wait; give --timeout 10d or less");
        }

        @Test
        void shouldSayTheNodeIsUnreachable() throws Exception {
            RegmailRunner.Result result = send("--from", "alice@sender.example", "--to",
                "bob@recipient.example", "--subject", "x", "--body", "y", "--rpc-url",
                "http://127.0.0.1:9");

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCode.CHAIN);
            assertThat(result.error()).startsWith("cannot reach the Ethereum node at "
                + "http://127.0.0.1:9 (").endsWith("); is the node running? name another "
                + "with --rpc-url");
        }

        @Test
        void shouldRefuseAWrongSmtpPasswordBeforeRegisteringAnything() throws Exception {
            Path wrong = files.resolve("wrong");
            Files.writeString(wrong, "not-the-password\n");
            Files.setPosixFilePermissions(wrong, PosixFilePermissions.fromString("rw-------"));

            RegmailRunner.Result result = regmail.run("send", "--dev-account", "4",
                "--smtp-host", "127.0.0.1", "--smtp-port",
                Integer.toString(smtp.getSmtp().getPort()), "--smtp-password-file",
                wrong.toString(), "--from", "alice@sender.example", "--to",
                "bob@recipient.example", "--subject", "x", "--body", "y");

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCode.MAIL);
            assertThat(result.error()).isEqualTo("the SMTP server 127.0.0.1:"
                + smtp.getSmtp().getPort() + " refused the login alice@sender.example; check "
                + "--smtp-user and --smtp-password-file (nothing was registered)");
            assertThat(new SentMailStore(regmail.home()).list()).isEmpty();
        }

        @Test
        void shouldRefuseToPayWithoutAnSmtpLogin() throws Exception {
            long nonce = nonceOf(Anvil.devAccount(4).getAddress());

            RegmailRunner.Result result = regmail.run("send", "--dev-account", "4", "--from",
                "alice@sender.example", "--to", "bob@recipient.example", "--body", "x",
                "--subject", "y", "--smtp-host", "127.0.0.1", "--smtp-port",
                Integer.toString(smtp.getSmtp().getPort()));

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCode.USAGE);
            assertThat(result.error()).isEqualTo("give the SMTP password with "
                + "--smtp-password-file (or $REGMAIL_SMTP_PASSWORD_FILE): the sender's server "
                + "records registered mail only when it is submitted with a login (nothing was "
                + "registered)");
            assertThat(new SentMailStore(regmail.home()).list()).isEmpty();
            assertThat(nonceOf(Anvil.devAccount(4).getAddress())).isEqualTo(nonce);
            assertThat(smtp.getReceivedMessages()).isEmpty();
        }

        @Test
        void shouldRefuseToPayWhenTheSmtpServerRefusesARecipient() throws Exception {
            long nonce = nonceOf(Anvil.devAccount(4).getAddress());
            try (RefusingSmtpServer refusing = new RefusingSmtpServer()) {
                RegmailRunner.Result result = regmail.run("send", "--dev-account", "4",
                    "--from", "alice@sender.example", "--to", "bob@recipient.example",
                    "--body", "x", "--subject", "y", "--smtp-host", "127.0.0.1", "--smtp-port",
                    Integer.toString(refusing.port()), "--smtp-password-file",
                    passwordFile().toString(), "--smtp-starttls", "off");

                assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCode.MAIL);
                assertThat(result.error()).isEqualTo("the SMTP server 127.0.0.1:"
                    + refusing.port() + " refuses the recipient bob@recipient.example ("
                    + RefusingSmtpServer.REFUSAL + "); nothing was registered");
                assertThat(refusing.commands()).contains("RSET");
            }
            assertThat(new SentMailStore(regmail.home()).list()).isEmpty();
            assertThat(nonceOf(Anvil.devAccount(4).getAddress())).as("nothing paid")
                .isEqualTo(nonce);
        }

        @Test
        void shouldRefuseToPayForAMessageOverTheServersSizeLimit() throws Exception {
            long nonce = nonceOf(Anvil.devAccount(4).getAddress());
            try (RefusingSmtpServer small = new RefusingSmtpServer(100)) {
                RegmailRunner.Result result = regmail.run("send", "--dev-account", "4",
                    "--from", "alice@sender.example", "--to", "bob@recipient.example",
                    "--body", "x", "--subject", "y", "--smtp-host", "127.0.0.1", "--smtp-port",
                    Integer.toString(small.port()), "--smtp-password-file",
                    passwordFile().toString(), "--smtp-starttls", "off");

                assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCode.MAIL);
                assertThat(result.error()).startsWith("the SMTP server 127.0.0.1:"
                    + small.port() + " refuses a message of ").endsWith(" bytes (it takes at "
                    + "most 100 bytes); nothing was registered");
            }
            assertThat(nonceOf(Anvil.devAccount(4).getAddress())).as("nothing paid")
                .isEqualTo(nonce);
        }

        @Test
        void shouldRefuseAPortOutOfRangeBeforeAnything() throws Exception {
            RegmailRunner.Result result = regmail.run("send", "--dev-account", "4",
                "--smtp-password-file", passwordFile().toString(), "--from",
                "alice@sender.example", "--to", "bob@recipient.example", "--subject", "x",
                "--body", "y", "--smtp-host", "127.0.0.1", "--smtp-port", "99999");

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCode.USAGE);
            assertThat(result.error()).startsWith("Invalid value for option '--smtp-port': "
                + "'99999' is not a port (1 to 65535)");
            assertThat(result.out()).isEmpty();
        }

        @Test
        void shouldRefuseAMalformedRpcUrl() throws Exception {
            RegmailRunner.Result result = send("--from", "alice@sender.example", "--to",
                "bob@recipient.example", "--subject", "x", "--body", "y", "--rpc-url",
                "htp:/bad");

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCode.USAGE);
            assertThat(result.error()).isEqualTo("--rpc-url 'htp:/bad' is not an http or https "
                + "URL; write it as http://HOST:PORT, e.g. http://127.0.0.1:8545");
        }

        @Test
        void shouldSayTheSmtpHostIsUnknown() throws Exception {
            RegmailRunner.Result result = regmail.run("send", "--dev-account", "4",
                "--smtp-password-file", passwordFile().toString(), "--from",
                "alice@sender.example", "--to", "bob@recipient.example", "--subject", "x",
                "--body", "y", "--smtp-host", "no.such.host.invalid", "--smtp-port",
                Integer.toString(smtp.getSmtp().getPort()));

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCode.MAIL);
            assertThat(result.error()).isEqualTo("cannot submit to the SMTP server "
                + "no.such.host.invalid:" + smtp.getSmtp().getPort() + " (unknown host "
                + "no.such.host.invalid); check --smtp-host (nothing was registered)");
        }

        @Test
        void shouldNameStarttlsWhenTheServerDoesNotOfferIt() throws Exception {
            RegmailRunner.Result result = send("--from", "alice@sender.example", "--to",
                "bob@recipient.example", "--subject", "x", "--body", "y", "--smtp-starttls",
                "required");

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCode.MAIL);
            assertThat(result.error()).contains("the server does not offer STARTTLS: give "
                + "--smtp-starttls auto (or off) to submit without it (nothing was registered)");
        }

        @Test
        void shouldSayTheBodyFileDoesNotExist() throws Exception {
            Path missing = files.resolve("nosuch.txt");

            RegmailRunner.Result result = send("--from", "alice@sender.example", "--to",
                "bob@recipient.example", "--subject", "x", "--body-file", missing.toString());

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCode.USAGE);
            assertThat(result.error()).isEqualTo("cannot read --body-file " + missing
                + ": there is no such file");
        }

        @Test
        void shouldSayThePasswordFileDoesNotExist() {
            Path missing = files.resolve("missing.password");

            RegmailRunner.Result result = regmail.run("account", "new", "--keystore",
                files.resolve("k.json").toString(), "--password-file", missing.toString());

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCode.USAGE);
            assertThat(result.error()).isEqualTo("there is no password file " + missing);
        }

        @Test
        void shouldShowTheAddressWhenTheNodeIsDown() {
            RegmailRunner.Result result = regmail.run("account", "show", "--dev-account", "4",
                "--rpc-url", "http://127.0.0.1:9");

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCode.CHAIN);
            assertThat(result.out()).isEqualTo("account "
                + Anvil.devAccount(4).getAddress().toLowerCase() + System.lineSeparator()
                + "balance unknown: the node does not answer" + System.lineSeparator());
            assertThat(result.error()).startsWith("cannot reach the Ethereum node at "
                + "http://127.0.0.1:9").doesNotContain("Exception");
        }

        @Test
        void shouldRefuseASenderDomainWithoutServer() throws Exception {
            RegmailRunner.Result result = send("--from", "alice@nowhere.example", "--to",
                "bob@recipient.example", "--subject", "x", "--body", "y");

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCode.USAGE);
            assertThat(result.error()).isEqualTo("no server is registered for the sender's "
                + "domain nowhere.example in the directory; its administrator runs 'regmail "
                + "server register', or name another with --server-domain");
        }

        @Test
        void shouldRefuseAnEightBitEml() throws Exception {
            Path eml = files.resolve("8bit.eml");
            Files.write(eml, ("From: alice@sender.example\r\nTo: bob@recipient.example\r\n"
                + "Subject: x\r\nContent-Transfer-Encoding: 8bit\r\n\r\nd\u00e9j\u00e0\r\n")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));

            RegmailRunner.Result result = send("--eml", eml.toString());

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCode.USAGE);
            assertThat(result.error()).isEqualTo("the message holds an 8-bit or NUL byte on "
                + "line 6; encode its body quoted-printable or base64 and its headers with "
                + "RFC 2047, so that no relay re-encodes it");
        }

        @Test
        void shouldRefuseAWrongKeystorePassword() throws Exception {
            Path passwords = files.resolve("keystore-password");
            Files.writeString(passwords, "right\n");
            Files.setPosixFilePermissions(passwords, PosixFilePermissions.fromString("rw-------"));
            Path keystore = files.resolve("owner.json");
            assertThat(regmail.run("account", "new", "--import-dev", "4", "--keystore",
                keystore.toString(), "--password-file", passwords.toString()).exitCode()).isZero();
            Files.writeString(passwords, "wrong\n");

            RegmailRunner.Result result = regmail.run("send", "--keystore", keystore.toString(),
                "--password-file", passwords.toString(), "--from", "alice@sender.example",
                "--to", "bob@recipient.example", "--subject", "x", "--body", "y");

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCode.USAGE);
            assertThat(result.error()).isEqualTo("wrong password for the keystore " + keystore);
        }

        @Test
        void shouldRefuseAMissingRecipient() {
            RegmailRunner.Result result = regmail.run("send", "--dev-account", "4", "--from",
                "alice@sender.example", "--subject", "x");

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCode.USAGE);
            assertThat(result.error()).isEqualTo("give at least one recipient with --to, --cc "
                + "or --bcc");
        }
    }
}
