package org.regmail.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.regmail.contracts.testing.Reverts.assertReverts;
import static org.regmail.contracts.testing.RegmailFixture.record;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.regmail.contracts.attack.ReentrantOwner;
import org.regmail.contracts.devchain.DevDeployment;
import org.regmail.contracts.devchain.DevTransactions;
import org.regmail.contracts.generated.EmailRegistration;
import org.regmail.contracts.generated.EmailRegistrationFactory;
import org.regmail.contracts.generated.EmailRegistrationMaster;
import org.regmail.contracts.testing.AnvilExtension;
import org.regmail.contracts.testing.RegmailFixture;
import org.regmail.contracts.testing.RegmailFixture.Created;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tuples.generated.Tuple3;
import org.web3j.tuples.generated.Tuple5;
import org.web3j.utils.Numeric;

class EmailRegistrationMasterTest {
    @RegisterExtension
    static final AnvilExtension CHAIN = AnvilExtension.isolatingEachTest();

    static RegmailFixture f;

    @BeforeAll
    static void deploy() throws Exception {
        f = RegmailFixture.deploy(CHAIN.web3j());
    }

    static EmailRegistrationMaster.Record rec(Created c, int index, Status status) {
        return record(c.salt(), index, status);
    }

    static TransactionReceipt recordAs(Credentials server, Created c, int index, Status status)
        throws Exception {
        return f.as(server).record(rec(c, index, status)).send();
    }

    static BigInteger reached(Created c, int index) throws Exception {
        return f.registration(c.address()).recipient(BigInteger.valueOf(index)).send().component2();
    }

    static BigInteger escrowOf(Created c) throws Exception {
        return f.registration(c.address()).terms().send().component3();
    }

    static BigInteger balance(String address) throws Exception {
        return f.web3j.ethGetBalance(address, DefaultBlockParameterName.LATEST).send().getBalance();
    }

    @Nested
    class Directory {
        @Test
        void shouldPublishServerWhenKeyHashesToCaller() throws Exception {
            Credentials server = f.stranger;
            TransactionReceipt receipt = f.as(server)
                .registerServer("new.example", RegmailFixture.publicKey(server)).send();

            Tuple3<String, byte[], Boolean> info = f.master.serverInfo(server.getAddress()).send();
            assertThat(info.component1()).isEqualTo("new.example");
            assertThat(info.component2()).isEqualTo(RegmailFixture.publicKey(server));
            assertThat(info.component3()).isFalse();
            assertThat(EmailRegistrationMaster.getServerRegisteredEvents(receipt))
                .singleElement()
                .satisfies(e -> assertThat(e.server).isEqualTo(server.getAddress()));
            assertThat(f.master.serverForDomain("new.example").send().component1())
                .isEqualTo(server.getAddress());
        }

        @Test
        void shouldRejectKeyOfAnotherAccount() {
            assertReverts(f.web3j, "PublicKeyDoesNotMatchSender", () -> f.as(f.stranger)
                .registerServer("new.example", RegmailFixture.publicKey(f.owner)).send());
        }

        @Test
        void shouldRejectKeyOfWrongLength() {
            assertReverts(f.web3j, "InvalidPublicKey", () -> f.as(f.stranger)
                .registerServer("new.example", new byte[33]).send());
        }

        @Test
        void shouldRejectDomainNotInLowerCase() {
            assertReverts(f.web3j, "InvalidDomain", () -> f.as(f.stranger)
                .registerServer("New.Example", RegmailFixture.publicKey(f.stranger)).send());
        }

        @Test
        void shouldRejectDomainHeldByAnotherServer() {
            assertReverts(f.web3j, "DomainTaken", () -> f.as(f.stranger)
                .registerServer("recipient.example", RegmailFixture.publicKey(f.stranger)).send());
        }

        @Test
        void shouldLetOnlyDirectoryAdminApprove() throws Exception {
            f.as(f.stranger).registerServer("new.example",
                RegmailFixture.publicKey(f.stranger)).send();

            assertReverts(f.web3j, "AccessControlUnauthorizedAccount",
                () -> f.as(f.senderServer).approveServer(f.stranger.getAddress()).send());
            f.master.approveServer(f.stranger.getAddress()).send();

            assertThat(f.master.serverInfo(f.stranger.getAddress()).send().component3()).isTrue();
        }

        @Test
        void shouldRefuseToApproveUnknownServer() {
            assertReverts(f.web3j, "UnknownServer",
                () -> f.master.approveServer(f.stranger.getAddress()).send());
        }

        @Test
        void shouldResetApprovalWhenServerChangesItsEntry() throws Exception {
            f.as(f.relay).registerServer("relay2.example",
                RegmailFixture.publicKey(f.relay)).send();

            assertThat(f.master.serverInfo(f.relay.getAddress()).send().component3()).isFalse();
            assertThat(f.master.serverForDomain("relay.example").send().component1())
                .isEqualTo("0x0000000000000000000000000000000000000000");
        }

        @Test
        void shouldStopRevokedServerFromRecording() throws Exception {
            Created c = f.createForOneRecipient();
            f.master.revokeServer(f.senderServer.getAddress()).send();

            assertReverts(f.web3j, "NotApprovedServer",
                () -> recordAs(f.senderServer, c, 0, Status.SUBMITTED));
        }
    }

    @Nested
    class Creation {
        @Test
        void shouldCreateCloneAtPredictedAddressHoldingTerms() throws Exception {
            long deadline = f.now() + 3_600;
            Created c = f.create(List.of(f.recipientServer.getAddress(), f.secondRecipientServer
                .getAddress()), RegmailFixture.ESCROW, RegmailFixture.FEE_CAP, deadline);

            EmailRegistrationMaster.RegistrationCreatedEventResponse event =
                EmailRegistrationMaster.getRegistrationCreatedEvents(c.receipt()).get(0);
            assertThat(event.registration).isEqualTo(c.address());
            assertThat(event.owner).isEqualTo(f.owner.getAddress());
            assertThat(event.recipientCommitments).hasSize(2);
            assertThat(f.master.isRegistration(c.address(), c.salt()).send()).isTrue();
            Tuple5<BigInteger, BigInteger, BigInteger, String, BigInteger> terms =
                f.registration(c.address()).terms().send();
            assertThat(terms.component1()).isEqualTo(BigInteger.valueOf(deadline));
            assertThat(terms.component2()).isEqualTo(RegmailFixture.FEE_CAP);
            assertThat(terms.component3()).isEqualTo(RegmailFixture.ESCROW);
            assertThat(terms.component4()).isEqualTo(f.senderServer.getAddress());
            assertThat(terms.component5()).isEqualTo(BigInteger.TWO);
            assertThat(balance(f.master.getContractAddress())).isEqualTo(RegmailFixture.ESCROW);
        }

        @Test
        void shouldRejectDeadlineFurtherThanTenDays() throws Exception {
            long tooFar = f.now() + Duration.ofDays(10).toSeconds() + 60;
            assertReverts(f.web3j, "DeadlineTooFar", () -> f.create(
                List.of(f.recipientServer.getAddress()), RegmailFixture.ESCROW,
                RegmailFixture.FEE_CAP, tooFar).receipt());
        }

        @Test
        void shouldRejectDeadlineInThePast() throws Exception {
            long past = f.now() - 1;
            assertReverts(f.web3j, "DeadlineInPast", () -> f.create(
                List.of(f.recipientServer.getAddress()), RegmailFixture.ESCROW,
                RegmailFixture.FEE_CAP, past).receipt());
        }

        @Test
        void shouldRejectRegistrationWithoutRecipients() throws Exception {
            long deadline = f.now() + 60;
            assertReverts(f.web3j, "NoRecipients", () -> f.create(List.of(),
                RegmailFixture.ESCROW, RegmailFixture.FEE_CAP, deadline).receipt());
        }

        @Test
        void shouldRejectUnapprovedSenderServer() throws Exception {
            long deadline = f.now() + 60;
            assertReverts(f.web3j, "NotApprovedServer", () -> f.as(f.owner).createRegistration(
                RegmailFixture.randomBytes32(), f.stranger.getAddress(),
                BigInteger.valueOf(deadline), RegmailFixture.FEE_CAP,
                RegmailFixture.commitment("c"),
                List.of(RegmailFixture.commitment("r")), List.of(f.recipientServer.getAddress()),
                RegmailFixture.ESCROW).send());
        }

        @Test
        void shouldRejectUnapprovedRecipientServer() throws Exception {
            long deadline = f.now() + 60;
            assertReverts(f.web3j, "NotApprovedServer", () -> f.create(
                List.of(f.stranger.getAddress()), RegmailFixture.ESCROW, RegmailFixture.FEE_CAP,
                deadline).receipt());
        }

        @Test
        void shouldRejectMismatchedRecipientLists() throws Exception {
            long deadline = f.now() + 60;
            assertReverts(f.web3j, "LengthMismatch", () -> f.as(f.owner).createRegistration(
                RegmailFixture.randomBytes32(), f.senderServer.getAddress(),
                BigInteger.valueOf(deadline), RegmailFixture.FEE_CAP,
                RegmailFixture.commitment("c"),
                List.of(RegmailFixture.commitment("a"), RegmailFixture.commitment("b")),
                List.of(f.recipientServer.getAddress()), RegmailFixture.ESCROW).send());
        }

        @Test
        void shouldRejectReusedLocalId() throws Exception {
            Created c = f.createForOneRecipient();
            long deadline = f.now() + 60;
            assertReverts(f.web3j, "LocalIdAlreadyUsed", () -> f.as(f.owner).createRegistration(
                c.localId(), f.senderServer.getAddress(), BigInteger.valueOf(deadline),
                RegmailFixture.FEE_CAP, RegmailFixture.commitment("c"),
                List.of(RegmailFixture.commitment("r")), List.of(f.recipientServer.getAddress()),
                RegmailFixture.ESCROW).send());
        }

        @Test
        void shouldLetOnlyMasterUseFactory() throws Exception {
            String factoryAddress = f.master.factory().send();
            EmailRegistrationFactory factory = EmailRegistrationFactory.load(factoryAddress,
                f.web3j, DevTransactions.manager(f.web3j, f.stranger), DevTransactions.gas());

            assertReverts(f.web3j, "NotMaster",
                () -> factory.create(RegmailFixture.randomBytes32()).send());
        }

        @Test
        void shouldLetOnlyMasterInitialiseOrRecord() throws Exception {
            Created c = f.createForOneRecipient();
            EmailRegistration direct = EmailRegistration.load(c.address(), f.web3j,
                DevTransactions.manager(f.web3j, f.senderServer), DevTransactions.gas());

            assertReverts(f.web3j, "NotMaster", () -> direct.record(f.senderServer.getAddress(),
                BigInteger.ZERO, Status.SUBMITTED.value(), BigInteger.ZERO).send());
            assertReverts(f.web3j, "NotMaster", () -> direct.initialize(f.senderServer.getAddress(),
                BigInteger.ONE, BigInteger.ONE, BigInteger.ONE, List.of()).send());
        }
    }

    @Nested
    class Records {
        @Test
        void shouldRecordWholeLifeAndReimburseEachServer() throws Exception {
            Created c = f.createForOneRecipient();

            TransactionReceipt submitted = recordAs(f.senderServer, c, 0, Status.SUBMITTED);
            recordAs(f.senderServer, c, 0, Status.HANDED_OFF);
            recordAs(f.recipientServer, c, 0, Status.DELIVERED);
            recordAs(f.recipientServer, c, 0, Status.DOWNLOADED);
            recordAs(f.recipientServer, c, 0, Status.READ);

            EmailRegistration.StatusRecordedEventResponse event =
                EmailRegistration.getStatusRecordedEvents(submitted).get(0);
            assertThat(Status.of(event.status)).isEqualTo(Status.SUBMITTED);
            assertThat(event.server).isEqualTo(f.senderServer.getAddress());
            assertThat(event.reimbursed).isPositive();
            BigInteger bitmap = reached(c, 0);
            for (Status s : List.of(Status.SUBMITTED, Status.HANDED_OFF, Status.DELIVERED,
                Status.DOWNLOADED, Status.READ)) {
                assertThat(s.isIn(bitmap)).as(s.name()).isTrue();
            }
            assertThat(Status.EXPIRED.isIn(bitmap)).isFalse();
            BigInteger paidToSender = f.master.creditOf(f.senderServer.getAddress()).send();
            BigInteger paidToRecipient = f.master.creditOf(f.recipientServer.getAddress()).send();
            assertThat(paidToSender).isPositive();
            assertThat(paidToRecipient).isPositive();
            assertThat(escrowOf(c)).isEqualTo(
                RegmailFixture.ESCROW.subtract(paidToSender).subtract(paidToRecipient));
        }

        @Test
        void shouldRejectSubmittedFromAnyoneButSenderServer() throws Exception {
            Created c = f.createForOneRecipient();
            assertReverts(f.web3j, "NotSenderServer",
                () -> recordAs(f.recipientServer, c, 0, Status.SUBMITTED));
        }

        @Test
        void shouldRejectDeliveredFromAnyoneButRecipientServer() throws Exception {
            Created c = f.createForOneRecipient();
            assertReverts(f.web3j, "NotRecipientServer",
                () -> recordAs(f.senderServer, c, 0, Status.DELIVERED));
            assertReverts(f.web3j, "NotRecipientServer",
                () -> recordAs(f.secondRecipientServer, c, 0, Status.DELIVERED));
        }

        @Test
        void shouldRejectRecordsFromUnapprovedAccounts() throws Exception {
            Created c = f.createForOneRecipient();
            assertReverts(f.web3j, "NotApprovedServer",
                () -> recordAs(f.stranger, c, 0, Status.SUBMITTED));
        }

        @Test
        void shouldRejectHandedOffBeforeSubmitted() throws Exception {
            Created c = f.createForOneRecipient();
            assertReverts(f.web3j, "StatusOutOfOrder",
                () -> recordAs(f.senderServer, c, 0, Status.HANDED_OFF));
        }

        @Test
        void shouldRejectDownloadedBeforeDeliveredAndReadBeforeDownloaded() throws Exception {
            Created c = f.createForOneRecipient();
            assertReverts(f.web3j, "StatusOutOfOrder",
                () -> recordAs(f.recipientServer, c, 0, Status.DOWNLOADED));
            recordAs(f.recipientServer, c, 0, Status.DELIVERED);
            assertReverts(f.web3j, "StatusOutOfOrder",
                () -> recordAs(f.recipientServer, c, 0, Status.READ));
        }

        @Test
        void shouldRejectSecondOutcome() throws Exception {
            Created c = f.createForOneRecipient();
            recordAs(f.recipientServer, c, 0, Status.DELIVERED_ALTERED);
            assertReverts(f.web3j, "StatusOutOfOrder",
                () -> recordAs(f.recipientServer, c, 0, Status.DELIVERED));
        }

        @Test
        void shouldRejectRepeatedStatus() throws Exception {
            Created c = f.createForOneRecipient();
            recordAs(f.senderServer, c, 0, Status.SUBMITTED);
            ContractErrors.Revert revert = assertReverts(f.web3j, "StatusAlreadyRecorded",
                () -> recordAs(f.senderServer, c, 0, Status.SUBMITTED));
            assertThat(revert.arguments()).containsExactly("0", "1");
        }

        @Test
        void shouldRejectAnythingAfterRejected() throws Exception {
            Created c = f.createForOneRecipient();
            recordAs(f.recipientServer, c, 0, Status.REJECTED);
            assertReverts(f.web3j, "RecipientFinal",
                () -> recordAs(f.recipientServer, c, 0, Status.DOWNLOADED));
        }

        @Test
        void shouldRejectRecipientIndexOutOfRange() throws Exception {
            Created c = f.createForOneRecipient();
            assertReverts(f.web3j, "RecipientIndexOutOfRange",
                () -> recordAs(f.senderServer, c, 1, Status.SUBMITTED));
        }

        @Test
        void shouldRejectRegistrationNotCreatedByMaster() {
            byte[] unknownSalt = RegmailFixture.randomBytes32();
            assertReverts(f.web3j, "NotGenuineRegistration", () -> f.as(f.senderServer)
                .record(record(unknownSalt, 0, Status.SUBMITTED)).send());
        }

        @Test
        void shouldRejectNoneAsStatus() throws Exception {
            Created c = f.createForOneRecipient();
            assertReverts(f.web3j, "InvalidStatus",
                () -> recordAs(f.recipientServer, c, 0, Status.NONE));
        }

        @Test
        void shouldAcceptSenderRecordsLandingAfterRecipientSide() throws Exception {
            Created c = f.createForOneRecipient();
            recordAs(f.recipientServer, c, 0, Status.DELIVERED);
            recordAs(f.senderServer, c, 0, Status.SUBMITTED);
            recordAs(f.senderServer, c, 0, Status.HANDED_OFF);
            assertThat(Status.HANDED_OFF.isIn(reached(c, 0))).isTrue();
        }

        @Test
        void shouldDeleteDeliveredMailUnread() throws Exception {
            Created c = f.createForOneRecipient();
            recordAs(f.recipientServer, c, 0, Status.DELIVERED);
            recordAs(f.recipientServer, c, 0, Status.DELETED);
            assertReverts(f.web3j, "RecipientFinal",
                () -> recordAs(f.recipientServer, c, 0, Status.DOWNLOADED));
        }
    }

    @Nested
    class Relays {
        @Test
        void shouldLetRelayAuthorisedBySenderServerRecordRelayedOnce() throws Exception {
            Created c = f.createForOneRecipient();
            f.as(f.senderServer).authoriseRelay(c.salt(), f.relay.getAddress()).send();

            recordAs(f.relay, c, 0, Status.RELAYED);

            assertThat(f.registration(c.address()).isAuthorisedRelay(f.relay.getAddress()).send())
                .isTrue();
            assertThat(Status.RELAYED.isIn(reached(c, 0))).isTrue();
            assertReverts(f.web3j, "StatusAlreadyRecorded",
                () -> recordAs(f.relay, c, 0, Status.RELAYED));
        }

        @Test
        void shouldRejectRelayedFromUnauthorisedRelay() throws Exception {
            Created c = f.createForOneRecipient();
            assertReverts(f.web3j, "NotAuthorisedRelay",
                () -> recordAs(f.relay, c, 0, Status.RELAYED));
        }

        @Test
        void shouldLetOnlyPreviousHopAuthoriseRelay() throws Exception {
            Created c = f.createForOneRecipient();
            assertReverts(f.web3j, "NotPreviousHop", () -> f.as(f.recipientServer)
                .authoriseRelay(c.salt(), f.relay.getAddress()).send());

            f.as(f.senderServer).authoriseRelay(c.salt(), f.relay.getAddress()).send();
            f.as(f.relay).authoriseRelay(c.salt(), f.secondRecipientServer.getAddress()).send();
            assertThat(f.registration(c.address())
                .isAuthorisedRelay(f.secondRecipientServer.getAddress()).send()).isTrue();
        }

        @Test
        void shouldRefuseToAuthoriseUnapprovedRelay() throws Exception {
            Created c = f.createForOneRecipient();
            assertReverts(f.web3j, "NotApprovedServer", () -> f.as(f.senderServer)
                .authoriseRelay(c.salt(), f.stranger.getAddress()).send());
        }
    }

    @Nested
    class Expiry {
        @Test
        void shouldRefuseToExpireBeforeDeadline() throws Exception {
            Created c = f.createForOneRecipient();
            assertReverts(f.web3j, "DeadlineNotReached",
                () -> f.as(f.stranger).expire(c.salt(), BigInteger.ZERO).send());
        }

        @Test
        void shouldLetAnyoneExpireUndownloadedRecipientAfterDeadline() throws Exception {
            Created c = f.createForOneRecipient();
            recordAs(f.recipientServer, c, 0, Status.DELIVERED);
            CHAIN.anvil().travel(Duration.ofDays(1).plusSeconds(1));

            TransactionReceipt receipt = f.as(f.stranger).expire(c.salt(), BigInteger.ZERO).send();

            assertThat(Status.EXPIRED.isIn(reached(c, 0))).isTrue();
            EmailRegistration.StatusRecordedEventResponse event =
                EmailRegistration.getStatusRecordedEvents(receipt).get(0);
            assertThat(event.server).isEqualTo(f.stranger.getAddress());
            assertThat(event.reimbursed).isZero();
        }

        @Test
        void shouldRejectAnyRecordAfterExpired() throws Exception {
            Created c = f.createForOneRecipient();
            recordAs(f.recipientServer, c, 0, Status.DELIVERED);
            CHAIN.anvil().travel(Duration.ofDays(2));
            recordAs(f.recipientServer, c, 0, Status.EXPIRED);

            assertReverts(f.web3j, "RecipientFinal",
                () -> recordAs(f.recipientServer, c, 0, Status.DOWNLOADED));
            assertReverts(f.web3j, "RecipientFinal",
                () -> recordAs(f.senderServer, c, 0, Status.SUBMITTED));
            assertReverts(f.web3j, "StatusAlreadyRecorded",
                () -> f.as(f.stranger).expire(c.salt(), BigInteger.ZERO).send());
        }

        @Test
        void shouldNotExpireDownloadedRecipient() throws Exception {
            Created c = f.createForOneRecipient();
            recordAs(f.recipientServer, c, 0, Status.DELIVERED);
            recordAs(f.recipientServer, c, 0, Status.DOWNLOADED);
            CHAIN.anvil().travel(Duration.ofDays(2));

            assertReverts(f.web3j, "AlreadyDownloaded",
                () -> f.as(f.stranger).expire(c.salt(), BigInteger.ZERO).send());
        }
    }

    @Nested
    class Batches {
        @Test
        void shouldApplyValidRecordsAndReportTheRest() throws Exception {
            List<Created> mails = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                mails.add(f.createForOneRecipient());
            }
            List<EmailRegistrationMaster.Record> batch = new ArrayList<>();
            for (Created c : mails) {
                batch.add(rec(c, 0, Status.SUBMITTED));
            }
            batch.add(rec(mails.get(0), 0, Status.SUBMITTED)); // duplicate within the batch
            batch.add(rec(mails.get(1), 0, Status.DELIVERED)); // not the sender's to record
            batch.add(record(RegmailFixture.randomBytes32(), 0, Status.SUBMITTED)); // not genuine

            TransactionReceipt receipt = f.as(f.senderServer).recordBatch(batch).send();

            assertThat(EmailRegistration.getStatusRecordedEvents(receipt)).hasSize(3);
            assertThat(EmailRegistrationMaster.getRecordRejectedEvents(receipt))
                .extracting(e -> ContractErrors.nameOf(Numeric.toHexString(e.reason)).orElseThrow())
                .containsExactly("StatusAlreadyRecorded", "NotRecipientServer",
                    "NotGenuineRegistration");
            for (Created c : mails) {
                assertThat(Status.SUBMITTED.isIn(reached(c, 0))).isTrue();
            }
        }

        @Test
        void shouldReimburseBatchWithinOverheadOfGasUsed() throws Exception {
            recordAs(f.senderServer, f.createForOneRecipient(), 0, Status.SUBMITTED); // credit slot
            List<EmailRegistrationMaster.Record> batch = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                batch.add(rec(f.createForOneRecipient(), 0, Status.SUBMITTED));
            }

            TransactionReceipt receipt = f.as(f.senderServer).recordBatch(batch).send();

            BigInteger paid = EmailRegistration.getStatusRecordedEvents(receipt).stream()
                .map(e -> e.reimbursed).reduce(BigInteger.ZERO, BigInteger::add);
            long chargedGas = paid.divide(Numeric.decodeQuantity(receipt.getEffectiveGasPrice()))
                .longValueExact();
            long usedGas = receipt.getGasUsed().longValueExact();
            assertThat(chargedGas).isBetween(usedGas - 1_000, usedGas + 1_000);
            assertThat(f.master.creditOf(f.senderServer.getAddress()).send()).isGreaterThan(paid);
        }

        /**
         * A five-recipient mail's SUBMITTED and HANDED_OFF travel together, sorted by recipient
         * and status as the outbox sends them: the nine records after the first find the
         * registration warm, and each HANDED_OFF finds its recipient's slot written. Before the
         * contract priced those repeats, this batch was reimbursed 25 % above the gas it used.
         */
        @Test
        void shouldReimburseRepeatedRegistrationInBatchWithinOverheadOfGasUsed()
            throws Exception {
            recordAs(f.senderServer, f.createForOneRecipient(), 0, Status.SUBMITTED); // credit slot
            String server = f.recipientServer.getAddress();
            Created c = f.create(List.of(server, server, server, server, server),
                RegmailFixture.ESCROW, RegmailFixture.FEE_CAP, f.now() + 3_600);
            List<EmailRegistrationMaster.Record> batch = new ArrayList<>();
            for (int recipient = 0; recipient < 5; recipient++) {
                batch.add(rec(c, recipient, Status.SUBMITTED));
                batch.add(rec(c, recipient, Status.HANDED_OFF));
            }

            TransactionReceipt receipt = f.as(f.senderServer).recordBatch(batch).send();

            assertThat(EmailRegistration.getStatusRecordedEvents(receipt)).hasSize(10);
            long usedGas = receipt.getGasUsed().longValueExact();
            assertThat(chargedGas(receipt)).isBetween(usedGas - 1_000, usedGas + 1_000);
        }

        /**
         * A record after a refused one of the same recipient finds the registration warm but
         * no slot written (the refusal undid the write): it is paid the warm registration's
         * saving less, not the written slot's. Compared with the same record alone in a batch,
         * whose work the clone measures the same.
         */
        @Test
        void shouldNotTakeRefusedRecordForWrittenRecipientSlot() throws Exception {
            Created afterRefusal = f.createForOneRecipient();
            Created alone = f.createForOneRecipient();
            recordAs(f.senderServer, afterRefusal, 0, Status.SUBMITTED);
            recordAs(f.senderServer, alone, 0, Status.SUBMITTED);

            TransactionReceipt refusedFirst = f.as(f.senderServer).recordBatch(List.of(
                rec(afterRefusal, 0, Status.SUBMITTED), rec(afterRefusal, 0, Status.HANDED_OFF)))
                .send();
            TransactionReceipt single = f.as(f.senderServer)
                .recordBatch(List.of(rec(alone, 0, Status.HANDED_OFF))).send();

            assertThat(EmailRegistrationMaster.getRecordRejectedEvents(refusedFirst)).hasSize(1);
            long transactionShare = DevDeployment.TRANSACTION_OVERHEAD_GAS.longValueExact() / 2;
            assertThat(chargedGas(single) - chargedGas(refusedFirst))
                .isEqualTo(transactionShare + 2_340);
        }

        private static long chargedGas(TransactionReceipt receipt) {
            BigInteger paid = EmailRegistration.getStatusRecordedEvents(receipt).stream()
                .map(e -> e.reimbursed).reduce(BigInteger.ZERO, BigInteger::add);
            return paid.divide(Numeric.decodeQuantity(receipt.getEffectiveGasPrice()))
                .longValueExact();
        }

        @Test
        void shouldNotPayTwiceForRetriedBatch() throws Exception {
            Created c = f.createForOneRecipient();
            List<EmailRegistrationMaster.Record> batch = List.of(rec(c, 0, Status.SUBMITTED),
                rec(c, 0, Status.HANDED_OFF));
            f.as(f.senderServer).recordBatch(batch).send();
            BigInteger creditAfterFirst = f.master.creditOf(f.senderServer.getAddress()).send();
            BigInteger escrowAfterFirst = escrowOf(c);

            TransactionReceipt retry = f.as(f.senderServer).recordBatch(batch).send();

            assertThat(retry.isStatusOK()).isTrue();
            assertThat(EmailRegistrationMaster.getRecordRejectedEvents(retry)).hasSize(2);
            assertThat(f.master.creditOf(f.senderServer.getAddress()).send())
                .isEqualTo(creditAfterFirst);
            assertThat(escrowOf(c)).isEqualTo(escrowAfterFirst);
        }

        @Test
        void shouldRejectWholeBatchFromUnapprovedAccount() throws Exception {
            Created c = f.createForOneRecipient();
            assertReverts(f.web3j, "NotApprovedServer", () -> f.as(f.stranger)
                .recordBatch(List.of(rec(c, 0, Status.SUBMITTED))).send());
        }
    }

    @Nested
    class Money {
        @Test
        void shouldReimburseGasUsedAtTransactionPriceWithinOverhead() throws Exception {
            recordAs(f.senderServer, f.createForOneRecipient(), 0, Status.SUBMITTED); // credit slot
            Created c = f.createForOneRecipient();

            TransactionReceipt receipt = recordAs(f.senderServer, c, 0, Status.SUBMITTED);

            BigInteger price = Numeric.decodeQuantity(receipt.getEffectiveGasPrice());
            BigInteger reimbursed =
                EmailRegistration.getStatusRecordedEvents(receipt).get(0).reimbursed;
            assertThat(reimbursed.mod(price)).isZero();
            long chargedGas = reimbursed.divide(price).longValueExact();
            long usedGas = receipt.getGasUsed().longValueExact();
            // Charged = gas measured inside the clone + the configured overheads.
            assertThat(chargedGas).isBetween(usedGas - 500, usedGas + 500);
        }

        @Test
        void shouldCapReimbursementAtSendersFeeCap() throws Exception {
            BigInteger cap = BigInteger.valueOf(1_000_000_000L); // 1 gwei
            Created c = f.create(List.of(f.recipientServer.getAddress()), RegmailFixture.ESCROW,
                cap, f.now() + 3_600);
            recordAs(f.senderServer, f.createForOneRecipient(), 0, Status.SUBMITTED); // credit slot
            BigInteger highTip = BigInteger.valueOf(5_000_000_000L);

            TransactionReceipt receipt = f.as(f.senderServer, DevTransactions.gas(highTip))
                .record(rec(c, 0, Status.SUBMITTED)).send();

            BigInteger price = Numeric.decodeQuantity(receipt.getEffectiveGasPrice());
            assertThat(price).isGreaterThan(cap);
            BigInteger reimbursed =
                EmailRegistration.getStatusRecordedEvents(receipt).get(0).reimbursed;
            assertThat(reimbursed.mod(cap)).isZero();
            assertThat(reimbursed.divide(cap).longValueExact())
                .isBetween(receipt.getGasUsed().longValueExact() - 500,
                    receipt.getGasUsed().longValueExact() + 500);
        }

        @Test
        void shouldKeepRecordingWhenEscrowRunsDry() throws Exception {
            BigInteger tiny = BigInteger.valueOf(1_000);
            Created c = f.create(List.of(f.recipientServer.getAddress()), tiny,
                RegmailFixture.FEE_CAP, f.now() + 3_600);

            TransactionReceipt first = recordAs(f.senderServer, c, 0, Status.SUBMITTED);
            TransactionReceipt second = recordAs(f.senderServer, c, 0, Status.HANDED_OFF);

            assertThat(EmailRegistration.getStatusRecordedEvents(first).get(0).reimbursed)
                .isEqualTo(tiny);
            assertThat(EmailRegistration.getEscrowExhaustedEvents(first)).hasSize(1);
            assertThat(EmailRegistration.getStatusRecordedEvents(second).get(0).reimbursed)
                .isZero();
            assertThat(EmailRegistration.getEscrowExhaustedEvents(second)).isEmpty();
            assertThat(Status.HANDED_OFF.isIn(reached(c, 0))).isTrue();
            assertThat(escrowOf(c)).isZero();
        }

        @Test
        void shouldPayServerCreditOnWithdrawalOnce() throws Exception {
            Created c = f.createForOneRecipient();
            recordAs(f.senderServer, c, 0, Status.SUBMITTED);
            BigInteger credit = f.master.creditOf(f.senderServer.getAddress()).send();
            BigInteger before = balance(f.senderServer.getAddress());

            TransactionReceipt receipt = f.as(f.senderServer).withdrawCredit().send();

            BigInteger gasCost = receipt.getGasUsed()
                .multiply(Numeric.decodeQuantity(receipt.getEffectiveGasPrice()));
            assertThat(balance(f.senderServer.getAddress()))
                .isEqualTo(before.add(credit).subtract(gasCost));
            assertThat(f.master.creditOf(f.senderServer.getAddress()).send()).isZero();
            assertReverts(f.web3j, "NothingToWithdraw",
                () -> f.as(f.senderServer).withdrawCredit().send());
        }

        @Test
        void shouldTransferNoEtherWhileRecording() throws Exception {
            Created c = f.createForOneRecipient();
            BigInteger masterBefore = balance(f.master.getContractAddress());

            recordAs(f.senderServer, c, 0, Status.SUBMITTED);

            assertThat(balance(f.master.getContractAddress())).isEqualTo(masterBefore);
        }

        @Test
        void shouldRefuseOwnerWithdrawalBeforeEveryRecipientIsFinal() throws Exception {
            Created c = f.createForOneRecipient();
            recordAs(f.recipientServer, c, 0, Status.DELIVERED);
            assertReverts(f.web3j, "RecipientNotFinal",
                () -> f.as(f.owner).withdrawEscrow(c.localId()).send());
        }

        @Test
        void shouldRefuseWithdrawalBySomeoneElse() throws Exception {
            Created c = f.createForOneRecipient();
            assertReverts(f.web3j, "NotGenuineRegistration",
                () -> f.as(f.stranger).withdrawEscrow(c.localId()).send());
        }

        @Test
        void shouldReturnRemainingEscrowToOwnerOnceFinal() throws Exception {
            Created c = f.createForOneRecipient();
            recordAs(f.recipientServer, c, 0, Status.DELIVERED);
            recordAs(f.recipientServer, c, 0, Status.DOWNLOADED);
            recordAs(f.recipientServer, c, 0, Status.READ);
            BigInteger left = escrowOf(c);
            BigInteger before = balance(f.owner.getAddress());

            TransactionReceipt receipt = f.as(f.owner).withdrawEscrow(c.localId()).send();

            BigInteger gasCost = receipt.getGasUsed()
                .multiply(Numeric.decodeQuantity(receipt.getEffectiveGasPrice()));
            assertThat(balance(f.owner.getAddress())).isEqualTo(before.add(left).subtract(gasCost));
            assertThat(escrowOf(c)).isZero();
            assertReverts(f.web3j, "NothingToWithdraw",
                () -> f.as(f.owner).withdrawEscrow(c.localId()).send());
        }

        @Test
        void shouldTreatDownloadedAsFinalOnceDeadlinePassed() throws Exception {
            Created c = f.createForOneRecipient();
            recordAs(f.recipientServer, c, 0, Status.DELIVERED);
            recordAs(f.recipientServer, c, 0, Status.DOWNLOADED);
            CHAIN.anvil().travel(Duration.ofDays(2));

            TransactionReceipt receipt = f.as(f.owner).withdrawEscrow(c.localId()).send();

            assertThat(EmailRegistrationMaster.getEscrowWithdrawnEvents(receipt).get(0).amount)
                .isPositive();
        }

        @Test
        void shouldTreatHandedOffAsFinalForDomainWithoutServer() throws Exception {
            Created c = f.create(List.of("0x0000000000000000000000000000000000000000"),
                RegmailFixture.ESCROW, RegmailFixture.FEE_CAP, f.now() + 3_600);
            recordAs(f.senderServer, c, 0, Status.SUBMITTED);
            recordAs(f.senderServer, c, 0, Status.HANDED_OFF);

            TransactionReceipt receipt = f.as(f.owner).withdrawEscrow(c.localId()).send();

            assertThat(receipt.isStatusOK()).isTrue();
        }

        @Test
        void shouldDefeatReentrancyOnEscrowWithdrawal() throws Exception {
            ReentrantOwner attacker = ReentrantOwner.deploy(f.web3j,
                DevTransactions.manager(f.web3j, f.stranger), DevTransactions.gas(),
                f.master.getContractAddress()).send();
            byte[] localId = RegmailFixture.randomBytes32();
            attacker.create(localId, f.senderServer.getAddress(), BigInteger.valueOf(f.now() + 60),
                f.recipientServer.getAddress(), RegmailFixture.ESCROW).send();
            byte[] salt = f.master.registrationSalt(attacker.getContractAddress(), localId).send();
            f.as(f.recipientServer).record(record(salt, 0, Status.REJECTED)).send();
            BigInteger masterBefore = balance(f.master.getContractAddress());

            attacker.withdraw().send();

            assertThat(attacker.reentryAttempted().send()).isTrue();
            assertThat(attacker.reentrySucceeded().send()).isFalse();
            String registration = f.master.registrationAddress(attacker.getContractAddress(),
                localId).send();
            BigInteger paidOut = masterBefore.subtract(balance(f.master.getContractAddress()));
            assertThat(balance(attacker.getContractAddress())).isEqualTo(paidOut);
            assertThat(f.registration(registration).terms().send().component3()).isZero();
        }
    }
}
