package org.regmail.contracts.devchain;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.web3j.crypto.Bip32ECKeyPair;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.MnemonicUtils;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.http.HttpService;

/**
 * A local Ethereum node: the {@code anvil} binary from the pinned npm package
 * {@code @foundry-rs/anvil}, started on a free loopback port and stopped with {@link #close()}.
 *
 * <p>It is the embedded default chain of development, tests and {@code regmail demo}, never
 * the only option: everything else talks JSON-RPC to whatever node it is given. The binary is
 * found, in order, through the system property {@code regmail.anvil}, the environment variable
 * {@code REGMAIL_ANVIL}, the system property {@code regmail.node.modules} (set by the build),
 * or a {@code contracts/node_modules} directory above the working directory.
 *
 * <p>The dev accounts are the well-known ones of anvil's default test mnemonic: public test
 * keys holding only play money on this throwaway chain.
 */
public final class Anvil implements AutoCloseable {
    /** Chain id of the local chain. */
    public static final long CHAIN_ID = 31337;
    /** EVM version the contracts are compiled for (see contracts/scripts/compile.mjs). */
    public static final String HARDFORK = "cancun";
    /** Anvil's default mnemonic: public knowledge, test funds only. */
    public static final String DEV_MNEMONIC =
        "test test test test test test test test test test test junk";
    public static final int DEV_ACCOUNTS = 10;

    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    private static final int HARDENED = 0x80000000;

    private final Process process;
    private final int port;
    private final Web3j web3j;
    private final Path logFile;

    private Anvil(Process process, int port, Path logFile) {
        this.process = process;
        this.port = port;
        this.logFile = logFile;
        this.web3j = Web3j.build(new HttpService(rpcUrl(port)));
    }

    /** Starts anvil with automine on a free loopback port and waits for its first answer. */
    public static Anvil start() {
        return start(List.of());
    }

    /**
     * Starts anvil with extra command-line options (for example {@code --block-time 1}) on a
     * free loopback port and waits until it answers JSON-RPC.
     */
    public static Anvil start(List<String> extraArguments) {
        Path binary = locateBinary();
        IllegalStateException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            int port = freePort();
            try {
                return launch(binary, port, extraArguments);
            } catch (IllegalStateException e) {
                last = e; // most likely the port was taken between probing and binding
            }
        }
        throw last;
    }

    /**
     * Starts anvil on a given loopback port, e.g. to bring a stopped node back where its
     * clients expect it (with {@code --state FILE} it also keeps the chain across restarts).
     */
    public static Anvil startOnPort(int port, List<String> extraArguments) {
        return launch(locateBinary(), port, extraArguments);
    }

    private static Anvil launch(Path binary, int port, List<String> extraArguments) {
        List<String> command = new ArrayList<>(List.of(binary.toString(),
            "--host", "127.0.0.1", "--port", Integer.toString(port),
            "--chain-id", Long.toString(CHAIN_ID), "--hardfork", HARDFORK,
            "--accounts", Integer.toString(DEV_ACCOUNTS), "--balance", "10000"));
        command.addAll(extraArguments);
        try {
            Path log = Files.createTempFile("anvil-" + port + "-", ".log");
            Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
            Anvil anvil = new Anvil(process, port, log);
            Runtime.getRuntime().addShutdownHook(new Thread(anvil::stopProcess));
            anvil.awaitReady();
            return anvil;
        } catch (IOException e) {
            throw new IllegalStateException(
                "cannot start anvil at " + binary + ": " + e.getMessage(), e);
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("anvil exited with " + process.exitValue()
                    + " on port " + port + "; its output: " + readLog());
            }
            try {
                web3j.ethChainId().send();
                return;
            } catch (IOException notYet) {
                sleep(Duration.ofMillis(20));
            }
        }
        stopProcess();
        throw new IllegalStateException("anvil did not answer on port " + port + " within "
            + START_TIMEOUT.toSeconds() + " s; its output: " + readLog());
    }

    /** The anvil binary this machine would run, or a clear error saying how to get one. */
    public static Path locateBinary() {
        Optional<Path> configured = Optional.ofNullable(System.getProperty("regmail.anvil"))
            .or(() -> Optional.ofNullable(System.getenv("REGMAIL_ANVIL")))
            .map(Paths::get);
        if (configured.isPresent()) {
            return requireExecutable(configured.get());
        }
        String platformPackage = "@foundry-rs/anvil-" + platform();
        List<Path> nodeModules = new ArrayList<>();
        Optional.ofNullable(System.getProperty("regmail.node.modules")).map(Paths::get)
            .ifPresent(nodeModules::add);
        for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            nodeModules.add(dir.resolve("contracts").resolve("node_modules"));
            nodeModules.add(dir.resolve("node_modules"));
        }
        for (Path candidate : nodeModules) {
            Path binary = candidate.resolve(platformPackage).resolve("bin").resolve("anvil");
            if (Files.isExecutable(binary)) {
                return binary;
            }
        }
        throw new IllegalStateException("no anvil binary found (looked for " + platformPackage
            + " under contracts/node_modules): run './mvnw -pl contracts generate-sources' to "
            + "install it, or set REGMAIL_ANVIL to an anvil executable");
    }

    private static Path requireExecutable(Path binary) {
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException("anvil binary " + binary + " is not executable");
        }
        return binary;
    }

    private static String platform() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        String osPart = os.contains("mac") ? "darwin" : os.contains("win") ? "win32" : "linux";
        String archPart = arch.contains("aarch64") || arch.contains("arm") ? "arm64" : "amd64";
        return osPart + "-" + archPart;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }

    private static String rpcUrl(int port) {
        return "http://127.0.0.1:" + port;
    }

    public String rpcUrl() {
        return rpcUrl(port);
    }

    public int port() {
        return port;
    }

    public Web3j web3j() {
        return web3j;
    }

    /** Credentials of dev account {@code index} (0–9), funded with 10,000 ether. */
    public static Credentials devAccount(int index) {
        if (index < 0 || index >= DEV_ACCOUNTS) {
            throw new IllegalArgumentException(
                "dev account index must be 0.." + (DEV_ACCOUNTS - 1));
        }
        byte[] seed = MnemonicUtils.generateSeed(DEV_MNEMONIC, "");
        Bip32ECKeyPair master = Bip32ECKeyPair.generateKeyPair(seed);
        int[] path = {44 | HARDENED, 60 | HARDENED, HARDENED, 0, index};
        return Credentials.create(Bip32ECKeyPair.deriveKeyPair(master, path));
    }

    /** Moves the chain's clock forward (takes effect with the next block). */
    public void increaseTime(Duration duration) {
        call("evm_increaseTime", List.of(duration.toSeconds()));
    }

    /** Mines one block now. */
    public void mine() {
        call("evm_mine", List.of());
    }

    /** Moves the clock forward and mines a block, so that block.timestamp has moved. */
    public void travel(Duration duration) {
        increaseTime(duration);
        mine();
    }

    /** Takes a snapshot of the chain state; returns its id for {@link #revert(String)}. */
    public String snapshot() {
        return String.valueOf(call("evm_snapshot", List.of()));
    }

    /** Reverts the chain to a snapshot, dropping every block after it. */
    public void revert(String snapshotId) {
        call("evm_revert", List.of(snapshotId));
    }

    /** Turns automine on or off. */
    public void setAutomine(boolean enabled) {
        call("evm_setAutomine", List.of(enabled));
    }

    /**
     * Mines a block every {@code seconds} (0 turns interval mining off), as a chain with a
     * block time does; transactions then wait in the pool for the next block.
     */
    public void setIntervalMining(int seconds) {
        call("evm_setIntervalMining", List.of(seconds));
    }

    /** Sets the base fee of the next block, in wei (to make pending transactions wait). */
    public void setNextBlockBaseFee(BigInteger wei) {
        call("anvil_setNextBlockBaseFeePerGas", List.of("0x" + wei.toString(16)));
    }

    /** Sets an account's balance in wei. */
    public void setBalance(String address, BigInteger wei) {
        call("anvil_setBalance", List.of(address, "0x" + wei.toString(16)));
    }

    /** The latest block's timestamp in seconds. */
    public long latestTimestamp() {
        try {
            return web3j.ethGetBlockByNumber(
                org.web3j.protocol.core.DefaultBlockParameterName.LATEST, false)
                .send().getBlock().getTimestamp().longValueExact();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the latest block from anvil", e);
        }
    }

    private Object call(String method, List<?> params) {
        try {
            Response<?> response = new Request<>(method, params,
                new HttpService(rpcUrl()), GenericResponse.class).send();
            if (response.hasError()) {
                throw new IllegalStateException(
                    method + " failed: " + response.getError().getMessage());
            }
            return response.getResult();
        } catch (IOException e) {
            throw new UncheckedIOException(method + " failed", e);
        }
    }

    /** A JSON-RPC answer whose result we only pass on. */
    public static final class GenericResponse extends Response<Object> {
    }

    /** Whether the node process still runs. */
    public boolean isRunning() {
        return process.isAlive();
    }

    /** Where anvil's own output goes. */
    public Path logFile() {
        return logFile;
    }

    private String readLog() {
        try {
            String text = Files.readString(logFile);
            return text.length() > 2000 ? text.substring(text.length() - 2000) : text;
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    private void stopProcess() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for anvil", e);
        }
    }

    /** Stops the node and shuts its client down. */
    @Override
    public void close() {
        web3j.shutdown();
        stopProcess();
        try {
            Files.deleteIfExists(logFile);
        } catch (IOException ignored) {
            // a leftover log in the temp directory is harmless
        }
    }
}
