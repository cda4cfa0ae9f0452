package org.regmail.core.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.math.BigInteger;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.regmail.contracts.Status;
import org.regmail.contracts.devchain.Anvil;
import org.regmail.contracts.devchain.DevDeployment;
import org.regmail.contracts.generated.EmailRegistrationMaster;
import org.regmail.contracts.testing.AnvilExtension;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

class ChainGatewayTest {
    @RegisterExtension
    static final AnvilExtension CHAIN = AnvilExtension.isolatingEachTest();

    static DevDeployment deployment;
    static final Credentials SERVER = Anvil.devAccount(1);

    @BeforeAll
    static void deploy() throws Exception {
        deployment = DevDeployment.deploy(CHAIN.web3j(), Anvil.devAccount(0));
        deployment.registerAndApprove(SERVER, "sender.example");
    }

    ChainSettings settings() {
        return ChainSettings.of(CHAIN.rpcUrl(), Anvil.CHAIN_ID,
            deployment.master().getContractAddress());
    }

    @Test
    void shouldRefuseNodeOnAnotherChain() {
        ChainSettings wrongChain = new ChainSettings(CHAIN.rpcUrl(), 1, null,
            ChainSettings.DEFAULT_MAX_FEE_PER_GAS, ChainSettings.DEFAULT_PRIORITY_FEE_PER_GAS,
            ChainSettings.DEFAULT_RECEIPT_POLL_INTERVAL, 1);

        ChainException e = catchThrowableOfType(ChainException.class,
            () -> ChainGateway.connect(wrongChain, SERVER));

        assertThat(e.getMessage()).contains("on chain 31337, not the configured chain 1");
        assertThat(e.isUnreachable()).isFalse();
    }

    @Test
    void shouldRefuseAMasterAddressWithoutAContractBeforeAnythingIsSent() throws Exception {
        String account = Anvil.devAccount(7).getAddress(); // an account, no code
        ChainSettings noMaster = ChainSettings.of(CHAIN.rpcUrl(), Anvil.CHAIN_ID, account);
        BigInteger nonceBefore = nonce(SERVER.getAddress());

        ChainException connecting = catchThrowableOfType(ChainException.class,
            () -> ChainGateway.connect(noMaster, SERVER));
        ChainException checking;
        try (ChainGateway opened = ChainGateway.open(noMaster, SERVER)) {
            checking = catchThrowableOfType(ChainException.class, opened::checkChain);
        }

        String expected = "there is no contract at the Master address " + account
            + " on chain 31337";
        assertThat(connecting.getMessage()).startsWith(expected);
        assertThat(connecting.isUnreachable()).isFalse();
        assertThat(checking.getMessage()).startsWith(expected);
        assertThat(nonce(SERVER.getAddress())).isEqualTo(nonceBefore);
    }

    @Test
    void shouldSayWhenNodeIsUnreachable() {
        ChainSettings nowhere = ChainSettings.of("http://127.0.0.1:1", Anvil.CHAIN_ID, null);

        ChainException e = catchThrowableOfType(ChainException.class,
            () -> ChainGateway.connect(nowhere, SERVER));

        assertThat(e.isUnreachable()).isTrue();
        assertThat(e.getMessage()).contains("cannot reach the Ethereum node at http://127.0.0.1:1");
    }

    @Test
    void shouldNameBrokenRuleWithoutSpendingGas() throws Exception {
        try (ChainGateway gateway = ChainGateway.connect(settings(), SERVER)) {
            BigInteger nonceBefore = nonce(SERVER.getAddress());
            byte[] unknownSalt = new byte[32];

            ChainException e = catchThrowableOfType(ChainException.class, () -> gateway.execute(
                "recording SUBMITTED", gateway.master().record(new EmailRegistrationMaster.Record(
                    unknownSalt, BigInteger.ZERO, Status.SUBMITTED.value()))));

            assertThat(e.revert()).hasValueSatisfying(r ->
                assertThat(r.name()).isEqualTo("NotGenuineRegistration"));
            assertThat(e.getMessage()).startsWith("the contracts refuse recording SUBMITTED");
            assertThat(nonce(SERVER.getAddress())).isEqualTo(nonceBefore);
        }
    }

    @Test
    void shouldSendBackToBackWithLocalNonces() throws Exception {
        Credentials owner = Anvil.devAccount(4);
        try (ChainGateway gateway = ChainGateway.connect(settings(), owner)) {
            long deadline = CHAIN.anvil().latestTimestamp() + 3_600;
            for (int i = 0; i < 5; i++) {
                byte[] localId = new byte[32];
                localId[31] = (byte) i;
                TransactionReceipt receipt = gateway.execute("creating", gateway.master()
                    .createRegistration(localId, SERVER.getAddress(), BigInteger.valueOf(deadline),
                        BigInteger.ONE, new byte[32], List.of(new byte[32]),
                        List.of("0x0000000000000000000000000000000000000000"), BigInteger.TEN));
                assertThat(receipt.isStatusOK()).isTrue();
            }
            assertThat(nonce(owner.getAddress())).isEqualTo(BigInteger.valueOf(5));
        }
    }

    static BigInteger nonce(String address) throws Exception {
        return CHAIN.web3j().ethGetTransactionCount(address, DefaultBlockParameterName.PENDING)
            .send().getTransactionCount();
    }
}
