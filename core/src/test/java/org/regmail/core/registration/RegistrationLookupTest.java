package org.regmail.core.registration;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.regmail.contracts.devchain.Anvil;
import org.regmail.contracts.devchain.DevDeployment;
import org.regmail.contracts.testing.AnvilExtension;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.http.HttpService;

/** Which blocks the lookup's log searches cover, read from the requests a real anvil got. */
class RegistrationLookupTest {
    @RegisterExtension
    static final AnvilExtension CHAIN = AnvilExtension.isolatingEachTest();

    static final Credentials SENDER_SERVER = Anvil.devAccount(1);
    static final Credentials OWNER = Anvil.devAccount(4);
    static final String ZERO = "0x0000000000000000000000000000000000000000";

    static DevDeployment deployment;
    static long deploymentBlock;

    /** The {@code eth_getLogs} ranges sent, as "from..to" in the request's own words. */
    final List<String> searched = new ArrayList<>();
    /** Every request's method. */
    final List<String> methods = new ArrayList<>();
    Web3j web3j;
    RegistrationLookup lookup;

    @BeforeAll
    static void deploy() throws Exception {
        mine(40); // the Master is not deployed in block 1
        deployment = DevDeployment.deploy(CHAIN.web3j(), Anvil.devAccount(0));
        deploymentBlock = deployment.master().getTransactionReceipt().orElseThrow()
            .getBlockNumber().longValueExact();
        deployment.registerAndApprove(SENDER_SERVER, "sender.example");
    }

    @BeforeEach
    void connect() {
        web3j = Web3j.build(new HttpService(CHAIN.rpcUrl()) {
            @Override
            public <T extends Response> T send(Request request, Class<T> responseType)
                throws IOException {
                methods.add(request.getMethod());
                if (request.getMethod().equals("eth_getLogs")) {
                    EthFilter filter = (EthFilter) request.getParams().get(0);
                    searched.add(filter.getFromBlock().getValue() + ".."
                        + filter.getToBlock().getValue());
                }
                return super.send(request, responseType);
            }
        });
        lookup = new RegistrationLookup(web3j, deployment.master().getContractAddress(),
            CHAIN.rpcUrl(), -1);
    }

    @AfterEach
    void close() {
        web3j.shutdown();
    }

    static void mine(int blocks) throws IOException {
        new Request<>("anvil_mine", List.of("0x" + Integer.toHexString(blocks)),
            new HttpService(CHAIN.rpcUrl()), Anvil.GenericResponse.class).send();
    }

    static TestRegistrations.Created register() throws Exception {
        return TestRegistrations.create(deployment, OWNER, SENDER_SERVER,
            List.of("bob@recipient.example"), List.of(ZERO), TestRegistrations.message(),
            CHAIN.anvil().latestTimestamp() + 86_400);
    }

    static long latest() throws IOException {
        return CHAIN.web3j().ethBlockNumber().send().getBlockNumber().longValueExact();
    }

    static String range(long from, long to) {
        return range(from) + ".." + range(to);
    }

    static String range(long block) {
        return "0x" + Long.toHexString(block);
    }

    @Test
    void shouldFindTheMastersDeploymentBlockOnceFromItsFirstEvent() throws Exception {
        assertThat(lookup.deploymentBlock()).isEqualTo(deploymentBlock);
        assertThat(lookup.deploymentBlock()).isEqualTo(deploymentBlock);

        assertThat(searched).containsExactly("earliest..latest");
    }

    @Test
    void shouldSearchOnlyTheNewestBlocksForARecentRegistration() throws Exception {
        mine(400);
        TestRegistrations.Created created = register();
        long createdAt = latest();
        TestRegistrations.Created next = register();

        RegistrationInfo info = lookup.find(created.registration()).orElseThrow();
        lookup.find(created.registration());
        RegistrationInfo nextInfo = lookup.find(next.registration()).orElseThrow();

        assertThat(info.block()).isEqualTo(BigInteger.valueOf(createdAt));
        assertThat(info.owner()).isEqualTo(OWNER.getAddress());
        assertThat(nextInfo.block()).isEqualTo(BigInteger.valueOf(createdAt + 1));
        assertThat(searched).as("the deployment block once, then one window per registration")
            .containsExactly("earliest..latest",
                range(createdAt + 1 - RegistrationLookup.FIRST_WINDOW + 1) + "..latest",
                range(createdAt + 1 - RegistrationLookup.FIRST_WINDOW + 1) + "..latest");
        assertThat(methods).as("the head block is read once, the cached answer asks nothing")
            .containsExactly("eth_getLogs", "eth_blockNumber", "eth_getLogs", "eth_getLogs");
    }

    @Test
    void shouldWidenTheSearchBackToTheDeploymentBlockAndNoFurther() throws Exception {
        TestRegistrations.Created created = register();
        long createdAt = latest();
        mine(1500);
        long top = latest();

        RegistrationInfo info = lookup.find(created.registration()).orElseThrow();

        assertThat(info.block()).isEqualTo(BigInteger.valueOf(createdAt));
        assertThat(searched).containsExactly("earliest..latest",
            range(top - 255) + "..latest", range(top - 1279, top - 256),
            range(deploymentBlock, top - 1280));
    }

    @Test
    void shouldAnswerEmptyForAnAddressTheMasterNeverCreatedAfterSearchingFromItsDeployment()
        throws Exception {
        lookup = new RegistrationLookup(web3j, deployment.master().getContractAddress(),
            CHAIN.rpcUrl(), deploymentBlock);
        assertThat(lookup.find("0x00000000000000000000000000000000000000aa")).isEmpty();

        assertThat(searched).as("no search for the deployment block: it was given")
            .containsExactly(range(deploymentBlock) + "..latest");
    }
}
