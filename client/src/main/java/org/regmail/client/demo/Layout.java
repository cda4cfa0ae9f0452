package org.regmail.client.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where the demo finds what the build made, in a clone of the repository: the stock James
 * distribution ({@code james-conf/distribution/target/james}), the roles' configurations
 * ({@code james-conf/<role>/conf}), the drop-in JAR
 * ({@code mailets/target/regmail-mailets-*-james-extension.jar}) and the sample mails
 * ({@code samples/}).
 *
 * @param root the repository's top directory
 */
public record Layout(Path root) {
    /** The system property the {@code ./regmail} launcher sets to the repository. */
    public static final String ROOT_PROPERTY = "regmail.root";

    /**
     * The repository: {@code -Dregmail.root}, else the first directory at or above
     * {@code start} holding {@code james-conf/} and {@code mailets/}.
     */
    public static Optional<Layout> find(Path start) {
        String property = System.getProperty(ROOT_PROPERTY);
        if (property != null && !property.isBlank()) {
            return Optional.of(new Layout(Path.of(property).toAbsolutePath().normalize()));
        }
        for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("james-conf"))
                && Files.isDirectory(dir.resolve("mailets"))) {
                return Optional.of(new Layout(dir));
            }
        }
        return Optional.empty();
    }

    public Path jamesDistribution() {
        return root.resolve("james-conf/distribution/target/james");
    }

    public Path roleConfiguration(String role) {
        return root.resolve("james-conf").resolve(role).resolve("conf");
    }

    public Path samples() {
        return root.resolve("samples");
    }

    /** The drop-in JAR, whatever its version. */
    public Path extensionJar() {
        Path target = root.resolve("mailets/target");
        if (Files.isDirectory(target)) {
            try (Stream<Path> files = Files.list(target)) {
                Optional<Path> jar = files.filter(f -> {
                    String name = f.getFileName().toString();
                    return name.startsWith("regmail-mailets-")
                        && name.endsWith("-james-extension.jar");
                }).findFirst();
                if (jar.isPresent()) {
                    return jar.get();
                }
            } catch (IOException e) {
                // reported as missing below
            }
        }
        return target.resolve("regmail-mailets-<version>-james-extension.jar");
    }

    /** What the demo needs and the build has not made (empty when all is there). */
    public List<String> missing() {
        List<String> missing = new ArrayList<>();
        if (!Files.isDirectory(jamesDistribution().resolve("lib"))) {
            missing.add("the James distribution " + jamesDistribution().resolve("lib"));
        }
        if (!Files.isRegularFile(extensionJar())) {
            missing.add("the drop-in JAR " + extensionJar());
        }
        for (String role : List.of("sender", "relay", "recipient")) {
            if (!Files.isDirectory(roleConfiguration(role))) {
                missing.add("the " + role + " configuration " + roleConfiguration(role));
            }
        }
        if (!Files.isDirectory(samples())) {
            missing.add("the sample mails " + samples());
        }
        return missing;
    }
}
