package org.regmail.client.demo;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A stock Apache James 3.8.1 (the memory distribution) running as its own operating-system
 * process, as an administrator would run it:
 *
 * <pre>
 * cd &lt;working directory&gt;
 * java -Xmx256m -Dworking.directory=. -cp '&lt;distribution&gt;/lib/*' \
 *     org.apache.james.MemoryJamesServerMain
 * </pre>
 *
 * <p>The working directory gets a copy of a configuration directory ({@code conf/}), the
 * extension JARs to drop in ({@code extensions-jars/}), and James's output ({@code james.log},
 * appended to when James runs again in the same directory).
 * System properties given here reach the configuration files, which read them as
 * {@code ${sys:name:-default}} (how the {@code james-conf} roles take their ports).
 *
 * <pre>{@code
 * try (JamesProcess james = JamesProcess.builder(Path.of("james-conf/distribution/target/james"))
 *         .configuration(Path.of("james-conf/recipient/conf"))
 *         .systemProperty("regmail.smtp.port", String.valueOf(smtpPort))
 *         .awaitPorts(smtpPort)
 *         .start()) {
 *     ...
 * }
 * }</pre>
 *
 * <p>{@link #close()} ends the whole process tree — politely first, so that James runs its
 * shutdown hooks, then forcibly — and a JVM shutdown hook does the same if the caller never
 * gets to close it.
 */
public final class JamesProcess implements AutoCloseable {

    /** The class the stock memory distribution starts with. */
    public static final String MAIN_CLASS = "org.apache.james.MemoryJamesServerMain";

    private static final Duration POLITE_STOP = Duration.ofSeconds(15);

    private final Process process;
    private final Path workingDirectory;
    private final boolean temporaryDirectory;
    private final Thread killOnExit;

    private JamesProcess(Process process, Path workingDirectory, boolean temporaryDirectory) {
        this.process = process;
        this.workingDirectory = workingDirectory;
        this.temporaryDirectory = temporaryDirectory;
        this.killOnExit = new Thread(this::killTree, "kill-james-" + process.pid());
        Runtime.getRuntime().addShutdownHook(killOnExit);
    }

    /** @param distribution the directory holding the distribution's {@code lib/} */
    public static Builder builder(Path distribution) {
        return new Builder(distribution);
    }

    /** A port free on 127.0.0.1 right now (the system's choice), for a server to bind next. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path workingDirectory() {
        return workingDirectory;
    }

    /** Everything James wrote to its standard output and error. */
    public Path log() {
        return workingDirectory.resolve("james.log");
    }

    /** The last {@code lines} lines of {@link #log()}, for failure messages. */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log(), StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** The process's resident memory in kB, read from {@code /proc} (Linux only; else -1). */
    public long residentMemoryKb() {
        Path status = Path.of("/proc", String.valueOf(process.pid()), "status");
        try (Stream<String> lines = Files.lines(status)) {
            return lines.filter(line -> line.startsWith("VmRSS:"))
                .map(line -> Long.parseLong(line.replaceAll("\\D", "")))
                .findFirst().orElse(-1L);
        } catch (IOException | UncheckedIOException e) {
            return -1;
        }
    }

    /**
     * The addresses the process listens on ({@code "127.0.0.1:2525"}), read from {@code /proc}
     * (Linux only; empty elsewhere): its socket inodes matched against the kernel's TCP tables.
     */
    public List<String> listeningAddresses() throws IOException {
        Path fds = Path.of("/proc", String.valueOf(process.pid()), "fd");
        if (!Files.isDirectory(fds)) {
            return List.of();
        }
        Set<String> sockets = new HashSet<>();
        try (Stream<Path> links = Files.list(fds)) {
            for (Path link : (Iterable<Path>) links::iterator) {
                try {
                    String target = Files.readSymbolicLink(link).toString();
                    if (target.startsWith("socket:[")) {
                        sockets.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException e) {
                    // The descriptor closed while we looked.
                }
            }
        }
        List<String> listening = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path path = Path.of(table);
            if (!Files.exists(path)) {
                continue;
            }
            List<String> lines = Files.readAllLines(path);
            for (String line : lines.subList(1, lines.size())) {
                String[] fields = line.trim().split("\\s+");
                boolean listens = fields[3].equals("0A");
                if (listens && sockets.contains(fields[9])) {
                    listening.add(address(fields[1]));
                }
            }
        }
        return listening;
    }

    /** {@code 0100007F:1F90} (IPv4) or a 32-digit IPv6 form, as the kernel writes them. */
    private static String address(String hex) {
        String[] parts = hex.split(":");
        int port = Integer.parseInt(parts[1], 16);
        String ip = parts[0];
        if (ip.length() == 32 && ip.startsWith("0000000000000000FFFF0000")) {
            ip = ip.substring(24);
        }
        if (ip.length() == 8) {
            // Little-endian: 0100007F is 127.0.0.1.
            return octet(ip, 3) + "." + octet(ip, 2) + "." + octet(ip, 1) + "." + octet(ip, 0)
                + ":" + port;
        }
        return "[" + ip + "]:" + port;
    }

    private static int octet(String hex, int index) {
        return Integer.parseInt(hex.substring(2 * index, 2 * index + 2), 16);
    }

    /**
     * Stops James and everything it started: SIGTERM, then SIGKILL after 15 s. A working
     * directory the builder made up is deleted; one the caller named is kept, log included.
     */
    @Override
    public void close() {
        killTree();
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down: the hook is running or has run.
        }
        if (temporaryDirectory) {
            deleteRecursively(workingDirectory);
        }
    }

    /**
     * Kills James without warning, as a power cut or {@code kill -9} would: SIGKILL to the
     * whole process tree, no shutdown hook runs, and returns once every process has exited.
     * The working directory is kept for a restart.
     */
    public void kill() throws InterruptedException {
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.add(process.toHandle());
        tree.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle handle : tree) {
            try {
                handle.onExit().get(POLITE_STOP.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.ExecutionException
                     | java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException("process " + handle.pid()
                    + " still runs after SIGKILL", e);
            }
        }
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down: the hook is running or has run.
        }
    }

    /** Closes several servers at once: all are asked to stop before any is waited for. */
    public static void closeAll(List<JamesProcess> servers) {
        servers.forEach(JamesProcess::askToStop);
        servers.forEach(JamesProcess::close);
    }

    private void askToStop() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
    }

    private static void deleteRecursively(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void killTree() {
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.add(process.toHandle());
        tree.forEach(ProcessHandle::destroy);
        Instant deadline = Instant.now().plus(POLITE_STOP);
        for (ProcessHandle handle : tree) {
            try {
                long left = Math.max(0, Duration.between(Instant.now(), deadline).toMillis());
                handle.onExit().get(left, TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                handle.destroyForcibly();
            }
        }
    }

    /** How to start one James process. */
    public static final class Builder {
        private final Path distribution;
        private Path workingDirectory;
        private Path configuration;
        private final List<Path> extensionJars = new ArrayList<>();
        private final Map<String, String> systemProperties = new LinkedHashMap<>();
        private final List<Integer> awaitedPorts = new ArrayList<>();
        private String maxHeap = "256m";
        private Duration startupTimeout = Duration.ofSeconds(60);

        private Builder(Path distribution) {
            this.distribution = distribution.toAbsolutePath();
        }

        /** Where James runs; a new temporary directory, deleted on close, when not given. */
        public Builder workingDirectory(Path directory) {
            this.workingDirectory = directory;
            return this;
        }

        /** A configuration directory (e.g. {@code james-conf/recipient/conf}), copied to conf/. */
        public Builder configuration(Path confDirectory) {
            this.configuration = confDirectory;
            return this;
        }

        /** A JAR copied into {@code extensions-jars/}. */
        public Builder extensionJar(Path jar) {
            extensionJars.add(jar);
            return this;
        }

        /** A {@code -Dname=value} for James's JVM. */
        public Builder systemProperty(String name, String value) {
            systemProperties.put(name, value);
            return this;
        }

        /** James counts as started once each of these ports on 127.0.0.1 accepts connections. */
        public Builder awaitPorts(int... ports) {
            for (int port : ports) {
                awaitedPorts.add(port);
            }
            return this;
        }

        /** {@code -Xmx}; 256m unless told otherwise. */
        public Builder maxHeap(String maxHeap) {
            this.maxHeap = maxHeap;
            return this;
        }

        public Builder startupTimeout(Duration timeout) {
            this.startupTimeout = timeout;
            return this;
        }

        /**
         * Prepares the working directory, starts James and waits for its ports. Throws, with the
         * end of James's log, when James exits or the ports stay closed past the timeout; the
         * process is ended either way.
         */
        public JamesProcess start() throws IOException, InterruptedException {
            Path lib = distribution.resolve("lib");
            if (!Files.isDirectory(lib)) {
                throw new IllegalStateException(
                    "no James distribution in " + distribution + " (build james-conf first)");
            }
            Path directory = workingDirectory != null
                ? workingDirectory
                : Files.createTempDirectory("james-process-");
            prepare(directory);

            ProcessBuilder command = new ProcessBuilder(command(lib, directory))
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                    directory.resolve("james.log").toFile()));
            JamesProcess james =
                new JamesProcess(command.start(), directory, workingDirectory == null);
            try {
                awaitStarted(james);
                return james;
            } catch (IOException | InterruptedException | RuntimeException e) {
                james.close();
                throw e;
            }
        }

        private void prepare(Path directory) throws IOException {
            Files.createDirectories(directory.resolve("extensions-jars"));
            if (configuration != null) {
                copyDirectory(configuration, directory.resolve("conf"));
            }
            for (Path jar : extensionJars) {
                Files.copy(jar, directory.resolve("extensions-jars").resolve(jar.getFileName()),
                    StandardCopyOption.REPLACE_EXISTING);
            }
        }

        private List<String> command(Path lib, Path directory) {
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.add("-Xmx" + maxHeap);
            // A mail server for tests and demos: small and quick to start beats peak speed.
            command.add("-XX:+UseSerialGC");
            command.add("-XX:TieredStopAtLevel=1");
            command.add("-Dworking.directory=" + directory);
            Path logback = directory.resolve("conf").resolve("logback.xml");
            command.add("-Dlogback.configurationFile=" + logback);
            systemProperties.forEach((name, value) -> command.add("-D" + name + "=" + value));
            command.add("-cp");
            command.add(lib + File.separator + "*");
            command.add(MAIN_CLASS);
            return command;
        }

        private void awaitStarted(JamesProcess james) throws IOException, InterruptedException {
            Instant deadline = Instant.now().plus(startupTimeout);
            while (!awaitedPorts.stream().allMatch(Builder::accepts)) {
                if (!james.isAlive()) {
                    throw new IOException("James exited with " + james.process.exitValue()
                        + " before its ports opened; end of " + james.log() + ":\n"
                        + james.logTail(40));
                }
                if (Instant.now().isAfter(deadline)) {
                    throw new IOException("James did not open ports " + awaitedPorts
                        + " within " + startupTimeout + "; end of " + james.log() + ":\n"
                        + james.logTail(40));
                }
                Thread.sleep(100);
            }
        }

        private static boolean accepts(int port) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return true;
            } catch (IOException e) {
                return false;
            }
        }

        private static void copyDirectory(Path source, Path target) throws IOException {
            try (Stream<Path> paths = Files.walk(source)) {
                for (Path path : (Iterable<Path>) paths::iterator) {
                    Path destination = target.resolve(source.relativize(path).toString());
                    if (Files.isDirectory(path)) {
                        Files.createDirectories(destination);
                    } else {
                        Files.copy(path, destination, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        }
    }
}
