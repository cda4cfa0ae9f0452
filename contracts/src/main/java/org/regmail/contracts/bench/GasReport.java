package org.regmail.contracts.bench;

import java.io.PrintStream;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

import org.regmail.contracts.Status;
import org.regmail.contracts.devchain.Anvil;
import org.regmail.contracts.devchain.DevDeployment;
import org.regmail.contracts.generated.EmailRegistration;
import org.regmail.contracts.generated.EmailRegistrationMaster;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

/**
 * Measures the gas of every step of a registered mail's life from real receipts on a fresh
 * chain, and prints it beside the targets. Gas is deterministic for the same contracts and
 * inputs, so these figures are exact, not samples.
 *
 * <p>Run: {@code ./mvnw -q -pl contracts compile exec:java@gas-report}.
 */
public final class GasReport {
    private static final BigInteger ESCROW = new BigInteger("100000000000000000"); // 0.1 ether
    private static final BigInteger FEE_CAP = BigInteger.valueOf(50_000_000_000L);
    private static final int BATCH = 20;

    /** One line of the report: what was measured, gas, and the target if there is one. */
    public record Row(String step, long gas, OptionalLong target) {
        public boolean withinTarget() {
            return target.isEmpty() || gas <= target.getAsLong();
        }
    }

    private final Web3j web3j;
    private final Credentials admin = Anvil.devAccount(0);
    private final Credentials sender = Anvil.devAccount(1);
    private final Credentials recipient = Anvil.devAccount(2);
    private final Credentials owner = Anvil.devAccount(4);
    private final SecureRandom random = new SecureRandom();
    private DevDeployment deployment;

    public GasReport(Web3j web3j) {
        this.web3j = web3j;
    }

    /** Deploys a fresh system on the chain behind {@code web3j} and measures every step. */
    public List<Row> measure() throws Exception {
        List<Row> rows = new ArrayList<>();
        deployment = DevDeployment.deploy(web3j, admin);
        rows.add(row("deploy Master + Factory + implementation",
            deployment.master().getTransactionReceipt().orElseThrow(), null));
        rows.add(row("registerServer (directory entry)", deployment.as(sender)
            .registerServer("sender.example", DevDeployment.publicKey(sender)).send(), null));
        rows.add(row("approveServer",
            deployment.master().approveServer(sender.getAddress()).send(), null));
        deployment.registerAndApprove(recipient, "recipient.example");

        TransactionReceipt one = create(1).receipt();
        TransactionReceipt two = create(2).receipt();
        TransactionReceipt ten = create(10).receipt();
        rows.add(row("create, 1 recipient", one, 160_000L));
        rows.add(row("create, 2 recipients", two, null));
        rows.add(row("create, 10 recipients", ten, null));
        long perExtra = (ten.getGasUsed().longValue() - one.getGasUsed().longValue()) / 9;
        rows.add(new Row("each extra recipient (from 1 to 10)", perExtra, OptionalLong.of(30_000)));

        // The very first credit of a server turns a zero slot non-zero (20,000 gas once ever);
        // what follows is the steady state every later record pays.
        Mail warmUp = create(1);
        TransactionReceipt firstEver = record(sender, warmUp, Status.SUBMITTED);
        rows.add(row("first record ever of a server (credit slot created)", firstEver, null));
        record(recipient, warmUp, Status.DELIVERED);

        Mail life = create(1);
        rows.add(row("life: create", life.receipt(), null));
        TransactionReceipt submitted = record(sender, life, Status.SUBMITTED);
        rows.add(row("one event in its own transaction (SUBMITTED)", submitted, 60_000L));
        rows.add(new Row("  of which reimbursed to the server", reimbursedGas(submitted),
            OptionalLong.empty()));
        long lifeTotal = life.receipt().getGasUsed().longValue()
            + submitted.getGasUsed().longValue();
        for (Status status : List.of(Status.DELIVERED, Status.DOWNLOADED, Status.READ)) {
            TransactionReceipt receipt = record(recipient, life, status);
            rows.add(row("life: " + status, receipt, 60_000L));
            lifeTotal += receipt.getGasUsed().longValue();
        }
        TransactionReceipt withdrawn = deployment.as(owner).withdrawEscrow(life.localId()).send();
        rows.add(row("life: owner withdraws the rest", withdrawn, null));
        lifeTotal += withdrawn.getGasUsed().longValue();
        rows.add(new Row("whole life of a 1-recipient mail (sum of the above)", lifeTotal,
            OptionalLong.empty()));

        List<EmailRegistrationMaster.Record> batch = new ArrayList<>();
        for (int i = 0; i < BATCH; i++) {
            batch.add(new EmailRegistrationMaster.Record(create(1).salt(), BigInteger.ZERO,
                Status.SUBMITTED.value()));
        }
        TransactionReceipt batched = deployment.as(sender).recordBatch(batch).send();
        rows.add(row("batch of " + BATCH + " events, 20 registrations (whole tx)", batched, null));
        rows.add(new Row("  of which reimbursed to the server", reimbursedGas(batched),
            OptionalLong.empty()));
        rows.add(new Row("batched, per event", batched.getGasUsed().longValue() / BATCH,
            OptionalLong.of(20_000)));
        return rows;
    }

    private record Mail(byte[] localId, byte[] salt, TransactionReceipt receipt) {
    }

    private Mail create(int recipients) throws Exception {
        byte[] localId = bytes32();
        List<byte[]> commitments = new ArrayList<>();
        List<String> servers = new ArrayList<>();
        for (int i = 0; i < recipients; i++) {
            commitments.add(bytes32());
            servers.add(recipient.getAddress());
        }
        long deadline = latestTimestamp() + 86_400;
        TransactionReceipt receipt = deployment.as(owner).createRegistration(localId,
            sender.getAddress(), BigInteger.valueOf(deadline), FEE_CAP,
            Hash.sha3(bytes32()), commitments, servers, ESCROW).send();
        byte[] salt = deployment.master().registrationSalt(owner.getAddress(), localId).send();
        return new Mail(localId, salt, receipt);
    }

    private TransactionReceipt record(Credentials server, Mail mail, Status status)
        throws Exception {
        return deployment.as(server).record(new EmailRegistrationMaster.Record(
            mail.salt(), BigInteger.ZERO, status.value())).send();
    }

    /** Gas the server was paid for in a transaction: the wei it was credited / the gas price. */
    private static long reimbursedGas(TransactionReceipt receipt) {
        BigInteger paid = EmailRegistration.getStatusRecordedEvents(receipt).stream()
            .map(e -> e.reimbursed).reduce(BigInteger.ZERO, BigInteger::add);
        return paid.divide(Numeric.decodeQuantity(receipt.getEffectiveGasPrice())).longValueExact();
    }

    private long latestTimestamp() throws Exception {
        return web3j.ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false).send()
            .getBlock().getTimestamp().longValueExact();
    }

    private byte[] bytes32() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return bytes;
    }

    private static Row row(String step, TransactionReceipt receipt, Long target) {
        return new Row(step, receipt.getGasUsed().longValueExact(),
            target == null ? OptionalLong.empty() : OptionalLong.of(target));
    }

    /** Prints the rows as a Markdown table. */
    public static void print(List<Row> rows, PrintStream out) {
        out.println("| step | gas | target |");
        out.println("|---|---:|---:|");
        for (Row row : rows) {
            String target = row.target().isPresent()
                ? String.format("≤ %,d %s", row.target().getAsLong(),
                    row.withinTarget() ? "✓" : "✗ OVER")
                : "";
            out.printf("| %s | %,d | %s |%n", row.step(), row.gas(), target);
        }
    }

    /**
     * Starts a fresh local chain, measures, prints the table; exit code 1 if a target is missed.
     */
    public static void main(String[] args) throws Exception {
        List<Row> rows;
        try (Anvil anvil = Anvil.start()) {
            rows = new GasReport(anvil.web3j()).measure();
        }
        System.out.println("Gas per step of a registered mail, from receipts on a fresh anvil "
            + "(solc 0.8.30, optimizer 1000 runs, evm " + Anvil.HARDFORK + "):");
        System.out.println();
        print(rows, System.out);
        boolean allWithin = rows.stream().allMatch(Row::withinTarget);
        System.exit(allWithin ? 0 : 1);
    }
}
