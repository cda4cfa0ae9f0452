package org.regmail.core.evidence;

import java.nio.ByteBuffer;
import java.util.Locale;

import org.bouncycastle.util.encoders.Hex;
import org.web3j.crypto.Hash;

/**
 * Proves a registration genuine without trusting anyone: the Master's factory creates each
 * registration as an EIP-1167 minimal proxy of the implementation at a CREATE2 address
 * (EIP-1014) whose salt is {@code keccak256(abi.encode(owner, localId))}. Only the factory can
 * deploy there and only the Master may call the factory, so code at the predicted address is
 * a registration the Master created for that owner and local ID.
 */
public final class GenuineRegistration {
    // EIP-1167 creation code as OpenZeppelin Clones writes it: 10-byte constructor prefix,
    // then the 45-byte runtime with the implementation address in the middle.
    private static final String CREATION_PREFIX = "3d602d80600a3d3981f3";
    private static final String RUNTIME_PREFIX = "363d3d373d3d3d363d73";
    private static final String RUNTIME_SUFFIX = "5af43d82803e903d91602b57fd5bf3";

    private GenuineRegistration() {
    }

    /** The Master's CREATE2 salt: {@code keccak256(abi.encode(address owner, bytes32 localId))}. */
    public static byte[] registrationSalt(String owner, byte[] localId) {
        if (localId.length != 32) {
            throw new IllegalArgumentException("a local ID is 32 bytes");
        }
        ByteBuffer words = ByteBuffer.allocate(64);
        words.position(12).put(address(owner));
        words.position(32).put(localId);
        return Hash.sha3(words.array());
    }

    /**
     * The address of the registration {@code owner} creates with {@code localId}:
     * {@code keccak256(0xff ‖ factory ‖ salt ‖ keccak256(creation code))[12:]}.
     */
    public static String predict(String factory, String implementation, String owner,
                                 byte[] localId) {
        byte[] salt = registrationSalt(owner, localId);
        byte[] creation = Hex.decode(CREATION_PREFIX + RUNTIME_PREFIX + bare(implementation)
            + RUNTIME_SUFFIX);
        ByteBuffer input = ByteBuffer.allocate(1 + 20 + 32 + 32);
        input.put((byte) 0xff).put(address(factory)).put(salt).put(Hash.sha3(creation));
        byte[] hash = Hash.sha3(input.array());
        return "0x" + Hex.toHexString(hash, 12, 20);
    }

    /** The runtime code every registration of {@code implementation} has, 0x-prefixed. */
    public static String runtimeCode(String implementation) {
        return "0x" + RUNTIME_PREFIX + bare(implementation) + RUNTIME_SUFFIX;
    }

    private static byte[] address(String address) {
        return Hex.decode(bare(address));
    }

    private static String bare(String address) {
        String lower = address.toLowerCase(Locale.ROOT);
        if (!lower.matches("0x[0-9a-f]{40}")) {
            throw new IllegalArgumentException("an address is 0x and 40 hex digits");
        }
        return lower.substring(2);
    }
}
