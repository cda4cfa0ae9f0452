package org.regmail.benchmarks;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * What a reader needs to judge a benchmark's numbers: the machine, the JVM, the date and how
 * busy the machine was. Every benchmark prints this before its tables.
 */
public final class MachineFacts {
    private MachineFacts() {
    }

    /** Prints the facts as a short Markdown list. */
    public static void print(PrintStream out, String benchmark) {
        out.println("## " + benchmark);
        out.println();
        out.println("- date: " + ZonedDateTime.now().format(DateTimeFormatter.RFC_1123_DATE_TIME));
        out.println("- cores: " + Runtime.getRuntime().availableProcessors()
            + (cpuModel().isEmpty() ? "" : " (" + cpuModel() + ")"));
        out.println("- memory for this JVM: " + Runtime.getRuntime().maxMemory() / (1 << 20)
            + " MiB max heap");
        out.println("- JVM: " + System.getProperty("java.vm.name") + " "
            + System.getProperty("java.runtime.version"));
        out.println("- OS: " + System.getProperty("os.name") + " "
            + System.getProperty("os.version"));
        out.println("- load average at start (1/5/15 min): " + loadAverage());
        out.println();
    }

    /** The load average now, for a line at the end of a run. */
    public static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " / " + parts[1] + " / " + parts[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static String cpuModel() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
            return lines.stream().filter(l -> l.startsWith("model name"))
                .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("");
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
