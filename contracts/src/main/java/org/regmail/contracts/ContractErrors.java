package org.regmail.contracts;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Type;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/**
 * Turns revert data into the name of the rule that was broken, e.g.
 * {@code NotSenderServer(0x70997970c51812dc3a010c7d01b50e0d17dc79c8)}.
 *
 * <p>Solidity custom errors (and {@code Error(string)}, {@code Panic(uint256)}) are ABI-encoded
 * like function calls: a 4-byte selector, keccak256 of the error's signature, then the
 * arguments. The errors are read from the compiled ABIs shipped in this jar.
 */
public final class ContractErrors {
    private static final String[] CONTRACTS =
        {"EmailRegistrationMaster", "EmailRegistration", "EmailRegistrationFactory"};
    private static final Map<String, ErrorSpec> BY_SELECTOR = load();

    private ContractErrors() {
    }

    /** A decoded revert: the error's name and its arguments as text. */
    public record Revert(String name, List<String> arguments) {
        @Override
        public String toString() {
            return name + "(" + String.join(", ", arguments) + ")";
        }
    }

    private record ErrorSpec(String name, List<TypeReference<Type>> types) {
    }

    /** The 4-byte selector of a known error, as 0x-prefixed hex. */
    public static String selectorOf(String errorName) {
        return BY_SELECTOR.entrySet().stream()
            .filter(e -> e.getValue().name().equals(errorName))
            .map(Map.Entry::getKey)
            .findFirst()
            .orElseThrow(() ->
                new IllegalArgumentException("no contract error named " + errorName));
    }

    /** The error's name for a 4-byte selector (hex), if it is one of ours. */
    public static Optional<String> nameOf(String selectorHex) {
        return Optional.ofNullable(BY_SELECTOR.get(normalise(selectorHex))).map(ErrorSpec::name);
    }

    /** Decodes revert data (0x-prefixed hex); empty when the data is not a known error. */
    public static Optional<Revert> decode(String revertData) {
        if (revertData == null) {
            return Optional.empty();
        }
        String hex = Numeric.cleanHexPrefix(revertData.trim());
        if (hex.length() < 8) {
            return Optional.empty();
        }
        ErrorSpec spec = BY_SELECTOR.get("0x" + hex.substring(0, 8).toLowerCase());
        if (spec == null) {
            return Optional.empty();
        }
        try {
            List<Type> values = FunctionReturnDecoder.decode("0x" + hex.substring(8), spec.types());
            List<String> arguments = values.stream().map(ContractErrors::render)
                .collect(Collectors.toList());
            return Optional.of(new Revert(spec.name(), arguments));
        } catch (RuntimeException malformedArguments) {
            return Optional.of(new Revert(spec.name(), List.of("<undecodable arguments>")));
        }
    }

    private static String render(Type value) {
        Object raw = value.getValue();
        if (raw instanceof byte[] bytes) {
            return Numeric.toHexString(bytes);
        }
        if (raw instanceof BigInteger number) {
            return number.toString();
        }
        return String.valueOf(raw);
    }

    private static String normalise(String selectorHex) {
        return "0x" + Numeric.cleanHexPrefix(selectorHex).toLowerCase();
    }

    private static Map<String, ErrorSpec> load() {
        Map<String, ErrorSpec> errors = new HashMap<>();
        errors.put(selector("Error(string)"), spec("Error", List.of("string")));
        errors.put(selector("Panic(uint256)"), spec("Panic", List.of("uint256")));
        ObjectMapper json = new ObjectMapper();
        for (String contract : CONTRACTS) {
            String resource = "/solidity/" + contract + ".abi";
            try (InputStream in = ContractErrors.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("missing compiled ABI " + resource);
                }
                for (JsonNode entry : json.readTree(in)) {
                    if (!"error".equals(entry.path("type").asText())) {
                        continue;
                    }
                    List<String> types = new ArrayList<>();
                    entry.path("inputs").forEach(input -> types.add(input.path("type").asText()));
                    String signature = entry.path("name").asText()
                        + "(" + String.join(",", types) + ")";
                    errors.put(selector(signature), spec(entry.path("name").asText(), types));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + resource, e);
            }
        }
        return Map.copyOf(errors);
    }

    private static String selector(String signature) {
        return Hash.sha3String(signature).substring(0, 10);
    }

    @SuppressWarnings("unchecked")
    private static ErrorSpec spec(String name, List<String> solidityTypes) {
        List<TypeReference<Type>> references = new ArrayList<>();
        for (String solidityType : solidityTypes) {
            try {
                references.add((TypeReference<Type>) (TypeReference<?>)
                    TypeReference.makeTypeReference(solidityType));
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(
                    "unsupported error argument type " + solidityType, e);
            }
        }
        return new ErrorSpec(name, references);
    }
}
