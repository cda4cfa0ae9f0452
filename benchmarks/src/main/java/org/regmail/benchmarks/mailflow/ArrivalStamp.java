package org.regmail.benchmarks.mailflow;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.mail.MessagingException;

import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;

/**
 * BENCHMARK PROBE, not part of the extension: notes when a mail reaches this mailet, by
 * Message-ID, in a map the benchmark in the same JVM reads. Placed in both the plain and the
 * registered configurations at the same spot, so both pay it alike.
 *
 * <p>Init parameter {@code point}: the name of the place ({@code plain-delivered}, …).
 *
 * <pre>{@code
 * <mailet match="All" class="org.regmail.benchmarks.mailflow.ArrivalStamp">
 *   <point>registered-delivered</point>
 * </mailet>
 * }</pre>
 */
public class ArrivalStamp extends GenericMailet {
    private static final Map<String, Map<String, Long>> STAMPS = new ConcurrentHashMap<>();

    private Map<String, Long> stamps;

    @Override
    public void init() throws MessagingException {
        String point = getInitParameter("point");
        if (point == null || point.isBlank()) {
            throw new MessagingException("ArrivalStamp: init parameter 'point' is required");
        }
        stamps = at(point);
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        String messageId = mail.getMessage().getMessageID();
        if (messageId != null) {
            stamps.putIfAbsent(messageId, System.nanoTime());
        }
    }

    /** The {@link System#nanoTime()} of each Message-ID's first arrival at {@code point}. */
    public static Map<String, Long> at(String point) {
        return STAMPS.computeIfAbsent(point, p -> new ConcurrentHashMap<>());
    }

    @Override
    public String getMailetInfo() {
        return "Benchmark probe: arrival times by Message-ID";
    }
}
