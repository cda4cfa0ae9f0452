package org.regmail.core.chain;

import java.math.BigInteger;
import java.time.Duration;
import java.util.Objects;

/**
 * How to reach a chain and what to pay there.
 *
 * @param rpcUrl JSON-RPC endpoint of any Ethereum node (anvil, a testnet, an L2, Besu/Geth)
 * @param chainId the chain the node must be on; a node on another chain is refused
 * @param masterAddress the EmailRegistrationMaster deployment
 * @param maxFeePerGas cap on the EIP-1559 max fee per gas, in wei
 * @param maxPriorityFeePerGas the tip offered per gas, in wei
 * @param receiptPollInterval how often to ask for a receipt
 * @param confirmations blocks on top of a transaction's block before it counts as final
 *     (1 = the block itself)
 */
public record ChainSettings(String rpcUrl, long chainId, String masterAddress,
                            BigInteger maxFeePerGas, BigInteger maxPriorityFeePerGas,
                            Duration receiptPollInterval, int confirmations) {
    public static final BigInteger DEFAULT_MAX_FEE_PER_GAS = BigInteger.valueOf(100_000_000_000L);
    public static final BigInteger DEFAULT_PRIORITY_FEE_PER_GAS =
        BigInteger.valueOf(1_000_000_000L);
    public static final Duration DEFAULT_RECEIPT_POLL_INTERVAL = Duration.ofMillis(100);

    public ChainSettings {
        Objects.requireNonNull(rpcUrl, "rpcUrl");
        Objects.requireNonNull(maxFeePerGas, "maxFeePerGas");
        Objects.requireNonNull(maxPriorityFeePerGas, "maxPriorityFeePerGas");
        Objects.requireNonNull(receiptPollInterval, "receiptPollInterval");
        if (confirmations < 1) {
            throw new IllegalArgumentException("confirmations must be at least 1");
        }
        if (maxPriorityFeePerGas.compareTo(maxFeePerGas) > 0) {
            throw new IllegalArgumentException("the priority fee exceeds the max fee per gas");
        }
    }

    /** Settings for a node with default fees, a 100 ms receipt poll and one confirmation. */
    public static ChainSettings of(String rpcUrl, long chainId, String masterAddress) {
        return new ChainSettings(rpcUrl, chainId, masterAddress, DEFAULT_MAX_FEE_PER_GAS,
            DEFAULT_PRIORITY_FEE_PER_GAS, DEFAULT_RECEIPT_POLL_INTERVAL, 1);
    }

    public ChainSettings withMaster(String address) {
        return new ChainSettings(rpcUrl, chainId, address, maxFeePerGas, maxPriorityFeePerGas,
            receiptPollInterval, confirmations);
    }

    public ChainSettings withConfirmations(int blocks) {
        return new ChainSettings(rpcUrl, chainId, masterAddress, maxFeePerGas, maxPriorityFeePerGas,
            receiptPollInterval, blocks);
    }
}
