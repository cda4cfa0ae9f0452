package org.regmail.client.demo;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The demo's voice: one line per step, prefixed with the seconds since the start and a short
 * topic, so that a newcomer sees what happens, in which order, and how long it takes. Safe
 * to use from several threads (the chain follower prints while the story goes on).
 */
public final class Narrator {
    /** Lines stay within this many columns, wrapped at spaces. */
    public static final int WIDTH = 100;
    private static final int TOPIC_WIDTH = 10;
    private static final int INDENT = 9 + TOPIC_WIDTH + 1;

    private final PrintWriter out;
    private final long start = System.nanoTime();
    private volatile boolean silenced;

    public Narrator(PrintWriter out) {
        this.out = out;
    }

    /** Seconds since the start. */
    public double elapsed() {
        return (System.nanoTime() - start) / 1e9;
    }

    /** A step: "  12.3s  topic      text", the text wrapped under itself. */
    public synchronized void step(String topic, String text) {
        List<String> lines = wrap(text, WIDTH - INDENT);
        line(String.format(Locale.ROOT, "%6.1fs  %-" + TOPIC_WIDTH + "s %s", elapsed(), topic,
            lines.get(0)));
        lines.subList(1, lines.size()).forEach(this::detail);
    }

    /** A step whose text is never wrapped (a table row: the caller keeps it short). */
    public void row(String topic, String text) {
        line(String.format(Locale.ROOT, "%6.1fs  %-" + TOPIC_WIDTH + "s %s", elapsed(), topic,
            text));
    }

    /** Lines under the previous step, aligned with its text and wrapped. */
    public synchronized void detail(String text) {
        for (String part : wrap(text, WIDTH - INDENT)) {
            line(" ".repeat(INDENT) + part);
        }
    }

    /** Text wrapped at spaces into lines of at most {@code width} characters. */
    static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String word : text.split(" ")) {
            if (!current.isEmpty() && current.length() + 1 + word.length() > width) {
                lines.add(current.toString());
                current.setLength(0);
            }
            current.append(current.isEmpty() ? "" : " ").append(word);
        }
        lines.add(current.toString());
        return lines;
    }

    /** A paragraph without time or topic, wrapped. */
    public synchronized void paragraph(String text) {
        wrap(text, WIDTH).forEach(this::line);
    }

    /** A line without time or topic (headings, the summary). */
    public void plain(String text) {
        line(text);
    }

    public synchronized void blank() {
        line("");
    }

    /** From now on nothing more is printed (the user pressed Ctrl-C; the hook speaks). */
    public void silence() {
        silenced = true;
    }

    public boolean isSilenced() {
        return silenced;
    }

    /** Prints even when silenced: the stop messages of the shutdown hook. */
    public synchronized void always(String text) {
        out.println(text);
        out.flush();
    }

    private synchronized void line(String text) {
        if (silenced) {
            return;
        }
        out.println(text);
        out.flush();
    }
}
