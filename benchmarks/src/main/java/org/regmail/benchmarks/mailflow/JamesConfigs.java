package org.regmail.benchmarks.mailflow;

import org.regmail.mailets.testing.MailetContainers;

/**
 * The two mail flows compared, as {@code mailetcontainer.xml}: the sender's and the recipient's
 * James of the across-James test, the registered one with the extension's mailets and the plain
 * one the same minus those mailets. Both carry the benchmark's {@link ArrivalStamp} probe at
 * the same spot, and both have the thread counts of james-conf (4 spool threads, 4 delivery
 * threads) unless a benchmark asks for more delivery threads.
 */
final class JamesConfigs {
    private JamesConfigs() {
    }

    static String sender(boolean registered, int gatewayPort) {
        return sender(registered, gatewayPort, 4);
    }

    /** A sender's James relaying with {@code deliveryThreads} RemoteDelivery threads. */
    static String sender(boolean registered, int gatewayPort, int deliveryThreads) {
        String submission = registered ? MailetContainers.mailet(
            "org.regmail.mailets.HasRegisteredMailHeader", "org.regmail.mailets.RecordSubmission")
            : "";
        String handOff = registered
            ? MailetContainers.mailet("All", "org.regmail.mailets.RecordHandOff") : "";
        return MailetContainers.sender(gatewayPort)
            .spoolThreads(4)
            .deliveryThreads(deliveryThreads)
            .beforeDelivery(submission)
            .handedOff(handOff + MailetContainers.mailet("All", "Null"))
            .bounces("""
                <mailet match="All" class="ToRepository">
                  <repositoryPath>memory://var/mail/bounces/</repositoryPath>
                </mailet>
                """)
            .xml();
    }

    static String recipient(boolean registered) {
        return recipient(registered, deliveredPoint(registered));
    }

    /** A recipient's James, with or without the extension, stamping arrivals at {@code point}. */
    static String recipient(boolean registered, String point) {
        String delivery = registered ? MailetContainers.mailet(
            "org.regmail.mailets.HasRegisteredMailHeader", "org.regmail.mailets.RecordDelivery")
            : "";
        return MailetContainers.recipient()
            .spoolThreads(4)
            .beforeDelivery(delivery + """
                <mailet match="All" class="org.regmail.benchmarks.mailflow.ArrivalStamp">
                  <point>%s</point>
                </mailet>
                """.formatted(point))
            .xml();
    }

    static String deliveredPoint(boolean registered) {
        return registered ? "registered-delivered" : "plain-delivered";
    }
}
