package org.regmail.benchmarks;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises a JFR recording's CPU samples ({@code jdk.ExecutionSample}) on our hot path: of
 * the samples whose stack holds one of our methods (start-up, the benchmark's own code and the
 * test harness left out), the share in which each of our methods is on the stack, and which
 * of our methods call into the embedded store's transactions.
 *
 * <p>Run: {@code ./mvnw -q -pl benchmarks exec:exec@hot-path -Dbench.args=target/mail-flow.jfr}
 * after a mail-flow run recorded with {@code -XX:StartFlightRecording} (see BENCHMARKS.md).
 */
public final class HotPath {
    private static final List<String> NOT_HOT = List.of("org.regmail.benchmarks.",
        "org.regmail.mailets.testing.", "RegisteredMailRuntime.node", "RegisteredMailRuntime.stop",
        "ServerNode.start", "KeystoreCredentials.", "RegistrationCreator.", "devchain.");
    private static final String STORE = "org.regmail.core.store.H2ServerStore.inTransaction";

    private HotPath() {
    }

    public static void main(String[] args) throws Exception {
        int top = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        Map<String, Integer> inclusive = new HashMap<>();
        Map<String, Integer> storeCallers = new HashMap<>();
        int all = 0;
        int hot = 0;
        int inStore = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(Path.of(args[0]))) {
            if (!event.getEventType().getName().equals("jdk.ExecutionSample")
                || event.getStackTrace() == null) {
                continue;
            }
            all++;
            Set<String> ours = new LinkedHashSet<>();
            for (RecordedFrame frame : event.getStackTrace().getFrames()) {
                String method = frame.getMethod().getType().getName() + "."
                    + frame.getMethod().getName();
                if (method.startsWith("org.regmail.")) {
                    ours.add(method);
                }
            }
            ours.removeIf(m -> m.contains("$$Lambda"));
            if (ours.isEmpty()
                || ours.stream().anyMatch(m -> NOT_HOT.stream().anyMatch(m::contains))) {
                continue;
            }
            hot++;
            ours.forEach(m -> inclusive.merge(m, 1, Integer::sum));
            if (ours.contains(STORE)) {
                inStore++;
                List<String> chain = ours.stream().dropWhile(m -> !m.equals(STORE)).skip(1)
                    .filter(m -> !m.contains("lambda$")).limit(2).toList();
                storeCallers.merge(String.join(" < ", chain), 1, Integer::sum);
            }
        }
        System.out.printf("%d CPU samples, %d on our hot path (stack holds our code, start-up "
            + "and harness left out)%n%n", all, hot);
        System.out.println("| share of hot-path samples | our method on the stack |");
        System.out.println("|---:|---|");
        print(inclusive, hot, top);
        System.out.printf("%nOf which in the store's transactions (%d samples), by caller:%n%n",
            inStore);
        System.out.println("| share of store samples | caller |");
        System.out.println("|---:|---|");
        print(storeCallers, inStore, top);
    }

    private static void print(Map<String, Integer> counts, int total, int top) {
        counts.entrySet().stream()
            .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
            .limit(top)
            .forEach(e -> System.out.printf("| %.1f %% (%d) | %s |%n", 100.0 * e.getValue() / total,
                e.getValue(), e.getKey().replace("org.regmail.", "")));
    }
}
