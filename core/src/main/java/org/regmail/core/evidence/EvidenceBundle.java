package org.regmail.core.evidence;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.regmail.contracts.Status;
import org.web3j.utils.Numeric;

/**
 * The evidence of one registered mail, as the sender hands it to a counterparty, an auditor or
 * a court: everything needed to check the mail's trail against any node of the chain, and
 * nothing that needs trusting the sender or a mail server. {@link EvidenceVerifier} checks it.
 *
 * <h2>Format {@value #FORMAT}, version {@value #VERSION} (JSON)</h2>
 * <pre>{@code
 * {
 *   "format": "regmail-evidence", "version": 1,
 *   "chainId": 31337,
 *   "contracts": { "master": "0x…", "factory": "0x…", "implementation": "0x…" },
 *   "registration": "0x…", "owner": "0x…", "localId": "0x…32 bytes",
 *   "senderServer": "0x…", "deadline": 1767225600, "feeCap": "…wei", "escrow": "…wei",
 *   "salt": "0x…32 bytes",
 *   "contentHash": "0x…", "contentCommitment": "0x…",
 *   "recipients": [ { "index": 0, "address": "bob@example.org",
 *                     "commitment": "0x…", "server": "0x…" } ],
 *   "exportedAtBlock": 42,
 *   "events": [ { "event": "StatusRecorded", "contract": "0x…", "blockNumber": 12,
 *                 "blockHash": "0x…", "timestamp": 1767139200, "time": "2025-…Z",
 *                 "transactionHash": "0x…", "logIndex": 0, "recipientIndex": 0,
 *                 "status": "SUBMITTED", "account": "0x…", "amount": "…" } ],
 *   "eml": "base64 of the message as registered (optional)"
 * }
 * }</pre>
 * {@code exportedAtBlock} is the chain's latest block when the trail was read: the bundle
 * claims every event of the registration up to it.
 * Chain ids, block numbers, times, log and recipient indexes are never negative, and a
 * recipient index fits an {@code int}.
 * Each recipient index and each event (transaction and log index) is listed once, and no
 * object holds a field this version does not define.
 * A recipient's {@code address} is left out when the sender withholds it: its commitment
 * still shows the recipient exists without naming it. {@code time} is {@code timestamp} in
 * ISO-8601 (RFC 3339, with {@code Z} or an offset) for people: a reader may trust it alone,
 * so the verifier holds it to the block's time like every other field. Event fields are those
 * of {@link TrailEvent}, and {@link #times()} holds each event's {@code time} as the bundle
 * states it; hex is lower case; amounts are decimal strings of wei.
 *
 * <p>The bundle holds the salt: whoever holds it can confirm a guessed recipient address or
 * message against the chain. Give it only to whom the proof is for.
 */
public record EvidenceBundle(long chainId, String master, String factory, String implementation,
                             String registration, String owner, byte[] localId,
                             String senderServer, long deadline, BigInteger feeCap,
                             BigInteger escrow, byte[] salt, byte[] contentHash,
                             byte[] contentCommitment, List<Recipient> recipients,
                             long exportedAtBlock, List<TrailEvent> events, List<Instant> times,
                             byte[] eml) {
    public static final String FORMAT = "regmail-evidence";
    public static final int VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper()
        .enable(SerializationFeature.INDENT_OUTPUT);

    public EvidenceBundle {
        recipients = List.copyOf(recipients);
        events = List.copyOf(events);
        times = List.copyOf(times);
        if (times.size() != events.size()) {
            throw new IllegalArgumentException(times.size() + " times for " + events.size()
                + " events");
        }
    }

    /**
     * One recipient as the bundle shows it.
     *
     * @param index its index in the registration
     * @param address its address, or null when withheld
     * @param commitment keccak256(salt ‖ address) as claimed
     * @param server its domain's server as claimed (zero address when none)
     */
    public record Recipient(int index, String address, byte[] commitment, String server) {
    }

    /**
     * The bundle of a trail read from the chain.
     *
     * @param addresses the recipients' addresses to disclose, by index (others are withheld)
     * @param eml the message as registered, or null to leave it out
     */
    public static EvidenceBundle of(long chainId, String master, String factory,
                                    String implementation, RegistrationTrail trail, byte[] salt,
                                    byte[] contentHash, Map<Integer, String> addresses,
                                    byte[] eml) {
        RegistrationFacts facts = trail.facts();
        List<Recipient> recipients = new ArrayList<>();
        for (int i = 0; i < facts.recipientCount(); i++) {
            recipients.add(new Recipient(i, addresses.get(i), facts.recipientCommitments().get(i),
                facts.recipientServers().get(i)));
        }
        return new EvidenceBundle(chainId, lower(master), lower(factory), lower(implementation),
            facts.registration(), facts.owner(), facts.localId(), facts.senderServer(),
            facts.deadline(), facts.feeCap(), facts.escrow(), salt, contentHash,
            facts.contentCommitment(), recipients, trail.readAtBlock(), trail.events(),
            blockTimes(trail.events()), eml);
    }

    /** Each event's block time, as the {@code time} fields of an exported bundle state it. */
    public static List<Instant> blockTimes(List<TrailEvent> events) {
        return events.stream().map(e -> Instant.ofEpochSecond(e.timestamp())).toList();
    }

    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        root.put("chainId", chainId);
        ObjectNode contracts = root.putObject("contracts");
        contracts.put("master", master);
        contracts.put("factory", factory);
        contracts.put("implementation", implementation);
        root.put("registration", registration);
        root.put("owner", owner);
        root.put("localId", hex(localId));
        root.put("senderServer", senderServer);
        root.put("deadline", deadline);
        root.put("feeCap", feeCap.toString());
        root.put("escrow", escrow.toString());
        root.put("salt", hex(salt));
        root.put("contentHash", hex(contentHash));
        root.put("contentCommitment", hex(contentCommitment));
        ArrayNode recipientArray = root.putArray("recipients");
        for (Recipient r : recipients) {
            ObjectNode node = recipientArray.addObject();
            node.put("index", r.index());
            if (r.address() != null) {
                node.put("address", r.address());
            }
            node.put("commitment", hex(r.commitment()));
            node.put("server", r.server());
        }
        root.put("exportedAtBlock", exportedAtBlock);
        ArrayNode eventArray = root.putArray("events");
        for (int i = 0; i < events.size(); i++) {
            writeEvent(eventArray.addObject(), events.get(i), times.get(i));
        }
        if (eml != null) {
            root.put("eml", Base64.getEncoder().encodeToString(eml));
        }
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (IOException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /**
     * Reads a bundle.
     *
     * @throws EvidenceFormatException naming the field that is missing or malformed
     */
    public static EvidenceBundle fromJson(String json) throws EvidenceFormatException {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            // The parser's own wording names its token types; the place is what a reader needs.
            com.fasterxml.jackson.core.JsonLocation at = e.getLocation();
            throw new EvidenceFormatException("it is not JSON" + (at == null || at.getLineNr() < 1
                ? "" : " at line " + at.getLineNr() + " column " + at.getColumnNr()));
        }
        if (root == null || !root.isObject()) {
            throw new EvidenceFormatException("it is not a JSON object");
        }
        Fields f = new Fields(root, "");
        if (!FORMAT.equals(f.text("format"))) {
            throw new EvidenceFormatException("its format is not " + FORMAT);
        }
        if (f.number("version") != VERSION) {
            throw new EvidenceFormatException("its version " + f.number("version")
                + " is not supported (this client reads " + VERSION + ")");
        }
        Fields contracts = f.object("contracts");
        List<Recipient> recipients = new ArrayList<>();
        for (Fields r : f.array("recipients")) {
            recipients.add(new Recipient(r.index("index"), r.optionalText("address"),
                r.bytes32("commitment"), r.address("server")));
            r.requireNoOthers();
        }
        requireOnce(recipients.stream().map(r -> "recipient " + r.index()).toList(),
            "recipients");
        List<TrailEvent> events = new ArrayList<>();
        List<Instant> times = new ArrayList<>();
        for (Fields e : f.array("events")) {
            events.add(readEvent(e));
            times.add(e.time("time"));
            e.requireNoOthers();
        }
        requireOnce(events.stream().map(e -> "the event at log " + e.logIndex()
            + " of transaction " + e.transactionHash()).toList(), "events");
        String eml = f.optionalText("eml");
        byte[] emlBytes;
        try {
            emlBytes = eml == null ? null : Base64.getMimeDecoder().decode(eml);
        } catch (IllegalArgumentException e) {
            throw new EvidenceFormatException("its eml is not base64");
        }
        EvidenceBundle bundle = new EvidenceBundle(f.count("chainId"),
            contracts.address("master"),
            contracts.address("factory"), contracts.address("implementation"),
            f.address("registration"), f.address("owner"), f.bytes32("localId"),
            f.address("senderServer"), f.count("deadline"), f.wei("feeCap"), f.wei("escrow"),
            f.bytes32("salt"), f.bytes32("contentHash"), f.bytes32("contentCommitment"),
            recipients, f.count("exportedAtBlock"), events, times, emlBytes);
        contracts.requireNoOthers();
        f.requireNoOthers();
        return bundle;
    }

    /** The same bundle with the addresses of the given indexes only. */
    public EvidenceBundle disclosing(Set<Integer> indexes) {
        List<Recipient> kept = recipients.stream()
            .map(r -> indexes.contains(r.index()) ? r
                : new Recipient(r.index(), null, r.commitment(), r.server()))
            .toList();
        return new EvidenceBundle(chainId, master, factory, implementation, registration, owner,
            localId, senderServer, deadline, feeCap, escrow, salt, contentHash,
            contentCommitment, kept, exportedAtBlock, events, times, eml);
    }

    /** Leaves the salt out. */
    @Override
    public String toString() {
        return "EvidenceBundle[chain " + chainId + ", registration " + registration + ", "
            + events.size() + " events]";
    }

    private static void writeEvent(ObjectNode node, TrailEvent e, Instant time) {
        node.put("event", e.event());
        node.put("contract", e.contract());
        node.put("blockNumber", e.blockNumber());
        node.put("blockHash", e.blockHash());
        node.put("timestamp", e.timestamp());
        node.put("time", time.toString());
        node.put("transactionHash", e.transactionHash());
        node.put("logIndex", e.logIndex());
        if (e.recipientIndex() != null) {
            node.put("recipientIndex", e.recipientIndex());
        }
        if (e.status() != null) {
            node.put("status", e.status().name());
        }
        if (e.account() != null) {
            node.put("account", e.account());
        }
        if (e.by() != null) {
            node.put("by", e.by());
        }
        if (e.amount() != null) {
            node.put("amount", e.amount().toString());
        }
        if (e.reason() != null) {
            node.put("reason", e.reason());
        }
    }

    private static TrailEvent readEvent(Fields e) throws EvidenceFormatException {
        String status = e.optionalText("status");
        Status parsed = null;
        if (status != null) {
            try {
                parsed = Status.valueOf(status);
            } catch (IllegalArgumentException unknown) {
                throw new EvidenceFormatException(e.where("status") + " is no status: " + status);
            }
        }
        String amount = e.optionalText("amount");
        return new TrailEvent(e.text("event"), e.address("contract"), e.count("blockNumber"),
            e.bytes32Text("blockHash"), e.count("timestamp"), e.bytes32Text("transactionHash"),
            e.count("logIndex"), e.optionalIndex("recipientIndex"), parsed,
            e.optionalAddress("account"), e.optionalAddress("by"),
            amount == null ? null : e.wei("amount"), e.optionalText("reason"));
    }

    /**
     * Refuses an item listed twice: it would pass for two claims, and a recipient repeated in
     * place of one left out would keep the count right.
     */
    private static void requireOnce(List<String> items, String array)
        throws EvidenceFormatException {
        Map<String, Integer> first = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            Integer earlier = first.putIfAbsent(items.get(i), i);
            if (earlier != null) {
                throw new EvidenceFormatException("'" + array + "[" + i + "]' repeats '" + array
                    + "[" + earlier + "]', " + items.get(i) + ": each is listed once");
            }
        }
    }

    private static String hex(byte[] bytes) {
        return Numeric.toHexString(bytes);
    }

    private static String lower(String text) {
        return text.toLowerCase(Locale.ROOT);
    }

    /** Typed reading of one JSON object, naming the field at fault. */
    private static final class Fields {
        private final JsonNode node;
        private final String path;
        private final Set<String> read = new HashSet<>();

        Fields(JsonNode node, String path) {
            this.node = node;
            this.path = path;
        }

        String where(String field) {
            return "'" + path + field + "'";
        }

        private boolean present(String field) {
            read.add(field);
            return node.hasNonNull(field);
        }

        /**
         * Refuses a field this version does not define: verify would not check it, yet a
         * reader could take it for part of the evidence.
         */
        void requireNoOthers() throws EvidenceFormatException {
            for (Iterator<String> names = node.fieldNames(); names.hasNext();) {
                String name = names.next();
                if (!read.contains(name)) {
                    throw new EvidenceFormatException(where(name) + " is no field of " + FORMAT
                        + " version " + VERSION + ": verify could not check it");
                }
            }
        }

        private JsonNode required(String field) throws EvidenceFormatException {
            read.add(field);
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                throw new EvidenceFormatException(where(field) + " is missing");
            }
            return value;
        }

        String text(String field) throws EvidenceFormatException {
            JsonNode value = required(field);
            if (!value.isTextual()) {
                throw new EvidenceFormatException(where(field) + " is not a string");
            }
            return value.asText();
        }

        String optionalText(String field) throws EvidenceFormatException {
            return present(field) ? text(field) : null;
        }

        long number(String field) throws EvidenceFormatException {
            JsonNode value = required(field);
            if (!value.canConvertToLong() || !value.isIntegralNumber()) {
                throw new EvidenceFormatException(where(field) + " is not a whole number");
            }
            return value.asLong();
        }

        /** A block number, time or position: a whole number, never negative. */
        long count(String field) throws EvidenceFormatException {
            long value = number(field);
            if (value < 0) {
                throw new EvidenceFormatException(where(field) + " is negative: " + value);
            }
            return value;
        }

        Instant time(String field) throws EvidenceFormatException {
            String text = text(field);
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException e) {
                throw new EvidenceFormatException(where(field) + " is not an ISO-8601 time: "
                    + text);
            }
        }

        /** A recipient index: the contracts' uint256, held here in an int. */
        int index(String field) throws EvidenceFormatException {
            long value = count(field);
            if (value > Integer.MAX_VALUE) {
                throw new EvidenceFormatException(where(field) + " is not a recipient index: "
                    + value);
            }
            return (int) value;
        }

        Integer optionalIndex(String field) throws EvidenceFormatException {
            return present(field) ? index(field) : null;
        }

        BigInteger wei(String field) throws EvidenceFormatException {
            String text = text(field);
            if (!text.matches("[0-9]{1,78}")) {
                throw new EvidenceFormatException(where(field) + " is not a decimal amount");
            }
            return new BigInteger(text);
        }

        String address(String field) throws EvidenceFormatException {
            String text = text(field).toLowerCase(Locale.ROOT);
            if (!text.matches("0x[0-9a-f]{40}")) {
                throw new EvidenceFormatException(where(field) + " is not an address");
            }
            return text;
        }

        String optionalAddress(String field) throws EvidenceFormatException {
            return present(field) ? address(field) : null;
        }

        String bytes32Text(String field) throws EvidenceFormatException {
            String text = text(field).toLowerCase(Locale.ROOT);
            if (!text.matches("0x[0-9a-f]{64}")) {
                throw new EvidenceFormatException(where(field) + " is not 32 bytes of hex");
            }
            return text;
        }

        byte[] bytes32(String field) throws EvidenceFormatException {
            return Numeric.hexStringToByteArray(bytes32Text(field));
        }

        Fields object(String field) throws EvidenceFormatException {
            JsonNode value = required(field);
            if (!value.isObject()) {
                throw new EvidenceFormatException(where(field) + " is not an object");
            }
            return new Fields(value, path + field + ".");
        }

        List<Fields> array(String field) throws EvidenceFormatException {
            JsonNode value = required(field);
            if (!value.isArray()) {
                throw new EvidenceFormatException(where(field) + " is not an array");
            }
            List<Fields> items = new ArrayList<>();
            for (int i = 0; i < value.size(); i++) {
                if (!value.get(i).isObject()) {
                    throw new EvidenceFormatException(where(field + "[" + i + "]")
                        + " is not an object");
                }
                items.add(new Fields(value.get(i), path + field + "[" + i + "]."));
            }
            return items;
        }
    }

    /** Re-reads JSON written by {@link #toJson()}; convenient for bytes from a file. */
    public static EvidenceBundle fromJson(byte[] json) throws EvidenceFormatException {
        return fromJson(new String(json, StandardCharsets.UTF_8));
    }
}
