package org.regmail.mailets.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.regmail.core.store.H2ServerStore;
import org.regmail.core.store.LedgerEntry;
import org.slf4j.LoggerFactory;

import com.sun.net.httpserver.HttpServer;

/**
 * The drop-in JAR ({@code regmail-mailets-<version>-james-extension.jar}), checked after
 * {@code package}: what it holds, and that its relocated libraries work when loaded the way
 * James loads an extension — in their own class loader, with only SLF4J shared.
 */
class DropInJarIT {

    private static final Path JAR = Path.of(System.getProperty("regmail.extension.jar",
        "target/regmail-mailets-0.1.0-SNAPSHOT-james-extension.jar"));
    private static final String SHADED = "org.regmail.shaded.";

    private static List<String> entries() throws IOException {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            return jar.stream().map(ZipEntry::getName).toList();
        }
    }

    @Nested
    class Content {
        @Test
        void shouldHoldOnlyOurClassesAndRelocatedThirdPartyOnes() throws IOException {
            List<String> foreignClasses = entries().stream()
                .filter(name -> name.endsWith(".class"))
                .filter(name -> !name.startsWith("org/regmail/"))
                // JNI binds these by their original names; James does not carry them.
                .filter(name -> !name.startsWith("ethereum/ckzg4844/"))
                // A store file names H2's classes; James 3.8.1 carries no H2.
                .filter(name -> !name.startsWith("org/h2/"))
                .toList();

            assertThat(foreignClasses).isEmpty();
        }

        @Test
        void shouldRelocateEveryLibraryJamesAlsoCarries() throws IOException {
            assertThat(entries()).contains(
                "org/regmail/shaded/com/fasterxml/jackson/databind/ObjectMapper.class",
                "org/regmail/shaded/org/bouncycastle/jce/provider/BouncyCastleProvider.class",
                "org/regmail/shaded/org/reactivestreams/Publisher.class",
                "org/regmail/shaded/org/apache/james/jdkim/canon/RelaxedBodyCanonicalizer.class",
                "org/regmail/shaded/okhttp3/OkHttpClient.class",
                "org/regmail/shaded/okio/Buffer.class",
                "org/regmail/shaded/kotlin/Unit.class",
                "org/regmail/shaded/io/reactivex/Flowable.class",
                "org/regmail/shaded/org/web3j/protocol/Web3j.class");
        }

        @Test
        void shouldLeaveOutSlf4jAndTheSignaturesOfTheOriginalJars() throws IOException {
            assertThat(entries())
                .noneMatch(name -> name.startsWith("org/slf4j/"))
                .noneMatch(name -> name.matches("META-INF/[^/]+\\.(SF|DSA|RSA|EC)"))
                .noneMatch(name -> name.startsWith("META-INF/versions/"));
        }

        @Test
        void shouldPointServiceFilesAtTheRelocatedClasses() throws IOException {
            try (JarFile jar = new JarFile(JAR.toFile())) {
                ZipEntry drivers = jar.getEntry("META-INF/services/java.sql.Driver");
                byte[] content = jar.getInputStream(drivers).readAllBytes();

                assertThat(new String(content, StandardCharsets.UTF_8).trim())
                    .isEqualTo("org.h2.Driver");
            }
        }
    }

    @Nested
    class LoadedLikeAnExtension {
        private static URLClassLoader extension;
        private static HttpServer node;

        @BeforeAll
        static void loadTheJarBehindSlf4jOnly() throws Exception {
            URL slf4j = LoggerFactory.class.getProtectionDomain().getCodeSource().getLocation();
            ClassLoader james =
                new URLClassLoader(new URL[] {slf4j}, ClassLoader.getPlatformClassLoader());
            extension = new URLClassLoader(new URL[] {JAR.toUri().toURL()}, james);
        }

        @AfterAll
        static void close() throws IOException {
            if (node != null) {
                node.stop(0);
            }
            extension.close();
        }

        @Test
        void shouldDeriveAnAddressWithRelocatedWeb3jAndBouncyCastle() throws Exception {
            Object credentials = invokeStatic("org.web3j.crypto.Credentials", "create",
                "0x0000000000000000000000000000000000000000000000000000000000000001");

            assertThat(invoke(credentials, "getAddress"))
                .isEqualTo("0x7e5f4552091a69125d5dfcb7b8c2659029395bdf");
            assertThat(invokeStatic("org.web3j.crypto.Hash", "sha3String", ""))
                .isEqualTo("0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
        }

        @Test
        void shouldCallAJsonRpcNodeThroughRelocatedOkHttpKotlinAndJackson() throws Exception {
            node = fakeNodeAnsweringChainId("0x7a69");
            String url = "http://127.0.0.1:" + node.getAddress().getPort() + "/";

            Object service = extension.loadClass(SHADED + "org.web3j.protocol.http.HttpService")
                .getConstructor(String.class).newInstance(url);
            Object web3j = invokeStatic("org.web3j.protocol.Web3j", "build", service);
            Object response = invoke(invoke(web3j, "ethChainId"), "send");

            assertThat(invoke(response, "getChainId")).isEqualTo(BigInteger.valueOf(31337));
            invoke(web3j, "shutdown");
        }

        @Test
        void shouldOpenAnEmbeddedDatabaseWithTheJarsOwnH2() throws Exception {
            Class<?> type = extension.loadClass("org.h2.jdbcx.JdbcDataSource");
            assertThat(type.getClassLoader()).as("H2 from the drop-in JAR").isSameAs(extension);
            DataSource dataSource = (DataSource) type.getConstructor().newInstance();
            invoke(dataSource, "setURL", "jdbc:h2:mem:drop-in-jar-check");

            try (Connection connection = dataSource.getConnection();
                 ResultSet result = connection.createStatement().executeQuery("SELECT 40 + 2")) {
                assertThat(result.next()).isTrue();
                assertThat(result.getInt(1)).isEqualTo(42);
            }
        }

        /**
         * The server's store as the drop-in JAR writes it must open with the stock H2 that
         * regmail and H2's own tools use: an MVStore file names the classes of its data types,
         * so a relocated H2 writes files no other H2 can read ("File corrupted while reading
         * record", ClassNotFoundException for org.regmail.shaded.org.h2…).
         */
        @Test
        void shouldWriteAServerStoreThatTheStockH2Reads(@TempDir Path directory) throws Exception {
            Path file = directory.resolve("store");
            Class<?> storeType = extension.loadClass("org.regmail.core.store.H2ServerStore");
            Class<?> entryType = extension.loadClass("org.regmail.core.store.LedgerEntry");
            Object written = entryType.getConstructors()[0].newInstance("0x" + "ab".repeat(32),
                7L, 50_000L, BigInteger.TEN, 2, BigInteger.valueOf(480_000), Instant.EPOCH);
            Object store = find(storeType, "open", 1).invoke(null, file);
            invoke(store, "addToLedger", written, Map.of("0x" + "cd".repeat(20),
                BigInteger.valueOf(480_000)));
            invoke(store, "close");

            try (H2ServerStore stock = H2ServerStore.open(file)) {
                assertThat(stock.ledger()).extracting(LedgerEntry::block, LedgerEntry::records,
                        LedgerEntry::reimbursed)
                    .containsExactly(tuple(7L, 2, BigInteger.valueOf(480_000)));
            }
        }

        private static Object invokeStatic(String className, String method, Object... arguments)
            throws Exception {
            Class<?> type = extension.loadClass(SHADED + className);
            return find(type, method, arguments.length).invoke(null, arguments);
        }

        private static Object invoke(Object target, String method, Object... arguments)
            throws Exception {
            return find(target.getClass(), method, arguments.length).invoke(target, arguments);
        }

        private static Method find(Class<?> type, String name, int parameterCount) {
            for (Method method : type.getMethods()) {
                if (method.getName().equals(name) && method.getParameterCount() == parameterCount) {
                    method.setAccessible(true);
                    return method;
                }
            }
            throw new IllegalArgumentException(
                type.getName() + " has no method " + name + "/" + parameterCount);
        }

        /** A JSON-RPC endpoint on loopback that answers every call with one result. */
        private static HttpServer fakeNodeAnsweringChainId(String chainId) throws IOException {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            Pattern id = Pattern.compile("\"id\"\\s*:\\s*(\\d+)");
            server.createContext("/", exchange -> {
                String request = readAll(exchange.getRequestBody());
                Matcher matcher = id.matcher(request);
                String requestId = matcher.find() ? matcher.group(1) : "1";
                String json = "{\"jsonrpc\":\"2.0\",\"id\":" + requestId
                    + ",\"result\":\"" + chainId + "\"}";
                byte[] answer = json.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, answer.length);
                try (OutputStream body = exchange.getResponseBody()) {
                    body.write(answer);
                }
            });
            server.start();
            return server;
        }

        private static String readAll(InputStream in) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void shouldExist() {
        assertThat(Files.isRegularFile(JAR)).as("%s built by package", JAR).isTrue();
    }
}
