package org.regmail.core.chain;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.Optional;

import org.regmail.contracts.ContractErrors;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthEstimateGas;
import org.web3j.tx.gas.ContractEIP1559GasProvider;

/**
 * EIP-1559 fees for each transaction: a max fee of twice the latest base fee plus the tip,
 * never above the configured cap; a gas limit from eth_estimateGas with 25 % headroom.
 *
 * <p>Estimating first also means a transaction the contracts would refuse is never sent:
 * the estimate fails with the revert data, which surfaces as {@link WouldRevert} and costs
 * no gas.
 */
final class Eip1559Fees implements ContractEIP1559GasProvider {
    private static final BigInteger FALLBACK_GAS_LIMIT = BigInteger.valueOf(3_000_000);

    private final Web3j web3j;
    private final ChainSettings settings;

    Eip1559Fees(Web3j web3j, ChainSettings settings) {
        this.web3j = web3j;
        this.settings = settings;
    }

    /** The chain would revert this transaction: nothing was sent. */
    static final class WouldRevert extends RuntimeException {
        final transient Optional<ContractErrors.Revert> revert;

        WouldRevert(String message, Optional<ContractErrors.Revert> revert) {
            super(message);
            this.revert = revert;
        }
    }

    @Override
    public long getChainId() {
        return settings.chainId();
    }

    @Override
    public BigInteger getMaxFeePerGas() {
        try {
            BigInteger baseFee = web3j.ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false)
                .send().getBlock().getBaseFeePerGas();
            BigInteger wanted = baseFee.shiftLeft(1).add(getMaxPriorityFeePerGas());
            return wanted.min(settings.maxFeePerGas());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the base fee", e);
        }
    }

    @Override
    public BigInteger getMaxPriorityFeePerGas() {
        return settings.maxPriorityFeePerGas();
    }

    @Override
    public BigInteger getGasPrice() {
        return getMaxFeePerGas();
    }

    @Override
    public BigInteger getGasLimit(Transaction transaction) {
        try {
            // Estimate at the fees the transaction will pay: with a zero gas price the contracts
            // reimburse nothing, skip the credit write, and the estimate comes out ~20,000 short.
            Transaction priced = new Transaction(transaction.getFrom(), null, null, null,
                transaction.getTo(), transaction.getValue() == null ? null
                    : org.web3j.utils.Numeric.decodeQuantity(transaction.getValue()),
                transaction.getData(), settings.chainId(), getMaxPriorityFeePerGas(),
                getMaxFeePerGas());
            EthEstimateGas estimate = web3j.ethEstimateGas(priced).send();
            if (estimate.hasError()) {
                String data = estimate.getError().getData();
                Optional<ContractErrors.Revert> revert = ContractErrors.decode(
                    data == null ? null : data.replace("\"", ""));
                throw new WouldRevert(estimate.getError().getMessage(), revert);
            }
            BigInteger gas = estimate.getAmountUsed();
            return gas.add(gas.shiftRight(2)).add(BigInteger.valueOf(10_000));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot estimate gas", e);
        }
    }

    @Override
    public BigInteger getGasLimit() {
        return FALLBACK_GAS_LIMIT;
    }
}
