package org.regmail.core.sending;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Where a deployment of the contracts lives: the file {@code regmail deploy} writes and the
 * other commands, the demo and the servers read.
 *
 * <pre>{@code
 * {
 *   "chainId": 31337,
 *   "rpcUrl": "http://127.0.0.1:8545",
 *   "master": "0x…",
 *   "factory": "0x…",
 *   "implementation": "0x…",
 *   "block": 1
 * }
 * }</pre>
 *
 * {@code block} is the block the Master was deployed in: log searches start there instead of
 * at block 0. Addresses are written in lower case.
 *
 * @param chainId EIP-155 chain id of the chain holding the contracts
 * @param rpcUrl a JSON-RPC endpoint of that chain (any node of the chain will do)
 * @param master the EmailRegistrationMaster
 * @param factory the EmailRegistrationFactory the Master deployed
 * @param implementation the EmailRegistration implementation every clone delegates to
 * @param block the block number of the Master's deployment
 */
public record Deployment(long chainId, String rpcUrl, String master, String factory,
                         String implementation, long block) {
    private static final Pattern ADDRESS = Pattern.compile("0x[0-9a-f]{40}");
    private static final ObjectMapper JSON = new ObjectMapper()
        .enable(SerializationFeature.INDENT_OUTPUT);

    public Deployment {
        if (chainId <= 0) {
            throw new IllegalArgumentException("chain id must be positive, not " + chainId);
        }
        if (rpcUrl == null || rpcUrl.isBlank()) {
            throw new IllegalArgumentException("rpcUrl is missing");
        }
        master = address("master", master);
        factory = address("factory", factory);
        implementation = address("implementation", implementation);
        if (block < 0) {
            throw new IllegalArgumentException("block must not be negative");
        }
    }

    /** The same deployment reached through another node. */
    public Deployment withRpcUrl(String url) {
        return new Deployment(chainId, url, master, factory, implementation, block);
    }

    public String toJson() {
        ObjectNode node = JSON.createObjectNode();
        node.put("chainId", chainId);
        node.put("rpcUrl", rpcUrl);
        node.put("master", master);
        node.put("factory", factory);
        node.put("implementation", implementation);
        node.put("block", block);
        try {
            return JSON.writeValueAsString(node) + "\n";
        } catch (IOException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /**
     * Reads a deployment file.
     *
     * @throws DeploymentException naming the file and the missing or bad field
     */
    public static Deployment read(Path file) throws DeploymentException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new DeploymentException("there is no deployment file " + file
                + "; deploy the contracts with 'regmail deploy' or name the file with "
                + "--deployment");
        } catch (IOException e) {
            throw new DeploymentException("cannot read the deployment file " + file + ": "
                + e.getClass().getSimpleName());
        }
        try {
            JsonNode node = JSON.readTree(text);
            return new Deployment(
                required(node, "chainId").asLong(),
                required(node, "rpcUrl").asText(),
                required(node, "master").asText(),
                required(node, "factory").asText(),
                required(node, "implementation").asText(),
                required(node, "block").asLong());
        } catch (IOException | IllegalArgumentException e) {
            throw new DeploymentException("the deployment file " + file + " is not valid: "
                + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    /** Writes the file, readable by its owner only (it names no secret, but others' edits
     * would redirect every command to another Master). */
    public void write(Path file) throws IOException {
        PrivateFiles.write(file, toJson().getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode required(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException("field '" + field + "' is missing");
        }
        return value;
    }

    private static String address(String field, String value) {
        String lower = value == null ? "" : value.toLowerCase(Locale.ROOT);
        if (!ADDRESS.matcher(lower).matches()) {
            throw new IllegalArgumentException(field + " must be 0x and 40 hex digits");
        }
        return lower;
    }

    /** A deployment file is missing or malformed; the message says which and what to do. */
    public static final class DeploymentException extends Exception {
        public DeploymentException(String message) {
            super(message);
        }
    }
}
