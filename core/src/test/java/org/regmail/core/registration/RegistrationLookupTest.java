package org.regmail.core.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.regmail.core.chain.ChainException;
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
    /** Shorter than the lookup's own, so that the chain to mine stays short. */
    static final long FOLLOW_START = 1_024;
    static final long FOLLOW_CHUNK = 256;

    static DevDeployment deployment;
    static long deploymentBlock;

    /** The {@code eth_getLogs} ranges sent, as "from..to" in the request's own words. */
    final List<String> searched = Collections.synchronizedList(new ArrayList<>());
    /** Every request's method. */
    final List<String> methods = Collections.synchronizedList(new ArrayList<>());
    /** Whether the node refuses log queries for every registration (no registration topic). */
    volatile boolean refuseUnfilteredLogs;
    /**
     * Whether the node is out of reach: a request waits until every other lookup still running
     * waits to enter the lookup behind it, then times out.
     */
    volatile boolean outOfReach;
    /** The threads of the concurrent lookups, and how many of them have not answered yet. */
    final List<Thread> lookupThreads = new CopyOnWriteArrayList<>();
    final AtomicInteger running = new AtomicInteger();
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
                if (outOfReach) {
                    waitUntilTheOtherLookupsWait();
                    throw new SocketTimeoutException("read timed out");
                }
                if (request.getMethod().equals("eth_getLogs")) {
                    EthFilter filter = (EthFilter) request.getParams().get(0);
                    searched.add(filter.getFromBlock().getValue() + ".."
                        + filter.getToBlock().getValue());
                    if (refuseUnfilteredLogs && filter.getTopics().size() == 1
                        && !filter.getFromBlock().getValue().equals("earliest")) {
                        T refused = super.send(request, responseType);
                        refused.setError(new Response.Error(-32005,
                            "query returned more than 10000 results"));
                        return refused;
                    }
                }
                return super.send(request, responseType);
            }
        });
        lookup = new RegistrationLookup(web3j, deployment.master().getContractAddress(),
            CHAIN.rpcUrl(), -1, FOLLOW_START, FOLLOW_CHUNK);
    }

    @AfterEach
    void close() {
        web3j.shutdown();
    }

    void waitUntilTheOtherLookupsWait() throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (lookupThreads.stream().filter(t -> t.getState() == Thread.State.BLOCKED).count()
            < running.get() - 1) {
            if (System.nanoTime() > deadline) {
                throw new IOException("the other lookups never waited");
            }
            Thread.onSpinWait();
        }
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
    void shouldReadTheNewBlocksOnceAndAnswerLaterLookupsFromWhatItRead() throws Exception {
        mine(100);
        TestRegistrations.Created created = register();
        long createdAt = latest();
        TestRegistrations.Created next = register();
        long head = latest();

        RegistrationInfo info = lookup.find(created.registration()).orElseThrow();
        lookup.find(created.registration());
        RegistrationInfo nextInfo = lookup.find(next.registration()).orElseThrow();
        TestRegistrations.Created later = register();
        RegistrationInfo laterInfo = lookup.find(later.registration()).orElseThrow();

        assertThat(info.block()).isEqualTo(BigInteger.valueOf(createdAt));
        assertThat(info.owner()).isEqualTo(OWNER.getAddress());
        assertThat(info.registration()).isEqualTo(created.registration().toLowerCase());
        assertThat(nextInfo.block()).isEqualTo(BigInteger.valueOf(createdAt + 1));
        assertThat(laterInfo.block()).isEqualTo(BigInteger.valueOf(head + 1));
        assertThat(searched).as("the deployment block once, then every block once")
            .containsExactly("earliest..latest", range(deploymentBlock, head),
                range(head + 1, head + 1));
        assertThat(methods).as("nothing asked for a registration already read")
            .containsExactly("eth_blockNumber", "eth_getLogs", "eth_getLogs",
                "eth_blockNumber", "eth_getLogs");
    }

    @Test
    void shouldStartFollowingAtTheNewestBlocksInChunks() throws Exception {
        mine(1_200);
        TestRegistrations.Created created = register();
        long head = latest();

        assertThat(lookup.find(created.registration()).orElseThrow().block())
            .isEqualTo(BigInteger.valueOf(head));

        long start = head - FOLLOW_START + 1;
        long chunk = FOLLOW_CHUNK;
        assertThat(searched).containsExactly("earliest..latest",
            range(start, start + chunk - 1), range(start + chunk, start + 2 * chunk - 1),
            range(start + 2 * chunk, start + 3 * chunk - 1), range(start + 3 * chunk, head));
    }

    @Test
    void shouldLookUpConcurrentMailsWithOneCatchUp() throws Exception {
        List<String> registrations = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            registrations.add(register().registration());
        }
        ExecutorService threads = Executors.newFixedThreadPool(registrations.size());
        try {
            List<Future<Optional<RegistrationInfo>>> found = new ArrayList<>();
            for (String registration : registrations) {
                found.add(threads.submit(() -> lookup.find(registration)));
            }
            for (Future<Optional<RegistrationInfo>> answer : found) {
                assertThat(answer.get()).isPresent();
            }
        } finally {
            threads.shutdownNow();
        }

        assertThat(searched).as("one catch-up read all six, whoever asked first")
            .containsExactly("earliest..latest", range(deploymentBlock, latest()));
    }

    @Test
    void shouldFailTheLookupsThatWaitedForACatchUpThatCouldNotReachTheNode() throws Exception {
        String registration = register().registration();
        outOfReach = true;
        int lookups = 4;
        running.set(lookups);
        ExecutorService threads = Executors.newFixedThreadPool(lookups, task -> {
            Thread thread = new Thread(task);
            lookupThreads.add(thread);
            return thread;
        });
        try {
            List<Future<Optional<RegistrationInfo>>> answers = new ArrayList<>();
            for (int i = 0; i < lookups; i++) {
                answers.add(threads.submit(() -> {
                    try {
                        return lookup.find(registration);
                    } finally {
                        running.decrementAndGet();
                    }
                }));
            }
            for (Future<Optional<RegistrationInfo>> answer : answers) {
                assertThatThrownBy(answer::get).cause().isInstanceOf(ChainException.class)
                    .hasMessageContaining("cannot reach the Ethereum node")
                    .matches(e -> ((ChainException) e).isUnreachable(), "unreachable");
            }
        } finally {
            threads.shutdownNow();
        }

        assertThat(methods).as("the lookups that waited did not each wait for the node again")
            .containsExactly("eth_blockNumber");
    }

    @Test
    void shouldSearchBackToTheDeploymentBlockAndNoFurtherForARegistrationOlderThanItFollows()
        throws Exception {
        TestRegistrations.Created created = register();
        long createdAt = latest();
        mine((int) FOLLOW_START + 1500);
        long top = latest();

        RegistrationInfo info = lookup.find(created.registration()).orElseThrow();

        assertThat(info.block()).isEqualTo(BigInteger.valueOf(createdAt));
        assertThat(searched.subList(5, searched.size())).as("after four chunks of catch-up")
            .containsExactly(range(top - 255) + "..latest", range(top - 1279, top - 256),
                range(deploymentBlock, top - 1280));
    }

    @Test
    void shouldAnswerEmptyForAnAddressTheMasterNeverCreatedAfterSearchingFromItsDeployment()
        throws Exception {
        lookup = new RegistrationLookup(web3j, deployment.master().getContractAddress(),
            CHAIN.rpcUrl(), deploymentBlock, FOLLOW_START, FOLLOW_CHUNK);
        long head = latest();
        assertThat(lookup.find("0x00000000000000000000000000000000000000aa")).isEmpty();

        assertThat(searched).as("no search for the deployment block: it was given")
            .containsExactly(range(deploymentBlock, head), range(deploymentBlock) + "..latest");
    }

    @Test
    void shouldSearchForEachRegistrationAloneWhileTheNodeRefusesToListThemAll()
        throws Exception {
        refuseUnfilteredLogs = true;
        TestRegistrations.Created created = register();
        TestRegistrations.Created next = register();
        long head = latest();

        assertThat(lookup.find(created.registration())).isPresent();
        assertThat(lookup.find(next.registration())).isPresent();

        assertThat(searched).as("one refused catch-up, then searches by registration")
            .containsExactly("earliest..latest", range(deploymentBlock, head),
                range(deploymentBlock) + "..latest", range(deploymentBlock) + "..latest");
    }
}
