package org.regmail.client;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.regmail.client.testing.GoldenChain;
import org.regmail.client.testing.Mails;
import org.regmail.client.testing.RegmailRunner;
import org.regmail.contracts.devchain.Anvil;
import org.web3j.protocol.core.DefaultBlockParameter;

/**
 * {@code regmail verify} on the golden bundles of {@code src/test/resources/evidence}, against
 * the chain they were made on, rebuilt deterministically ({@link GoldenChain}).
 *
 * <p>To rewrite the bundles (after a change to the contracts, the trail or the format):
 * <pre>
 * ./mvnw -B verify -pl client -Dtest=GoldenEvidenceTest -Dregmail.evidence.regenerate=true
 * </pre>
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GoldenEvidenceTest {
    static final Path GOLDEN = Path.of("src/test/resources/evidence");
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @TempDir
    static Path dir;
    static GoldenChain chain;

    @BeforeAll
    static void rebuildTheChain() throws Exception {
        chain = GoldenChain.build(dir.resolve("sender"));
    }

    @AfterAll
    static void stop() {
        if (chain != null) {
            chain.close();
        }
    }

    RegmailRunner.Result verify(String bundle, String... extra) {
        String[] args = new String[3 + extra.length];
        args[0] = "verify";
        args[1] = GOLDEN.resolve(bundle).toString();
        args[2] = "--rpc-url=" + chain.anvil.rpcUrl();
        System.arraycopy(extra, 0, args, 3, extra.length);
        // A stranger's empty home: verify reads no local state.
        return new RegmailRunner(dir.resolve("stranger")).run(args);
    }

    @Test
    @Order(0)
    @EnabledIfSystemProperty(named = "regmail.evidence.regenerate", matches = "true")
    void regenerateTheGoldenBundles() throws Exception {
        Path valid = GOLDEN.resolve("valid.json");
        RegmailRunner.Result exported = new RegmailRunner(dir.resolve("sender"))
            .run("evidence", "--embed-eml", "--no-html", "--force", "-o", valid.toString());
        assertThat(exported.exitCode()).as(exported.toString()).isZero();
        // Bundles are checked in: drop the owner-only mode the client gives them.
        Files.setPosixFilePermissions(valid,
            java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        ObjectNode bundle = (ObjectNode) JSON.readTree(valid.toFile());

        ObjectNode changedSalt = bundle.deepCopy();
        changedSalt.put("salt", "0x" + "5a".repeat(32));
        write("changed-salt.json", changedSalt);

        ObjectNode withoutEml = bundle.deepCopy();
        withoutEml.remove("eml");
        write("altered-eml.json", withoutEml);
        Files.writeString(GOLDEN.resolve("altered-eml.eml"),
            Mails.MESSAGE.replace("terms below", "terms above"), US_ASCII);

        ObjectNode otherChain = bundle.deepCopy();
        otherChain.put("chainId", 1);
        write("other-chain.json", otherChain);

        ObjectNode forged = bundle.deepCopy();
        for (JsonNode event : (ArrayNode) forged.get("events")) {
            if ("DELIVERED".equals(event.path("status").asText())
                && event.path("recipientIndex").asInt() == 1) {
                ((ObjectNode) event).put("status", "READ");
            }
        }
        write("forged-event.json", forged);

        ObjectNode fakeTime = bundle.deepCopy();
        event(fakeTime, "READ", 0).put("time", "2026-01-01T00:12:30Z");
        write("fake-time.json", fakeTime);

        ObjectNode noTime = bundle.deepCopy();
        event(noTime, "READ", 0).put("time", "garbage");
        write("time-not-a-time.json", noTime);

        ObjectNode negativeExport = bundle.deepCopy();
        ((ArrayNode) negativeExport.get("events")).remove(index(negativeExport, "READ", 0));
        negativeExport.put("exportedAtBlock", -1);
        write("export-block-negative.json", negativeExport);

        ObjectNode beforeCreation = bundle.deepCopy();
        beforeCreation.putArray("events");
        beforeCreation.put("exportedAtBlock", 0);
        write("export-block-before-creation.json", beforeCreation);

        ObjectNode beforeItsEvents = bundle.deepCopy();
        ((ArrayNode) beforeItsEvents.get("events")).remove(index(beforeItsEvents, "DELIVERED", 1));
        beforeItsEvents.put("exportedAtBlock", 11);
        write("export-block-before-its-events.json", beforeItsEvents);

        ObjectNode beyondTheNode = bundle.deepCopy();
        beyondTheNode.put("exportedAtBlock", 1_000_000_000_000_000L);
        write("export-block-beyond-the-node.json", beyondTheNode);

        ObjectNode duplicatedEvent = bundle.deepCopy();
        ((ArrayNode) duplicatedEvent.get("events")).add(event(bundle, "READ", 0).deepCopy());
        write("duplicated-event.json", duplicatedEvent);

        ObjectNode duplicatedRecipient = bundle.deepCopy();
        ((ArrayNode) duplicatedRecipient.get("recipients"))
            .set(2, bundle.get("recipients").get(1).deepCopy());
        write("duplicated-recipient.json", duplicatedRecipient);

        ObjectNode wrappedIndex = bundle.deepCopy();
        event(wrappedIndex, "DELIVERED", 1).put("recipientIndex", (1L << 32) + 1);
        write("wrapped-recipient-index.json", wrappedIndex);

        ObjectNode unknownField = bundle.deepCopy();
        event(unknownField, "READ", 0).put("readBy", "bob, in person, before witnesses");
        write("unknown-field.json", unknownField);

        ObjectNode forgedTransaction = bundle.deepCopy();
        event(forgedTransaction, "READ", 0).put("transactionHash", "0x" + "ab".repeat(32));
        write("forged-transaction-hash.json", forgedTransaction);

        ObjectNode shiftedLog = bundle.deepCopy();
        event(shiftedLog, "READ", 0).put("logIndex", 1);
        write("shifted-log-index.json", shiftedLog);

        ObjectNode forgedBlockHash = bundle.deepCopy();
        event(forgedBlockHash, "DELIVERED", 1).put("blockHash", "0x" + "cd".repeat(32));
        write("forged-block-hash.json", forgedBlockHash);
    }

    private static int index(ObjectNode bundle, String status, int recipient) {
        ArrayNode events = (ArrayNode) bundle.get("events");
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i) == event(bundle, status, recipient)) {
                return i;
            }
        }
        throw new IllegalArgumentException("no " + status + " for recipient " + recipient);
    }

    /** The bundle's StatusRecorded event of that status for that recipient. */
    private static ObjectNode event(ObjectNode bundle, String status, int recipient) {
        for (JsonNode event : (ArrayNode) bundle.get("events")) {
            if (status.equals(event.path("status").asText())
                && event.path("recipientIndex").asInt() == recipient) {
                return (ObjectNode) event;
            }
        }
        throw new IllegalArgumentException("no " + status + " for recipient " + recipient);
    }

    private static void write(String name, JsonNode bundle) throws Exception {
        Files.writeString(GOLDEN.resolve(name), JSON.writeValueAsString(bundle) + "\n", UTF_8);
    }

    @Test
    @Order(1)
    void shouldRebuildTheChainTheBundlesWereMadeOn() throws Exception {
        JsonNode valid = JSON.readTree(GOLDEN.resolve("valid.json").toFile());

        assertThat(chain.mail.registration())
            .as("the golden chain changed: regenerate the bundles (see this class's Javadoc)")
            .isEqualTo(valid.get("registration").asText());
        assertThat(chain.deployment.master()).isEqualTo(valid.at("/contracts/master").asText());
    }

    @Test
    @Order(2)
    void shouldFindTheValidBundleValid() {
        RegmailRunner.Result result = verify("valid.json");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCode.OK);
        assertThat(result.out())
            .contains("OK        message: the embedded message hashes to the content hash")
            .contains("OK        content commitment: keccak256(salt ‖ content hash) is")
            .contains("OK        recipient 1 carol@second.example: keccak256(salt ‖ address) "
                + "matches its commitment")
            .contains("OK        registration address: " + chain.mail.registration()
                + " is the CREATE2 address of owner " + chain.mail.owner())
            .contains("OK        chain: the node is on chain 31337")
            .contains("OK        registration code: " + chain.mail.registration()
                + " holds the EIP-1167 clone of the implementation")
            .contains("OK        creation: the Master's RegistrationCreated event carries the "
                + "claimed owner, terms and commitments")
            .contains("OK        export block: block 14 is after the registration's creation "
                + "(block 8) and every event claimed, and not beyond the node's latest block 14")
            .contains("OK        event StatusRecorded READ recipient 0 (block")
            .contains("recipient 0  bob@recipient.example — final: READ")
            .doesNotContain("MISMATCH")
            .contains("verdict: VALID — 22 claims confirmed, none contradicted");
    }

    @Test
    @Order(3)
    void shouldRefuteAChangedSalt() {
        RegmailRunner.Result result = verify("changed-salt.json");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCode.NEGATIVE);
        assertThat(result.out())
            .contains("MISMATCH  content commitment: keccak256(salt ‖ content hash) is")
            .contains("(wrong salt or content hash)")
            .contains("MISMATCH  recipient 0 bob@recipient.example: keccak256(salt ‖ address) is")
            .contains("verdict: INVALID — 4 of 22 claims do not hold");
    }

    @Test
    @Order(4)
    void shouldRefuteAnAlteredMessage() {
        RegmailRunner.Result result = verify("altered-eml.json", "--eml",
            GOLDEN.resolve("altered-eml.eml").toString());

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCode.NEGATIVE);
        assertThat(result.out())
            .contains("MISMATCH  message: the message given hashes to")
            .contains(": it is not the message registered")
            .contains("verdict: INVALID — 1 of 22 claims do not hold");
        assertThat(verify("altered-eml.json").out())
            .contains("NOTE      message: no message given: the content hash")
            .contains("verdict: VALID");
    }

    @Test
    @Order(5)
    void shouldRefuteABundleForAnotherChain() {
        RegmailRunner.Result result = verify("other-chain.json");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCode.NEGATIVE);
        assertThat(result.out())
            .contains("MISMATCH  chain: the bundle is for chain 1 but the node at "
                + chain.anvil.rpcUrl() + " is on chain 31337; give --rpc-url of a node of "
                + "chain 1")
            .contains("verdict: INVALID");
    }

    @Test
    @Order(6)
    void shouldRefuteAForgedEvent() {
        RegmailRunner.Result result = verify("forged-event.json");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCode.NEGATIVE);
        assertThat(result.out())
            .contains("MISMATCH  event StatusRecorded READ recipient 1 (block")
            .contains("the chain differs: status: bundle says READ, chain says DELIVERED")
            .contains("verdict: INVALID — 1 of 22 claims do not hold");
    }

    @Test
    @Order(7)
    void shouldSayWhatIsWrongWithAFileThatIsNoBundle() throws Exception {
        Path notABundle = dir.resolve("not-a-bundle.json");
        Files.writeString(notABundle, "{\"format\": \"regmail-evidence\", \"version\": 1}");

        RegmailRunner.Result result = new RegmailRunner(dir.resolve("stranger"))
            .run("verify", notABundle.toString(), "--rpc-url", chain.anvil.rpcUrl());

        assertThat(result.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(result.error()).isEqualTo(notABundle + " is not an evidence bundle: "
            + "'contracts' is missing");
    }

    @Test
    @Order(7)
    void shouldSayWhereATextFileStopsBeingJson() throws Exception {
        Path text = dir.resolve("terms.txt");
        Files.writeString(text, "Terms and conditions\n\nThe sender agrees.\n");
        Path cut = dir.resolve("cut.json");
        Files.writeString(cut, "{\n  \"format\": \"regmail-evidence\",\n  \"version\": 1,\n  \"x");

        RegmailRunner.Result ofText = new RegmailRunner(dir.resolve("stranger"))
            .run("verify", text.toString(), "--rpc-url", chain.anvil.rpcUrl());
        RegmailRunner.Result ofCut = new RegmailRunner(dir.resolve("stranger"))
            .run("verify", cut.toString(), "--rpc-url", chain.anvil.rpcUrl());

        assertThat(ofText.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(ofText.error()).isEqualTo(text + " is not an evidence bundle: it is not JSON "
            + "at line 1 column 6");
        assertThat(ofCut.error()).isEqualTo(cut + " is not an evidence bundle: it is not JSON "
            + "at line 4 column 5");
    }

    @Test
    @Order(8)
    void shouldSayTheNodeIsUnreachable() {
        RegmailRunner.Result result = new RegmailRunner(dir.resolve("stranger"))
            .run("verify", GOLDEN.resolve("valid.json").toString(), "--rpc-url",
                "http://127.0.0.1:9");

        assertThat(result.exitCode()).isEqualTo(ExitCode.CHAIN);
        assertThat(result.error()).isEqualTo("cannot reach the Ethereum node at "
            + "http://127.0.0.1:9 (connection refused); is the node running? name another with "
            + "--rpc-url");
    }

    @Test
    void shouldSayWhichNodeItUsesWhenNoneIsGiven() {
        RegmailRunner.Result result = new RegmailRunner(dir.resolve("stranger"))
            .run("verify", GOLDEN.resolve("valid.json").toString());
        RegmailRunner.Result help = new RegmailRunner(dir.resolve("stranger"))
            .run("verify", "--help");

        assertThat(result.err()).startsWith("using the node at http://127.0.0.1:8545 (the "
            + "default; name another with --rpc-url)" + System.lineSeparator());
        assertThat(help.out().replaceAll("\\s+", " ")).contains("else http://127.0.0.1:8545");
    }

    @Test
    @Order(9)
    void shouldRefuteAFakeTimeWhenTheBlockWasMinedAtAnother() {
        RegmailRunner.Result result = verify("fake-time.json");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCode.NEGATIVE);
        assertThat(result.out())
            .contains("MISMATCH  event StatusRecorded READ recipient 0 (block 14): the chain "
                + "differs: time: bundle says 2026-01-01T00:12:30Z, chain says "
                + "2026-01-01T00:14:00Z")
            .contains("verdict: INVALID — 1 of 22 claims do not hold");
    }

    @Test
    @Order(10)
    void shouldRefuseATimeWhenItIsNoTime() {
        RegmailRunner.Result result = verify("time-not-a-time.json");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(result.error()).isEqualTo(GOLDEN.resolve("time-not-a-time.json")
            + " is not an evidence bundle: 'events[10].time' is not an ISO-8601 time: garbage");
    }

    @Test
    @Order(11)
    void shouldRefuseANegativeExportBlockWhenItIsNoBlock() {
        RegmailRunner.Result result = verify("export-block-negative.json");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(result.error()).isEqualTo(GOLDEN.resolve("export-block-negative.json")
            + " is not an evidence bundle: 'exportedAtBlock' is negative: -1");
    }

    @Test
    @Order(12)
    void shouldRefuteAnExportBlockWhenItPrecedesTheCreation() {
        RegmailRunner.Result result = verify("export-block-before-creation.json");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCode.NEGATIVE);
        assertThat(result.out())
            .contains("MISMATCH  export block: the bundle says it was exported at block 0, "
                + "before the registration was created in block 8")
            .contains("NOTE      event StatusRecorded READ recipient 0 (block 14): recorded "
                + "after the bundle was exported")
            .contains("verdict: INVALID — 1 of 11 claims do not hold");
    }

    @Test
    @Order(13)
    void shouldRefuteAnExportBlockWhenItPrecedesAClaimedEvent() {
        RegmailRunner.Result result = verify("export-block-before-its-events.json");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCode.NEGATIVE);
        assertThat(result.out())
            .contains("MISMATCH  export block: the bundle says it was exported at block 11 but "
                + "claims an event the chain recorded in block 14")
            .contains("MISMATCH  event StatusRecorded DELIVERED recipient 1 (block 12): on chain "
                + "in tx 0x1178f73abfc12137711dc667d6f3dba20da0cc2d3d452df441acc35b15c55e2f but "
                + "left out of the bundle, which claims events up to block 14")
            .doesNotContain("NOTE      event")
            .contains("verdict: INVALID — 2 of 22 claims do not hold");
    }

    @Test
    @Order(14)
    void shouldRefuseAnExportBlockWhenTheNodeHasNotReachedIt() {
        RegmailRunner.Result result = verify("export-block-beyond-the-node.json");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCode.CHAIN);
        assertThat(result.error()).isEqualTo("the bundle says it was exported at block "
            + "1000000000000000 but the node at " + chain.anvil.rpcUrl() + " is at block 14: the "
            + "node is behind (let it catch up, or name another with --rpc-url), or the bundle "
            + "comes from a fork this node does not follow, or its export block is false; "
            + "nothing was verified");
        assertThat(result.out()).doesNotContain("verdict");
    }

    @Test
    @Order(15)
    void shouldRefuseAnEventWhenItIsListedTwice() {
        RegmailRunner.Result result = verify("duplicated-event.json");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(result.error()).isEqualTo(GOLDEN.resolve("duplicated-event.json")
            + " is not an evidence bundle: 'events[11]' repeats 'events[10]', the event at log 0 "
            + "of transaction 0x77326059824df76cd60d48b638d5bcab89110f9995b868f24fcd3f81c33c8a42: "
            + "each is listed once");
        assertThat(result.out()).doesNotContain("claims confirmed");
    }

    @Test
    @Order(16)
    void shouldRefuseARecipientWhenItIsListedTwice() {
        RegmailRunner.Result result = verify("duplicated-recipient.json");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(result.error()).isEqualTo(GOLDEN.resolve("duplicated-recipient.json")
            + " is not an evidence bundle: 'recipients[2]' repeats 'recipients[1]', recipient 1: "
            + "each is listed once");
    }

    @Test
    @Order(17)
    void shouldRefuseARecipientIndexWhenAnIntWouldWrapItOntoAnother() {
        RegmailRunner.Result result = verify("wrapped-recipient-index.json");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(result.error()).isEqualTo(GOLDEN.resolve("wrapped-recipient-index.json")
            + " is not an evidence bundle: 'events[8].recipientIndex' is not a recipient index: "
            + "4294967297");
    }

    @Test
    @Order(18)
    void shouldRefuseAFieldWhenTheFormatDoesNotDefineIt() {
        RegmailRunner.Result result = verify("unknown-field.json");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(result.error()).isEqualTo(GOLDEN.resolve("unknown-field.json")
            + " is not an evidence bundle: 'events[10].readBy' is no field of regmail-evidence "
            + "version 1: verify could not check it");
    }

    @Test
    @Order(19)
    void shouldNameBothTransactionHashesWhenTheClaimedOneIsFalse() {
        RegmailRunner.Result result = verify("forged-transaction-hash.json");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCode.NEGATIVE);
        assertThat(result.out())
            .contains("MISMATCH  event StatusRecorded READ recipient 0 (block 14): the chain "
                + "differs: transaction hash: bundle says 0x" + "ab".repeat(32) + ", chain says "
                + "0x77326059824df76cd60d48b638d5bcab89110f9995b868f24fcd3f81c33c8a42")
            .doesNotContain("left out")
            .contains("verdict: INVALID — 1 of 22 claims do not hold");
    }

    @Test
    @Order(20)
    void shouldNameBothLogIndexesWhenTheClaimedOneIsFalse() {
        RegmailRunner.Result result = verify("shifted-log-index.json");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCode.NEGATIVE);
        assertThat(result.out())
            .contains("MISMATCH  event StatusRecorded READ recipient 0 (block 14): the chain "
                + "differs: log index: bundle says 1, chain says 0")
            .doesNotContain("left out")
            .contains("verdict: INVALID — 1 of 22 claims do not hold");
    }

    @Test
    @Order(21)
    void shouldRefuteAForgedBlockHashWhenTheOtherBlocksMatch() {
        RegmailRunner.Result result = verify("forged-block-hash.json");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCode.NEGATIVE);
        assertThat(result.out())
            .contains("MISMATCH  event StatusRecorded DELIVERED recipient 1 (block 12): the "
                + "chain differs: block hash: bundle says 0x" + "cd".repeat(32) + ", chain says "
                + "0xd174e3b1770822e3b26252d6047827e68be26c00af0cdcda8a0640ec646b7f79")
            .contains("verdict: INVALID — 1 of 22 claims do not hold");
    }

    @Test
    @Order(22)
    void shouldRefuseToJudgeWhenTheNodeIsOnAnotherChainWithTheSameId() throws Exception {
        try (Anvil other = Anvil.start()) {
            for (int i = 0; i < 20; i++) {
                other.mine();
            }
            String block8 = other.web3j().ethGetBlockByNumber(
                DefaultBlockParameter.valueOf(BigInteger.valueOf(8)), false).send().getBlock()
                .getHash();

            RegmailRunner.Result result = new RegmailRunner(dir.resolve("stranger"))
                .run("verify", GOLDEN.resolve("valid.json").toString(), "--rpc-url",
                    other.rpcUrl());

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCode.CHAIN);
            assertThat(result.error()).isEqualTo("the node at " + other.rpcUrl() + " is on "
                + "another chain or fork than the bundle's: block 8 has hash " + block8
                + " there but 0x0753217ba59d617e33edd643f632244a298acf603dcf49d767ec62a0adb4711a"
                + " in the bundle, and none of the 7 blocks of the bundle the node has matches; "
                + "nothing was verified; give --rpc-url of a node of the bundle's chain");
            assertThat(result.out()).doesNotContain("MISMATCH").doesNotContain("verdict");
        }
    }
}
