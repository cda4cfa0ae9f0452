package org.regmail.core.chain;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import okhttp3.OkHttpClient;
import org.regmail.contracts.ContractErrors;
import org.regmail.contracts.generated.EmailRegistration;
import org.regmail.contracts.generated.EmailRegistrationMaster;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.Web3jService;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.RemoteFunctionCall;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.protocol.core.methods.response.EthSendTransaction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.exceptions.TransactionException;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.ReadonlyTransactionManager;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;
import org.web3j.utils.Numeric;

/**
 * One account's connection to the chain, shared by everything a server or the client sends.
 *
 * <p>It signs locally (keys never leave the process), hands out nonces locally so that
 * transactions can follow each other without waiting, prices them the EIP-1559 way within the
 * configured cap, estimates gas first so that a transaction the contracts would refuse is
 * never sent, polls for receipts at a short interval (web3j's default sleeps 15 s), and turns
 * reverts into the name of the broken rule.
 */
public final class ChainGateway implements AutoCloseable {
    private static final int RECEIPT_TIMEOUT_MINUTES = 5;
    private static final Duration RECEIPT_TIMEOUT = Duration.ofMinutes(RECEIPT_TIMEOUT_MINUTES);

    private final ChainSettings settings;
    private final Credentials credentials;
    private final Web3j web3j;
    private final NonceTracker nonces;
    private final GatewayTransactionManager transactions;
    private final Eip1559Fees fees;

    private ChainGateway(ChainSettings settings, Credentials credentials, Web3j web3j) {
        this.settings = settings;
        this.credentials = credentials;
        this.web3j = web3j;
        this.nonces = new NonceTracker(web3j, credentials.getAddress());
        long pollMillis = Math.max(10, settings.receiptPollInterval().toMillis());
        int attempts = (int) Math.max(1, RECEIPT_TIMEOUT.toMillis() / pollMillis);
        this.transactions = new GatewayTransactionManager(web3j, credentials, settings.chainId(),
            new PollingTransactionReceiptProcessor(web3j, pollMillis, attempts), nonces);
        this.fees = new Eip1559Fees(web3j, settings);
    }

    /**
     * Connects to the node and checks it is on the configured chain.
     *
     * @throws ChainException when the node is unreachable or on another chain
     */
    public static ChainGateway connect(ChainSettings settings, Credentials credentials)
        throws ChainException {
        OkHttpClient http = new OkHttpClient.Builder()
            .connectTimeout(5, TimeUnit.SECONDS)
            .readTimeout(30, TimeUnit.SECONDS)
            .build();
        Web3j web3j = Web3j.build(new HttpService(settings.rpcUrl(), http));
        ChainGateway gateway = new ChainGateway(settings, credentials, web3j);
        long chainId;
        try {
            chainId = web3j.ethChainId().send().getChainId().longValueExact();
        } catch (IOException | RuntimeException e) {
            web3j.shutdown();
            throw new ChainException("cannot reach the Ethereum node at " + settings.rpcUrl()
                + " (" + e.getMessage() + ")", e, true);
        }
        if (chainId != settings.chainId()) {
            web3j.shutdown();
            throw new ChainException("the node at " + settings.rpcUrl() + " is on chain "
                + chainId + ", not the configured chain " + settings.chainId());
        }
        try {
            gateway.checkMaster();
        } catch (ChainException e) {
            web3j.shutdown();
            throw e;
        }
        return gateway;
    }

    /**
     * Builds a gateway without asking the node anything, so that a mail server starts while the
     * node is down; {@link #checkChain()} verifies the chain once the node answers.
     */
    public static ChainGateway open(ChainSettings settings, Credentials credentials) {
        OkHttpClient http = new OkHttpClient.Builder()
            .connectTimeout(5, TimeUnit.SECONDS)
            .readTimeout(30, TimeUnit.SECONDS)
            .build();
        return open(settings, credentials, new HttpService(settings.rpcUrl(), http));
    }

    /**
     * As {@link #open(ChainSettings, Credentials)}, speaking to the node through
     * {@code transport}: tests put a node's rarer answers in front of a real one.
     */
    public static ChainGateway open(ChainSettings settings, Credentials credentials,
                                    Web3jService transport) {
        return new ChainGateway(settings, credentials, Web3j.build(transport));
    }

    /**
     * Checks that the node is on the configured chain.
     *
     * @throws ChainException unreachable, or (not retryable) on another chain
     */
    public void checkChain() throws ChainException {
        long chainId = nodeChainId();
        if (chainId != settings.chainId()) {
            throw new ChainException("the node at " + settings.rpcUrl() + " is on chain "
                + chainId + ", not the configured chain " + settings.chainId());
        }
        checkMaster();
    }

    /** The chain id the node reports. */
    public long nodeChainId() throws ChainException {
        try {
            return web3j.ethChainId().send().getChainId().longValueExact();
        } catch (IOException | RuntimeException e) {
            throw new ChainException("cannot reach the Ethereum node at " + settings.rpcUrl()
                + " (" + e.getMessage() + ")", e, true);
        }
    }

    /**
     * Checks that a contract is deployed at the configured Master: a transaction to an address
     * without code succeeds, pays its gas, and does nothing at all.
     */
    private void checkMaster() throws ChainException {
        if (settings.masterAddress() == null) {
            return;
        }
        if (!hasCode(settings.masterAddress())) {
            throw new ChainException("there is no contract at the Master address "
                + settings.masterAddress() + " on chain " + settings.chainId()
                + ": the deployment file (or chain.master) names another chain's Master or a "
                + "mistyped address");
        }
    }

    /** Whether the latest state holds contract code at an address. */
    public boolean hasCode(String address) throws ChainException {
        String code;
        try {
            code = web3j.ethGetCode(address, DefaultBlockParameterName.LATEST).send().getCode();
        } catch (IOException | RuntimeException e) {
            throw new ChainException("cannot reach the Ethereum node at " + settings.rpcUrl()
                + " (" + e.getMessage() + ")", e, true);
        }
        return code != null && !Numeric.cleanHexPrefix(code).isEmpty();
    }

    /**
     * The hash of the chain's genesis block, or empty when the node does not serve it. It tells
     * chains apart that share a chain id: a development chain reset or started anew gets
     * another one.
     */
    public Optional<String> genesisHash() throws ChainException {
        try {
            return Optional.ofNullable(web3j.ethGetBlockByNumber(
                    DefaultBlockParameter.valueOf(BigInteger.ZERO), false).send().getBlock())
                .map(block -> block.getHash().toLowerCase(java.util.Locale.ROOT));
        } catch (IOException e) {
            throw new ChainException("cannot reach the Ethereum node at " + settings.rpcUrl(),
                e, true);
        }
    }

    /**
     * The node's count of this account's transactions, those waiting in its pool to be mined
     * next included: the nonce the node expects of the account's next transaction.
     */
    public BigInteger pendingNonce() throws ChainException {
        try {
            return web3j.ethGetTransactionCount(address(), DefaultBlockParameterName.PENDING)
                .send().getTransactionCount();
        } catch (IOException e) {
            throw new ChainException("cannot reach the Ethereum node at " + settings.rpcUrl(),
                e, true);
        }
    }

    public ChainSettings settings() {
        return settings;
    }

    public Web3j web3j() {
        return web3j;
    }

    /** This gateway's account address. */
    public String address() {
        return credentials.getAddress();
    }

    public long chainId() {
        return settings.chainId();
    }

    /** The Master, for transactions signed by this gateway's account. */
    public EmailRegistrationMaster master() {
        return masterAt(settings.masterAddress());
    }

    /** A Master at another address, for transactions signed by this gateway's account. */
    public EmailRegistrationMaster masterAt(String address) {
        if (address == null) {
            throw new IllegalStateException("no Master address is configured");
        }
        return EmailRegistrationMaster.load(address, web3j, transactions, fees);
    }

    /** A registration, read-only. */
    public EmailRegistration registration(String address) {
        return EmailRegistration.load(address, web3j,
            new ReadonlyTransactionManager(web3j, credentials.getAddress()), fees);
    }

    /** Deploys a new Master (with its factory and implementation); this account administers it. */
    public EmailRegistrationMaster deployMaster(BigInteger recordOverheadGas,
                                               BigInteger transactionOverheadGas)
        throws ChainException {
        try {
            return EmailRegistrationMaster.deploy(web3j, transactions, fees,
                credentials.getAddress(), recordOverheadGas, transactionOverheadGas).send();
        } catch (Exception e) {
            throw translate("deploying the contracts", e);
        }
    }

    /**
     * Sends a contract transaction and waits for its receipt.
     *
     * @param what what the transaction does, for error messages ("creating the registration")
     * @throws ChainException naming the broken rule when the contracts refuse it (nothing is
     *     sent when the refusal shows at estimation), or saying the node is unreachable
     */
    public TransactionReceipt execute(String what, RemoteFunctionCall<TransactionReceipt> call)
        throws ChainException {
        try {
            return call.send();
        } catch (Exception e) {
            throw translate(what, e);
        }
    }

    /** Reads a view function. */
    public <T> T read(String what, RemoteFunctionCall<T> call) throws ChainException {
        try {
            return call.send();
        } catch (Exception e) {
            throw translate(what, e);
        }
    }

    /** A signed transaction, ready to broadcast, that can be broadcast again unchanged. */
    public record SignedTransaction(BigInteger nonce, String hash, String raw) {
    }

    /**
     * Signs a call to {@code to} with the next local nonce and current fees, without sending it.
     * The outbox stores it before broadcasting, so that after a crash it can broadcast the very
     * same transaction again instead of paying for a second one.
     *
     * @throws ChainException when the estimate shows the contracts would refuse it
     */
    public SignedTransaction sign(String to, String data) throws ChainException {
        return sign(to, data, BigInteger.ZERO);
    }

    /**
     * As {@link #sign(String, String)}, with a gas limit of at least {@code minimumGasLimit}:
     * for a batch whose records depend on transactions still pending, the estimate (made on
     * the latest state) can be lower than what the batch really uses.
     */
    public SignedTransaction sign(String to, String data, BigInteger minimumGasLimit)
        throws ChainException {
        return sign("signing a transaction", to, data, minimumGasLimit);
    }

    private SignedTransaction sign(String what, String to, String data,
                                   BigInteger minimumGasLimit) throws ChainException {
        try {
            BigInteger gasLimit = fees.getGasLimit(Transaction.createEthCallTransaction(
                credentials.getAddress(), to, data)).max(minimumGasLimit);
            BigInteger nonce = nonces.allocate();
            org.web3j.crypto.RawTransaction raw = org.web3j.crypto.RawTransaction
                .createTransaction(settings.chainId(), nonce, gasLimit, to, BigInteger.ZERO, data,
                    fees.getMaxPriorityFeePerGas(), fees.getMaxFeePerGas());
            String signed = transactions.sign(raw);
            return new SignedTransaction(nonce, org.web3j.crypto.Hash.sha3(signed), signed);
        } catch (Exception e) {
            throw translate(what, e);
        }
    }

    /**
     * Signs and broadcasts a contract call without waiting for it to be mined, so that several
     * can be sent back to back and wait for one block together ({@link #awaitReceipts}).
     *
     * @param what what the transaction does, for error messages ("authorising relay 0x…")
     * @param keep told the signed transaction before it is broadcast: where the caller notes
     *     it, so that after a crash its receipt is looked for rather than a second one paid
     * @throws ChainException naming the broken rule when the estimate shows the contracts would
     *     refuse it (nothing is sent then), or saying the node is unreachable
     */
    public SignedTransaction submit(String what, String to, String data,
                                    Consumer<SignedTransaction> keep)
        throws ChainException {
        SignedTransaction signed = sign(what, to, data, BigInteger.ZERO);
        keep.accept(signed);
        try {
            broadcast(signed);
        } catch (ChainException e) {
            try {
                nonces.resync(); // the nonce may not have reached the node: fill the gap
            } catch (IOException stillDown) {
                e.addSuppressed(stillDown);
            }
            throw e;
        }
        return signed;
    }

    /**
     * Waits for the receipts of transactions this account sent back to back, and answers those
     * that were mined. An account's transactions are mined in nonce order, so only the one with
     * the highest nonce is polled until it is mined (or {@value #RECEIPT_TIMEOUT_MINUTES} minutes
     * have passed); then every receipt is read once. A node is not asked a receipt per
     * transaction and poll.
     */
    public Map<String, TransactionReceipt> awaitReceipts(
        Collection<SignedTransaction> sent) throws ChainException {
        Map<String, TransactionReceipt> receipts = new HashMap<>();
        if (sent.isEmpty()) {
            return receipts;
        }
        SignedTransaction last = sent.stream()
            .max(Comparator.comparing(SignedTransaction::nonce)).orElseThrow();
        long deadline = System.nanoTime() + RECEIPT_TIMEOUT.toNanos();
        Optional<TransactionReceipt> lastReceipt = receipt(last.hash());
        while (lastReceipt.isEmpty() && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(Math.max(10, settings.receiptPollInterval().toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            lastReceipt = receipt(last.hash());
        }
        for (SignedTransaction transaction : sent) {
            Optional<TransactionReceipt> found = transaction == last ? lastReceipt
                : receipt(transaction.hash());
            found.ifPresent(r -> receipts.put(transaction.hash(), r));
        }
        return receipts;
    }

    /**
     * Signs a replacement for a transaction stuck in the pool (its fees too low for the chain
     * now): same nonce and call, both fees raised by at least 12.5 % (what nodes require of a
     * replacement) and to what the latest base fee asks, never above the configured cap.
     *
     * @return empty when the fees are already at the cap and cannot be raised
     */
    public Optional<SignedTransaction> replaceWithHigherFees(SignedTransaction stuck)
        throws ChainException {
        org.web3j.crypto.RawTransaction old =
            org.web3j.crypto.TransactionDecoder.decode(stuck.raw());
        org.web3j.crypto.transaction.type.Transaction1559 fees1559 =
            (org.web3j.crypto.transaction.type.Transaction1559) old.getTransaction();
        BigInteger tip = bumped(fees1559.getMaxPriorityFeePerGas())
            .max(settings.maxPriorityFeePerGas());
        BigInteger wanted = bumped(fees1559.getMaxFeePerGas())
            .max(latestBaseFee().shiftLeft(1).add(tip));
        BigInteger maxFee = wanted.min(settings.maxFeePerGas());
        if (maxFee.compareTo(fees1559.getMaxFeePerGas()) <= 0) {
            return Optional.empty();
        }
        tip = tip.min(maxFee);
        org.web3j.crypto.RawTransaction replacement = org.web3j.crypto.RawTransaction
            .createTransaction(settings.chainId(), old.getNonce(), old.getGasLimit(), old.getTo(),
                old.getValue(), old.getData(), tip, maxFee);
        String signed = transactions.sign(replacement);
        return Optional.of(new SignedTransaction(old.getNonce(), org.web3j.crypto.Hash.sha3(signed),
            signed));
    }

    private static BigInteger bumped(BigInteger fee) {
        return fee.add(fee.shiftRight(3)).add(BigInteger.ONE);
    }

    private BigInteger latestBaseFee() throws ChainException {
        try {
            return web3j.ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false).send()
                .getBlock().getBaseFeePerGas();
        } catch (IOException e) {
            throw new ChainException("cannot reach the Ethereum node at " + settings.rpcUrl(),
                e, true);
        }
    }

    /**
     * Broadcasts a signed transaction. Broadcasting one the node already knows (or has mined)
     * is not an error.
     */
    public void broadcast(SignedTransaction transaction) throws ChainException {
        try {
            EthSendTransaction sent = web3j.ethSendRawTransaction(transaction.raw()).send();
            if (sent.hasError()) {
                String message = sent.getError().getMessage();
                String lower = message == null ? "" : message.toLowerCase();
                if (lower.contains("already known") || lower.contains("nonce too low")
                    || lower.contains("already imported")) {
                    return; // the node has it, or has mined it: the receipt will tell
                }
                nonces.resync();
                throw new ChainException("the node refused transaction " + transaction.hash()
                    + ": " + message);
            }
        } catch (IOException e) {
            throw new ChainException("cannot reach the Ethereum node at " + settings.rpcUrl(),
                e, true);
        }
    }

    /** Makes the next nonce the node's pending count again (after a crash or a lost send). */
    public void resyncNonce() throws ChainException {
        try {
            nonces.resync();
        } catch (IOException e) {
            throw new ChainException("cannot reach the Ethereum node at " + settings.rpcUrl(),
                e, true);
        }
    }

    /** The receipt of a mined transaction, or empty while it is pending or unknown. */
    public Optional<TransactionReceipt> receipt(String transactionHash) throws ChainException {
        try {
            return web3j.ethGetTransactionReceipt(transactionHash).send().getTransactionReceipt();
        } catch (IOException e) {
            throw new ChainException("cannot reach the Ethereum node at " + settings.rpcUrl(),
                e, true);
        }
    }

    /** Whether the node knows a transaction, pending or mined. */
    public boolean isKnown(String transactionHash) throws ChainException {
        try {
            return web3j.ethGetTransactionByHash(transactionHash).send().getTransaction()
                .isPresent();
        } catch (IOException e) {
            throw new ChainException("cannot reach the Ethereum node at " + settings.rpcUrl(),
                e, true);
        }
    }

    /** The latest block number. */
    public long blockNumber() throws ChainException {
        try {
            return web3j.ethBlockNumber().send().getBlockNumber().longValueExact();
        } catch (IOException e) {
            throw new ChainException("cannot reach the Ethereum node at " + settings.rpcUrl(),
                e, true);
        }
    }

    /** The latest block's timestamp, unix seconds: the clock the contracts judge by. */
    public long latestTimestamp() throws ChainException {
        try {
            return web3j.ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false).send()
                .getBlock().getTimestamp().longValueExact();
        } catch (IOException e) {
            throw new ChainException("cannot reach the Ethereum node at " + settings.rpcUrl(),
                e, true);
        }
    }

    /** Whether a receipt's block has the configured number of confirmations. */
    public boolean isConfirmed(TransactionReceipt receipt) throws ChainException {
        long latest = blockNumber();
        return latest - receipt.getBlockNumber().longValueExact() + 1 >= settings.confirmations();
    }

    /** The balance of an address in wei. */
    public BigInteger balanceOf(String address) throws ChainException {
        try {
            return web3j.ethGetBalance(address, DefaultBlockParameterName.LATEST).send()
                .getBalance();
        } catch (IOException e) {
            throw new ChainException("cannot reach the Ethereum node at " + settings.rpcUrl(),
                e, true);
        }
    }

    private ChainException translate(String what, Exception e) {
        if (e instanceof Eip1559Fees.WouldRevert refused) {
            return refused.revert
                .map(revert -> new ChainException("the contracts refuse " + what, revert))
                .orElseGet(() -> new ChainException("the contracts refuse " + what + ": "
                    + refused.getMessage()));
        }
        if (e instanceof TransactionException failed
            && failed.getTransactionReceipt().isPresent()) {
            TransactionReceipt receipt = failed.getTransactionReceipt().get();
            return replayRevert(receipt)
                .map(revert -> new ChainException("transaction " + receipt.getTransactionHash()
                    + " (" + what + ") reverted", revert))
                .orElseGet(() -> new ChainException("transaction " + receipt.getTransactionHash()
                    + " (" + what + ") reverted"));
        }
        if (isConnectionProblem(e)) {
            return new ChainException("cannot reach the Ethereum node at " + settings.rpcUrl()
                + " while " + what, e, true);
        }
        return new ChainException(what + " failed: " + e.getMessage(), e, false);
    }

    private static boolean isConnectionProblem(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof SocketTimeoutException
                || t instanceof UncheckedIOException
                || (t instanceof IOException && !(t instanceof java.io.FileNotFoundException))) {
                return true;
            }
        }
        return false;
    }

    /** Why a mined transaction failed: the decoded custom error, or the gas it ran out of. */
    public String explainFailure(TransactionReceipt receipt) {
        return replayRevert(receipt).map(ContractErrors.Revert::toString)
            .orElse("no custom error (gas used " + receipt.getGasUsed() + ")");
    }

    private Optional<ContractErrors.Revert> replayRevert(TransactionReceipt receipt) {
        try {
            org.web3j.protocol.core.methods.response.Transaction tx = web3j
                .ethGetTransactionByHash(receipt.getTransactionHash()).send().getTransaction()
                .orElse(null);
            if (tx == null) {
                return Optional.empty();
            }
            Transaction call = new Transaction(tx.getFrom(), null, null, tx.getGas(), tx.getTo(),
                tx.getValue(), tx.getInput());
            EthCall result = web3j.ethCall(call, DefaultBlockParameter.valueOf(
                receipt.getBlockNumber().subtract(BigInteger.ONE))).send();
            String data = result.hasError() && result.getError().getData() != null
                ? result.getError().getData().replace("\"", "")
                : result.getValue();
            return ContractErrors.decode(data);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        web3j.shutdown();
    }
}
