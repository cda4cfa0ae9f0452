package org.regmail.mailets.seams;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import javax.inject.Inject;
import javax.inject.Singleton;

import org.apache.james.filesystem.api.JamesDirectoriesProvider;

/**
 * What the test-only seam classes saw, for one James server. It is bound as a singleton by
 * {@link SeamModule}, which a test lists in {@code extensions.properties}: if the mailets, the
 * POP3 handler, the IMAP processor and the mailbox listener all write into the same instance,
 * an extension's own singletons (the outbox, the chain gateway) will be shared the same way.
 *
 * <p>Tests find a server's instance by that server's working directory, so that several
 * servers can run in one JVM.
 */
@Singleton
public final class SeamEvents {

    /** One observation: which seam, what happened, to which stored message, and details. */
    public record Event(String seam, String what, String messageId, String detail) {
    }

    private static final Map<Path, SeamEvents> BY_WORKING_DIRECTORY = new ConcurrentHashMap<>();
    private static final Map<Path, AtomicInteger> INSTANCES = new ConcurrentHashMap<>();

    private final List<Event> events = new CopyOnWriteArrayList<>();

    @Inject
    public SeamEvents(JamesDirectoriesProvider directories) {
        Path root = normalized(Path.of(directories.getRootDirectory()));
        BY_WORKING_DIRECTORY.put(root, this);
        INSTANCES.computeIfAbsent(root, any -> new AtomicInteger()).incrementAndGet();
    }

    /** The events of the server running in {@code workingDirectory}. */
    public static SeamEvents of(Path workingDirectory) {
        SeamEvents events = BY_WORKING_DIRECTORY.get(normalized(workingDirectory));
        if (events == null) {
            throw new IllegalStateException("no seam was instantiated for " + workingDirectory);
        }
        return events;
    }

    /** How many instances Guice created for that server: one, if the singleton is shared. */
    public static int instanceCount(Path workingDirectory) {
        AtomicInteger count = INSTANCES.get(normalized(workingDirectory));
        return count == null ? 0 : count.get();
    }

    public void record(String seam, String what, String messageId, String detail) {
        events.add(new Event(seam, what, messageId, detail));
    }

    public List<Event> all() {
        return List.copyOf(events);
    }

    public List<Event> of(String seam) {
        return events.stream().filter(event -> event.seam().equals(seam)).toList();
    }

    private static Path normalized(Path path) {
        return path.toAbsolutePath().normalize();
    }
}
