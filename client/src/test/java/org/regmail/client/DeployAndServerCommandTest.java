package org.regmail.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.regmail.client.testing.RegmailRunner;
import org.regmail.contracts.devchain.Anvil;
import org.regmail.contracts.generated.EmailRegistrationMaster;
import org.regmail.contracts.devchain.DevTransactions;
import org.regmail.contracts.testing.AnvilExtension;
import org.regmail.core.sending.Deployment;

class DeployAndServerCommandTest {
    @RegisterExtension
    static final AnvilExtension CHAIN = AnvilExtension.isolatingEachTest();

    @TempDir
    Path dir;
    RegmailRunner regmail;

    @BeforeEach
    void setUp() {
        regmail = new RegmailRunner(dir.resolve("home"));
    }

    RegmailRunner.Result deploy() {
        return regmail.run("deploy", "--rpc-url", CHAIN.rpcUrl(), "--dev-account", "0");
    }

    Path secret(String name, String content) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, content + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    @Test
    void shouldDeployAndWriteTheDeploymentFile() throws Exception {
        RegmailRunner.Result result = deploy();

        assertThat(result.exitCode()).as(result.toString()).isZero();
        Path file = regmail.home().resolve("deployment.json");
        Deployment deployment = Deployment.read(file);
        EmailRegistrationMaster master = EmailRegistrationMaster.load(deployment.master(),
            CHAIN.web3j(), DevTransactions.manager(CHAIN.web3j(), Anvil.devAccount(0)),
            DevTransactions.gas());
        assertThat(deployment.chainId()).isEqualTo(31337);
        assertThat(deployment.rpcUrl()).isEqualTo(CHAIN.rpcUrl());
        assertThat(deployment.factory()).isEqualTo(master.factory().send().toLowerCase());
        assertThat(deployment.implementation())
            .isEqualTo(master.implementation().send().toLowerCase());
        assertThat(deployment.block()).isEqualTo(1);
        assertThat(result.out()).contains("master          " + deployment.master());
        assertThat(result.err()).contains("deploying the contracts on chain 31337 …");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
            .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(regmail.home())))
            .isEqualTo("rwx------");
    }

    @Test
    void shouldRegisterApproveAndShowAServer() throws Exception {
        assertThat(deploy().exitCode()).isZero();
        Path keystore = dir.resolve("server.json");
        Path password = secret("server-password", "server-secret");
        assertThat(regmail.run("account", "new", "--import-dev", "1", "--keystore",
            keystore.toString(), "--password-file", password.toString()).exitCode()).isZero();

        RegmailRunner.Result registered = regmail.run("server", "register", "--domain",
            "Mail.Example", "--keystore", keystore.toString(), "--password-file",
            password.toString());
        RegmailRunner.Result pending = regmail.run("server", "show", "mail.example");
        RegmailRunner.Result approved = regmail.run("server", "approve", "mail.example",
            "--dev-account", "0");
        RegmailRunner.Result shown = regmail.run("server", "show", "mail.example");

        String server = Anvil.devAccount(1).getAddress().toLowerCase();
        assertThat(registered.exitCode()).as(registered.toString()).isZero();
        assertThat(registered.out()).contains("server " + server + " registered for mail.example");
        assertThat(pending.out()).contains("approved   no");
        assertThat(approved.exitCode()).as(approved.toString()).isZero();
        assertThat(shown.out()).contains("domain     mail.example", "server     " + server,
            "approved   yes");

        RegmailRunner.Result revoked = regmail.run("server", "revoke", server, "--dev-account",
            "0");
        assertThat(revoked.exitCode()).as(revoked.toString()).isZero();
        assertThat(regmail.run("server", "show", server).out()).contains("approved   no");
    }

    @Test
    void shouldKeepTheApprovalWhenAnApprovedServerRegistersItsDomainAgain() throws Exception {
        assertThat(deploy().exitCode()).isZero();
        assertThat(regmail.run("server", "register", "--domain", "mail.example",
            "--dev-account", "1").exitCode()).isZero();
        assertThat(regmail.run("server", "approve", "mail.example", "--dev-account", "0")
            .exitCode()).isZero();
        long nonce = nonceOf(Anvil.devAccount(1).getAddress());

        RegmailRunner.Result again = regmail.run("server", "register", "--domain",
            "mail.example", "--dev-account", "1");

        String server = Anvil.devAccount(1).getAddress().toLowerCase();
        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(again.out()).isEqualTo("server " + server + " is already registered for "
            + "mail.example and approved; nothing sent" + System.lineSeparator());
        assertThat(nonceOf(Anvil.devAccount(1).getAddress())).as("no transaction")
            .isEqualTo(nonce);
        assertThat(regmail.run("server", "show", "mail.example").out()).contains("approved   yes");

        RegmailRunner.Result moved = regmail.run("server", "register", "--domain",
            "mail2.example", "--dev-account", "1", "--move");
        assertThat(moved.exitCode()).as(moved.toString()).isZero();
        assertThat(moved.out()).contains("it no longer receives for mail.example, and the change "
            + "withdrew its approval");
    }

    @Test
    void shouldSendNothingWhenApprovingAnApprovedServer() throws Exception {
        assertThat(deploy().exitCode()).isZero();
        assertThat(regmail.run("server", "register", "--domain", "mail.example",
            "--dev-account", "1").exitCode()).isZero();
        assertThat(regmail.run("server", "approve", "mail.example", "--dev-account", "0")
            .exitCode()).isZero();
        long nonce = nonceOf(Anvil.devAccount(0).getAddress());

        RegmailRunner.Result again = regmail.run("server", "approve", "mail.example",
            "--dev-account", "0");

        String server = Anvil.devAccount(1).getAddress().toLowerCase();
        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(again.out()).isEqualTo("server " + server + " (mail.example) is already "
            + "approved; nothing sent" + System.lineSeparator());
        assertThat(nonceOf(Anvil.devAccount(0).getAddress())).as("no transaction")
            .isEqualTo(nonce);
    }

    long nonceOf(String address) throws Exception {
        return CHAIN.web3j().ethGetTransactionCount(address,
            org.web3j.protocol.core.DefaultBlockParameterName.LATEST).send().getTransactionCount()
            .longValueExact();
    }

    @Test
    void shouldListEveryCommandAndTheExitCodesInTheHelp() {
        RegmailRunner.Result help = regmail.run("--help");

        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("deploy", "server", "send", "status", "watch", "evidence",
            "verify", "withdraw", "4  mail: SMTP server unreachable");
        for (String command : new String[] {"deploy", "server", "account", "send", "status",
            "watch", "evidence", "verify", "withdraw", "demo"}) {
            RegmailRunner.Result commandHelp = regmail.run(command, "--help");
            assertThat(commandHelp.exitCode()).as(command).isZero();
            assertThat(commandHelp.out()).as(command).startsWith("Usage: regmail " + command);
        }
        assertThat(regmail.run("server", "register", "--help").exitCode()).isZero();
    }

    @Nested
    class UserErrors {
        @Test
        void shouldSayTheNodeIsUnreachable() {
            RegmailRunner.Result result = regmail.run("deploy", "--rpc-url",
                "http://127.0.0.1:9", "--dev-account", "0");

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCode.CHAIN);
            assertThat(result.error()).startsWith("cannot reach the Ethereum node at "
                + "http://127.0.0.1:9 (").endsWith("); is the node running? name another with "
                + "--rpc-url").doesNotContain("Exception");
        }

        @Test
        void shouldRefuseADemoWorkDirectoryHoldingOtherFiles() throws Exception {
            Path work = Files.createDirectories(dir.resolve("work"));
            Files.writeString(work.resolve("notes.txt"), "mine");

            RegmailRunner.Result result = regmail.run("demo", "--work-dir", work.toString());

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCode.USAGE);
            assertThat(result.error()).isEqualTo("--work-dir " + work + " is not empty and is "
                + "not a demo's directory; name a new or empty directory");
            assertThat(work.resolve("deployment.json")).doesNotExist();
        }

        @Test
        void shouldRefuseAMalformedRpcUrl() {
            RegmailRunner.Result result = regmail.run("deploy", "--rpc-url", "htp:/bad",
                "--dev-account", "0");

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCode.USAGE);
            assertThat(result.error()).isEqualTo("--rpc-url 'htp:/bad' is not an http or https "
                + "URL; write it as http://HOST:PORT, e.g. http://127.0.0.1:8545");
        }

        @Test
        void shouldRefuseToMoveARegisteredServerWithoutMove() throws Exception {
            assertThat(deploy().exitCode()).isZero();
            assertThat(regmail.run("server", "register", "--domain", "mail.example",
                "--dev-account", "1").exitCode()).isZero();
            assertThat(regmail.run("server", "approve", "mail.example", "--dev-account", "0")
                .exitCode()).isZero();
            long nonce = nonceOf(Anvil.devAccount(1).getAddress());

            RegmailRunner.Result result = regmail.run("server", "register", "--domain",
                "other.example", "--dev-account", "1");

            String server = Anvil.devAccount(1).getAddress().toLowerCase();
            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCode.USAGE);
            assertThat(result.error()).isEqualTo("server " + server + " is registered for "
                + "mail.example and approved; registering it for other.example would stop it "
                + "receiving for mail.example and withdraw its approval: give --move to do that, "
                + "or sign with another key (nothing sent)");
            assertThat(nonceOf(Anvil.devAccount(1).getAddress())).as("no transaction")
                .isEqualTo(nonce);
            assertThat(regmail.run("server", "show", "mail.example").out())
                .contains("approved   yes");
        }

        @Test
        void shouldSayTheAccountCannotPayBeforeSendingATransaction() throws Exception {
            assertThat(deploy().exitCode()).isZero();
            Path keystore = dir.resolve("poor.json");
            Path password = secret("poor-password", "poor-secret");
            RegmailRunner.Result created = regmail.run("account", "new", "--keystore",
                keystore.toString(), "--password-file", password.toString());
            assertThat(created.exitCode()).as(created.toString()).isZero();
            String account = created.out().split(" ")[1].toLowerCase();

            RegmailRunner.Result result = regmail.run("server", "register", "--domain",
                "recipient.example", "--keystore", keystore.toString(), "--password-file",
                password.toString());

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCode.CHAIN);
            assertThat(result.error()).startsWith("account " + account + " has 0 ETH (needs "
                + "about 0.").endsWith(" ETH) to pay for registering recipient.example; fund it "
                + "and try again (nothing was sent)");
        }

        @Test
        void shouldRefuseToOverwriteADeployment() {
            assertThat(deploy().exitCode()).isZero();

            RegmailRunner.Result again = deploy();

            assertThat(again.exitCode()).isEqualTo(ExitCode.USAGE);
            assertThat(again.error()).isEqualTo("the deployment file "
                + regmail.home().resolve("deployment.json") + " exists; give --force to replace "
                + "it or --out to write another");
        }

        @Test
        void shouldRefuseAWrongPassword() throws Exception {
            Path keystore = dir.resolve("admin.json");
            Path password = secret("password", "right");
            regmail.run("account", "new", "--keystore", keystore.toString(), "--password-file",
                password.toString());
            Path wrong = secret("wrong", "wrong");

            RegmailRunner.Result result = regmail.run("deploy", "--rpc-url", CHAIN.rpcUrl(),
                "--keystore", keystore.toString(), "--password-file", wrong.toString());

            assertThat(result.exitCode()).isEqualTo(ExitCode.USAGE);
            assertThat(result.error()).isEqualTo("wrong password for the keystore " + keystore);
        }

        @Test
        void shouldRefuseAKeystoreOthersCanRead() throws Exception {
            Path keystore = dir.resolve("admin.json");
            Path password = secret("password", "right");
            regmail.run("account", "new", "--keystore", keystore.toString(), "--password-file",
                password.toString());
            Files.setPosixFilePermissions(keystore, PosixFilePermissions.fromString("rw-r--r--"));

            RegmailRunner.Result result = regmail.run("deploy", "--rpc-url", CHAIN.rpcUrl(),
                "--keystore", keystore.toString(), "--password-file", password.toString());

            assertThat(result.exitCode()).isEqualTo(ExitCode.USAGE);
            assertThat(result.error()).isEqualTo("the keystore " + keystore + " is readable or "
                + "writable by other users; restrict it to its owner (chmod 600)");
        }

        @Test
        void shouldAnswerNoForADomainWithoutServer() {
            assertThat(deploy().exitCode()).isZero();

            RegmailRunner.Result result = regmail.run("server", "show", "nobody.example");

            assertThat(result.exitCode()).isEqualTo(ExitCode.NEGATIVE);
            assertThat(result.error()).isEqualTo("no server is registered for nobody.example in "
                + "the directory");
        }

        @Test
        void shouldRefuseABadDomainAndABadAddress() {
            assertThat(deploy().exitCode()).isZero();

            RegmailRunner.Result domain = regmail.run("server", "register", "--domain",
                "bad domain!", "--dev-account", "1");
            RegmailRunner.Result address = regmail.run("server", "approve", "0x1234",
                "--dev-account", "0");

            assertThat(domain.exitCode()).isEqualTo(ExitCode.USAGE);
            assertThat(domain.error()).isEqualTo("'bad domain!' is not a mail domain (letters, "
                + "digits, '-' and '.', e.g. mail.example.org)");
            assertThat(address.exitCode()).isEqualTo(ExitCode.USAGE);
            assertThat(address.error()).isEqualTo("'0x1234' is not an address (0x and 40 hex "
                + "digits)");
        }

        @Test
        void shouldNameTheBrokenRuleWhenANonAdminApproves() {
            assertThat(deploy().exitCode()).isZero();
            assertThat(regmail.run("server", "register", "--domain", "mail.example",
                "--dev-account", "1").exitCode()).isZero();

            RegmailRunner.Result result = regmail.run("server", "approve", "mail.example",
                "--dev-account", "5");

            assertThat(result.exitCode()).isEqualTo(ExitCode.CHAIN);
            assertThat(result.error()).isEqualTo("the contracts refuse approving server "
                + Anvil.devAccount(1).getAddress().toLowerCase()
                + ": AccessControlUnauthorizedAccount(" + Anvil.devAccount(5).getAddress()
                + ", DIRECTORY_ADMIN_ROLE); only the directory admin may do this: sign with the "
                + "account that deployed the contracts (or one it granted the role)");
        }

        @Test
        void shouldSendNothingWhenTheDeploymentNamesAnAddressWithoutTheMaster()
            throws Exception {
            assertThat(deploy().exitCode()).isZero();
            Path file = regmail.home().resolve("deployment.json");
            String account = Anvil.devAccount(7).getAddress();
            String json = Files.readString(file);
            Files.writeString(file, json.replaceAll(
                "\"master\"\\s*:\\s*\"0x[0-9a-fA-F]{40}\"", "\"master\": \"" + account + "\""));
            long nonce = nonceOf(Anvil.devAccount(1).getAddress());

            RegmailRunner.Result result = regmail.run("server", "register", "--domain",
                "mail.example", "--dev-account", "1");

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCode.CHAIN);
            assertThat(result.error()).startsWith("there is no contract at the Master address "
                + account + " on chain 31337");
            assertThat(nonceOf(Anvil.devAccount(1).getAddress())).as("no transaction")
                .isEqualTo(nonce);
        }

        @Test
        void shouldSayWhenThereIsNoDeployment() {
            RegmailRunner.Result result = regmail.run("server", "show", "mail.example");

            assertThat(result.exitCode()).isEqualTo(ExitCode.USAGE);
            assertThat(result.error()).isEqualTo("there is no deployment file "
                + regmail.home().resolve("deployment.json") + "; deploy the contracts with "
                + "'regmail deploy' or name the file with --deployment");
        }

        @Test
        void shouldRefuseAnUnknownOptionAndAMissingCommand() {
            RegmailRunner.Result unknown = regmail.run("send", "--frm", "x");
            RegmailRunner.Result none = regmail.run();
            RegmailRunner.Result demo = regmail.run("demo", "--root",
                regmail.home().resolve("no-repository").toString());

            assertThat(unknown.exitCode()).isEqualTo(ExitCode.USAGE);
            assertThat(unknown.error()).isEqualTo("Unknown options: '--frm', 'x' (see 'regmail "
                + "send --help')");
            assertThat(none.exitCode()).isEqualTo(ExitCode.USAGE);
            assertThat(none.error()).isEqualTo("name a command; 'regmail --help' lists them");
            assertThat(demo.exitCode()).as("a demo without a built repository")
                .isEqualTo(ExitCode.USAGE);
            assertThat(demo.error()).startsWith("the build is incomplete: missing the James "
                + "distribution").contains("run './mvnw install -DskipTests'");
        }
    }
}
