package org.regmail.client;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them: {@code 10d}, {@code 36h}, {@code 90m}, {@code 45s},
 * {@code 2d12h}.
 */
public final class Durations {
    private static final Pattern PART = Pattern.compile("([0-9]+)([dhms])");

    private Durations() {
    }

    /** @throws UserError (usage) naming the option when the text is no duration */
    public static Duration parse(String text, String option) {
        String lower = text.trim().toLowerCase(Locale.ROOT);
        Matcher m = PART.matcher(lower);
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                break;
            }
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "d" -> Duration.ofDays(n);
                case "h" -> Duration.ofHours(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofSeconds(n);
            });
            end = m.end();
        }
        if (end == 0 || end != lower.length()) {
            throw UserError.usage(option + " '" + text + "' is not a duration; write e.g. 7d, 36h, "
                + "90m or 45s");
        }
        return total;
    }

    /** "6d 23h", "5m 10s": the two largest units. */
    public static String describe(Duration duration) {
        long s = Math.abs(duration.getSeconds());
        long d = s / 86_400;
        long h = s % 86_400 / 3_600;
        long m = s % 3_600 / 60;
        long sec = s % 60;
        String text = d > 0 ? d + "d " + h + "h" : h > 0 ? h + "h " + m + "m"
            : m > 0 ? m + "m " + sec + "s" : sec + "s";
        return text;
    }
}
