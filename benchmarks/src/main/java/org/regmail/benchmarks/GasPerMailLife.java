package org.regmail.benchmarks;

import java.io.PrintStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

import org.regmail.benchmarks.naive.NaiveRegisteredMail;
import org.regmail.contracts.Status;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * Gas of a registered mail's whole life — create, SUBMITTED, HANDED_OFF, DELIVERED, DOWNLOADED
 * and READ for every recipient, the owner's withdrawal — for 1, 2 and 10 recipients, three
 * ways: our contracts with one transaction per record, our contracts with records batched 100
 * to a transaction (the outbox's way), and the naive baseline of one fully deployed contract
 * per mail ({@code NaiveRegisteredMail.sol}, benchmarks only). From receipts on a fresh anvil;
 * gas is deterministic, so one run is the measurement.
 *
 * <p>Run: {@code ./mvnw -q -pl benchmarks compile exec:exec@gas-per-life}.
 */
public final class GasPerMailLife {
    static final List<Status> SENDER_SIDE = List.of(Status.SUBMITTED, Status.HANDED_OFF);
    static final List<Status> RECIPIENT_SIDE =
        List.of(Status.DELIVERED, Status.DOWNLOADED, Status.READ);
    static final int RECORDS_PER_BATCH = 100;

    private GasPerMailLife() {
    }

    /** The gas of one mail's life, split by who pays it. */
    public record Life(int recipients, String design, double create, double records,
                       double withdraw) {
        public double total() {
            return create + records + withdraw;
        }

        public double perRecord() {
            return records / (recipients * 5.0);
        }
    }

    public static void main(String[] args) throws Exception {
        List<Integer> sizes = List.of(1, 2, 10);
        List<Life> lives = new ArrayList<>();
        try (BenchChain chain = BenchChain.start()) {
            warmUp(chain);
            for (int recipients : sizes) {
                lives.add(direct(chain, recipients));
                lives.add(batched(chain, recipients));
                lives.add(naive(chain, recipients));
            }
        }
        PrintStream out = System.out;
        MachineFacts.print(out, "Gas per mail life");
        out.println("Life = create + 5 records per recipient (SUBMITTED, HANDED_OFF, DELIVERED,"
            + " DOWNLOADED, READ) + withdraw.");
        out.println("Batched = " + RECORDS_PER_BATCH + " records per recordBatch transaction "
            + "(mails of the same size side by side); gas per mail is the batches' gas shared.");
        out.println();
        print(lives, out);
        System.exit(0);
    }

    /** Prints the lives as a Markdown table, each beside the naive one of the same size. */
    public static void print(List<Life> lives, PrintStream out) {
        out.println("| recipients | design | create | records | withdraw | whole life "
            + "| per record | naive ÷ this |");
        out.println("|---:|---|---:|---:|---:|---:|---:|---:|");
        for (Life life : lives) {
            double naive = lives.stream().filter(l -> l.recipients() == life.recipients()
                && l.design().startsWith("naive")).mapToDouble(Life::total).findFirst()
                .orElse(Double.NaN);
            out.printf("| %d | %s | %,.0f | %,.0f | %,.0f | %,.0f | %,.0f | %.2f× |%n",
                life.recipients(), life.design(), life.create(), life.records(), life.withdraw(),
                life.total(), life.perRecord(), naive / life.total());
        }
    }

    /** A first life per server, so that no measured record pays for a credit slot's creation. */
    static void warmUp(BenchChain chain) throws Exception {
        BenchChain.Mail mail = chain.create(1);
        for (Status status : SENDER_SIDE) {
            chain.record(BenchChain.SENDER_SERVER, mail, 0, status);
        }
        for (Status status : RECIPIENT_SIDE) {
            chain.record(BenchChain.RECIPIENT_SERVER, mail, 0, status);
        }
        chain.withdraw(mail);
    }

    static Life direct(BenchChain chain, int recipients) throws Exception {
        BenchChain.Mail mail = chain.create(recipients);
        long records = 0;
        for (int i = 0; i < recipients; i++) {
            for (Status status : SENDER_SIDE) {
                records += gas(chain.record(BenchChain.SENDER_SERVER, mail, i, status));
            }
            for (Status status : RECIPIENT_SIDE) {
                records += gas(chain.record(BenchChain.RECIPIENT_SERVER, mail, i, status));
            }
        }
        return new Life(recipients, "ours, one tx per record", gas(mail.created()), records,
            gas(chain.withdraw(mail)));
    }

    static Life batched(BenchChain chain, int recipients) throws Exception {
        int mails = Math.max(1, RECORDS_PER_BATCH / recipients);
        List<BenchChain.Mail> created = new ArrayList<>();
        long create = 0;
        for (int m = 0; m < mails; m++) {
            BenchChain.Mail mail = chain.create(recipients);
            created.add(mail);
            create += gas(mail.created());
        }
        long records = 0;
        for (Status status : SENDER_SIDE) {
            records += gas(chain.recordBatch(BenchChain.SENDER_SERVER, created, status));
        }
        for (Status status : RECIPIENT_SIDE) {
            records += gas(chain.recordBatch(BenchChain.RECIPIENT_SERVER, created, status));
        }
        long withdraw = 0;
        for (BenchChain.Mail mail : created) {
            withdraw += gas(chain.withdraw(mail));
        }
        return new Life(recipients, "ours, batched " + RECORDS_PER_BATCH + "/tx",
            (double) create / mails, (double) records / mails, (double) withdraw / mails);
    }

    static Life naive(BenchChain chain, int recipients) throws Exception {
        NaiveRegisteredMail mail = chain.deployNaive(recipients);
        long create = gas(mail.getTransactionReceipt().orElseThrow());
        NaiveRegisteredMail asSender = chain.naiveAs(mail, BenchChain.SENDER_SERVER);
        NaiveRegisteredMail asRecipient = chain.naiveAs(mail, BenchChain.RECIPIENT_SERVER);
        long records = 0;
        for (int i = 0; i < recipients; i++) {
            for (Status status : SENDER_SIDE) {
                records += gas(record(asSender, i, status));
            }
            for (Status status : RECIPIENT_SIDE) {
                records += gas(record(asRecipient, i, status));
            }
        }
        long withdraw = gas(chain.naiveAs(mail, BenchChain.OWNER).withdraw().send());
        return new Life(recipients, "naive, one contract per mail", create, records, withdraw);
    }

    private static TransactionReceipt record(NaiveRegisteredMail mail, int index, Status status)
        throws Exception {
        return mail.record(BigInteger.valueOf(index), status.value()).send();
    }

    static long gas(TransactionReceipt receipt) {
        if (!receipt.isStatusOK()) {
            throw new IllegalStateException("tx " + receipt.getTransactionHash() + " reverted");
        }
        return receipt.getGasUsed().longValueExact();
    }

}
