package org.regmail.contracts.testing;

import java.util.List;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.regmail.contracts.devchain.Anvil;
import org.web3j.protocol.Web3j;

/**
 * Starts a real local chain (anvil) on a free loopback port before a test class and stops it
 * after. Register it as a static field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final AnvilExtension CHAIN = AnvilExtension.isolatingEachTest();
 * }</pre>
 *
 * <p>{@link #isolatingEachTest()} snapshots the chain before each test and reverts to the
 * snapshot after it, so what a {@code @BeforeAll} deployed is fresh for every test.
 */
public final class AnvilExtension
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

    private final List<String> arguments;
    private final boolean isolateEachTest;
    private Anvil anvil;
    private String snapshot;
    // @Nested classes call beforeAll/afterAll again: one chain serves the whole nest.
    private int classDepth;

    private AnvilExtension(List<String> arguments, boolean isolateEachTest) {
        this.arguments = arguments;
        this.isolateEachTest = isolateEachTest;
    }

    /** One chain per test class, shared by its tests. */
    public static AnvilExtension shared() {
        return new AnvilExtension(List.of(), false);
    }

    /** One chain per test class, reverted to its pre-test state after each test. */
    public static AnvilExtension isolatingEachTest() {
        return new AnvilExtension(List.of(), true);
    }

    /** One chain per test class started with extra anvil options. */
    public static AnvilExtension withArguments(String... arguments) {
        return new AnvilExtension(List.of(arguments), false);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (classDepth++ == 0) {
            anvil = Anvil.start(arguments);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (--classDepth == 0 && anvil != null) {
            anvil.close();
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (isolateEachTest) {
            snapshot = anvil.snapshot();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (isolateEachTest && snapshot != null && anvil.isRunning()) {
            anvil.revert(snapshot);
        }
    }

    public Anvil anvil() {
        return anvil;
    }

    public Web3j web3j() {
        return anvil.web3j();
    }

    public String rpcUrl() {
        return anvil.rpcUrl();
    }
}
