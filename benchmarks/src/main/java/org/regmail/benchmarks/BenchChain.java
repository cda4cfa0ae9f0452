package org.regmail.benchmarks;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

import org.regmail.benchmarks.naive.NaiveRegisteredMail;
import org.regmail.contracts.Status;
import org.regmail.contracts.devchain.Anvil;
import org.regmail.contracts.devchain.DevDeployment;
import org.regmail.contracts.devchain.DevTransactions;
import org.regmail.contracts.generated.EmailRegistration;
import org.regmail.contracts.generated.EmailRegistrationMaster;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterNumber;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.Transaction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * A fresh local chain with the contracts deployed and two approved servers, and the steps of a
 * mail's life done directly through the contracts (ours and the naive baseline), so that gas
 * comes from real receipts.
 */
public final class BenchChain implements AutoCloseable {
    public static final Credentials ADMIN = Anvil.devAccount(0);
    public static final Credentials SENDER_SERVER = Anvil.devAccount(1);
    public static final Credentials RECIPIENT_SERVER = Anvil.devAccount(2);
    public static final Credentials OWNER = Anvil.devAccount(4);
    public static final BigInteger FEE_CAP = BigInteger.valueOf(50_000_000_000L);
    /** Escrow per recipient: its five records at 50,000 gas each and the fee cap, and more. */
    public static final BigInteger ESCROW_PER_RECIPIENT = new BigInteger("20000000000000000");

    private final Anvil anvil;
    private final DevDeployment deployment;
    private final SecureRandom random = new SecureRandom();

    private BenchChain(Anvil anvil, DevDeployment deployment) {
        this.anvil = anvil;
        this.deployment = deployment;
    }

    /** Starts anvil, deploys the Master and approves sender.example and recipient.example. */
    public static BenchChain start() throws Exception {
        Anvil anvil = Anvil.start();
        try {
            DevDeployment deployment = DevDeployment.deploy(anvil.web3j(), ADMIN);
            deployment.registerAndApprove(SENDER_SERVER, "sender.example");
            deployment.registerAndApprove(RECIPIENT_SERVER, "recipient.example");
            return new BenchChain(anvil, deployment);
        } catch (Exception | Error e) {
            anvil.close();
            throw e;
        }
    }

    public Anvil anvil() {
        return anvil;
    }

    public DevDeployment deployment() {
        return deployment;
    }

    /** One registration of ours, as its owner knows it. */
    public record Mail(byte[] localId, byte[] salt, String address, int recipients,
                       TransactionReceipt created) {
    }

    /** Creates a registration with {@code recipients} recipients at recipient.example. */
    public Mail create(int recipients) throws Exception {
        byte[] localId = bytes32();
        List<byte[]> commitments = new ArrayList<>();
        List<String> servers = new ArrayList<>();
        for (int i = 0; i < recipients; i++) {
            commitments.add(bytes32());
            servers.add(RECIPIENT_SERVER.getAddress());
        }
        TransactionReceipt receipt = deployment.as(OWNER).createRegistration(localId,
            SENDER_SERVER.getAddress(), deadline(), FEE_CAP, Hash.sha3(bytes32()), commitments,
            servers, escrow(recipients)).send();
        EmailRegistrationMaster master = deployment.master();
        byte[] salt = master.registrationSalt(OWNER.getAddress(), localId).send();
        String address = master.registrationAddress(OWNER.getAddress(), localId).send();
        return new Mail(localId, salt, address, recipients, receipt);
    }

    /** Records one status in its own transaction, as {@code server}. */
    public TransactionReceipt record(Credentials server, Mail mail, int index, Status status)
        throws Exception {
        return deployment.as(server).record(new EmailRegistrationMaster.Record(mail.salt(),
            BigInteger.valueOf(index), status.value())).send();
    }

    /**
     * Records a status for every recipient of every mail in one {@code recordBatch}
     * transaction; fails unless every record landed.
     */
    public TransactionReceipt recordBatch(Credentials server, List<Mail> mails, Status status)
        throws Exception {
        List<EmailRegistrationMaster.Record> records = new ArrayList<>();
        for (Mail mail : mails) {
            for (int i = 0; i < mail.recipients(); i++) {
                records.add(new EmailRegistrationMaster.Record(mail.salt(), BigInteger.valueOf(i),
                    status.value()));
            }
        }
        TransactionReceipt receipt = deployment.as(server).recordBatch(records).send();
        int landed = EmailRegistration.getStatusRecordedEvents(receipt).size();
        if (landed != records.size()) {
            throw new IllegalStateException("only " + landed + " of " + records.size() + " "
                + status + " records landed in tx " + receipt.getTransactionHash());
        }
        return receipt;
    }

    /** The owner takes back what is left of the escrow. */
    public TransactionReceipt withdraw(Mail mail) throws Exception {
        return deployment.as(OWNER).withdrawEscrow(mail.localId()).send();
    }

    /** Deploys the naive baseline for one mail with {@code recipients} recipients. */
    public NaiveRegisteredMail deployNaive(int recipients) throws Exception {
        List<byte[]> commitments = new ArrayList<>();
        List<String> servers = new ArrayList<>();
        for (int i = 0; i < recipients; i++) {
            commitments.add(bytes32());
            servers.add(RECIPIENT_SERVER.getAddress());
        }
        return NaiveRegisteredMail.deploy(anvil.web3j(),
            DevTransactions.manager(anvil.web3j(), OWNER), DevTransactions.gas(),
            escrow(recipients),
            deployment.master().getContractAddress(), SENDER_SERVER.getAddress(), deadline(),
            FEE_CAP, Hash.sha3(bytes32()), commitments, servers).send();
    }

    /** The naive contract as another account sees it. */
    public NaiveRegisteredMail naiveAs(NaiveRegisteredMail mail, Credentials who) {
        return NaiveRegisteredMail.load(mail.getContractAddress(), anvil.web3j(),
            DevTransactions.manager(anvil.web3j(), who), DevTransactions.gas());
    }

    /**
     * What one account did on chain in blocks {@code from..to}, read from the blocks themselves.
     *
     * @param transactions its transactions
     * @param emptyTransactions those in which none of its records landed
     * @param landed StatusRecorded events naming it as the server
     * @param gas gas its transactions used
     */
    public record Tally(int transactions, int emptyTransactions, int landed, long gas) {
    }

    public Tally tally(String account, long from, long to) throws Exception {
        Web3j web3j = anvil.web3j();
        int transactions = 0;
        int empty = 0;
        int landed = 0;
        long gas = 0;
        for (long number = from; number <= to; number++) {
            EthBlock.Block block = web3j.ethGetBlockByNumber(
                new DefaultBlockParameterNumber(number), true).send().getBlock();
            for (EthBlock.TransactionResult<?> result : block.getTransactions()) {
                Transaction tx = (Transaction) result.get();
                if (!account.equalsIgnoreCase(tx.getFrom())) {
                    continue;
                }
                TransactionReceipt receipt = web3j.ethGetTransactionReceipt(tx.getHash()).send()
                    .getTransactionReceipt().orElseThrow();
                long recorded = EmailRegistration.getStatusRecordedEvents(receipt).stream()
                    .filter(e -> account.equalsIgnoreCase(e.server)).count();
                transactions++;
                landed += (int) recorded;
                empty += recorded == 0 ? 1 : 0;
                gas += receipt.getGasUsed().longValueExact();
            }
        }
        return new Tally(transactions, empty, landed, gas);
    }

    private static BigInteger escrow(int recipients) {
        return ESCROW_PER_RECIPIENT.multiply(BigInteger.valueOf(recipients));
    }

    private BigInteger deadline() {
        return BigInteger.valueOf(anvil.latestTimestamp() + 86_400);
    }

    private byte[] bytes32() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return bytes;
    }

    @Override
    public void close() {
        anvil.close();
    }
}
