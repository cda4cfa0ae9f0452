package org.regmail.mailets.testing;

/**
 * {@code mailetcontainer.xml} for the two shapes of test James: a sender's server that delivers
 * its local mail and relays authenticated mail through one gateway (RemoteDelivery with an
 * {@code onSuccess} processor), and a recipient's server that delivers locally. What the tests
 * vary — the mailets before delivery, after a hand-off and for bounces, thread counts,
 * retries — is set on the builder; the rest is one skeleton.
 *
 * <pre>{@code
 * String xml = MailetContainers.sender(recipientJames.smtpPort())
 *     .beforeDelivery(MailetContainers.mailet("org.regmail.mailets.HasRegisteredMailHeader",
 *         "org.regmail.mailets.RecordSubmission"))
 *     .handedOff(MailetContainers.mailet("All", "org.regmail.mailets.RecordHandOff"))
 *     .xml();
 * }</pre>
 */
public final class MailetContainers {
    private static final String NULL = mailet("All", "Null");

    private MailetContainers() {
    }

    /** A sender's server relaying authenticated mail to 127.0.0.1:{@code gatewayPort}. */
    public static Sender sender(int gatewayPort) {
        return new Sender(gatewayPort);
    }

    /** A recipient's server delivering mail for its local users. */
    public static Recipient recipient() {
        return new Recipient();
    }

    /** {@code <mailet match="…" class="…"/>} on a line of its own. */
    public static String mailet(String match, String className) {
        return "      <mailet match=\"" + match + "\" class=\"" + className + "\"/>\n";
    }

    /** What both shapes share; the transport processor's middle is the caller's. */
    private abstract static class Shape<T extends Shape<T>> {
        String postmaster;
        int spoolThreads = 2;
        String beforeDelivery = "";

        Shape(String postmaster) {
            this.postmaster = postmaster;
        }

        abstract T self();

        public T postmaster(String address) {
            this.postmaster = address;
            return self();
        }

        /** Threads of James's spool. */
        public T spoolThreads(int threads) {
            this.spoolThreads = threads;
            return self();
        }

        /** Mailets of the transport processor after the Bcc is removed, before delivery. */
        public T beforeDelivery(String mailets) {
            this.beforeDelivery = mailets;
            return self();
        }

        String document(String transportEnd, String otherProcessors) {
            return """
                <mailetcontainer enableJmx="false">
                  <context><postmaster>%s</postmaster></context>
                  <spooler><threads>%d</threads>
                    <errorRepository>memory://var/mail/error/</errorRepository></spooler>
                  <processors enableJmx="false">
                    <processor state="root" enableJmx="false">
                      <mailet match="All" class="ToProcessor"><processor>transport</processor>\
                </mailet>
                    </processor>
                    <processor state="error" enableJmx="false">
                      <mailet match="All" class="ToRepository">
                        <repositoryPath>memory://var/mail/error/</repositoryPath>
                      </mailet>
                    </processor>
                    <processor state="transport" enableJmx="false">
                      <mailet match="All" class="RemoveMimeHeader"><name>bcc</name></mailet>
                %s\
                      <mailet match="RecipientIsLocal" class="LocalDelivery"/>
                %s\
                    </processor>
                %s\
                  </processors>
                </mailetcontainer>
                """.formatted(postmaster, spoolThreads, indent(beforeDelivery),
                indent(transportEnd), otherProcessors);
        }

        private static String indent(String lines) {
            return lines.indent(2);
        }
    }

    /** The sender's shape. */
    public static final class Sender extends Shape<Sender> {
        private final int gatewayPort;
        private int deliveryThreads = 2;
        private int maxRetries = 2;
        private String handedOff = NULL;
        private String bounces = NULL;

        private Sender(int gatewayPort) {
            super("postmaster@sender.example");
            this.gatewayPort = gatewayPort;
        }

        @Override
        Sender self() {
            return this;
        }

        /** RemoteDelivery's threads. */
        public Sender deliveryThreads(int threads) {
            this.deliveryThreads = threads;
            return this;
        }

        /** RemoteDelivery's retries after a temporary failure (500 ms apart). */
        public Sender maxRetries(int retries) {
            this.maxRetries = retries;
            return this;
        }

        /** The {@code handed-off} processor's mailets (RemoteDelivery's {@code onSuccess}). */
        public Sender handedOff(String mailets) {
            this.handedOff = mailets;
            return this;
        }

        /** The {@code bounces} processor's mailets. */
        public Sender bounces(String mailets) {
            this.bounces = mailets;
            return this;
        }

        public String xml() {
            String transportEnd = """
                  <mailet match="SMTPAuthSuccessful" class="ToProcessor">
                    <processor>relay</processor>
                  </mailet>
                  <mailet match="All" class="ToRepository">
                    <repositoryPath>memory://var/mail/relay-denied/</repositoryPath>
                  </mailet>
                """;
            String processors = """
                    <processor state="relay" enableJmx="false">
                      <mailet match="All" class="RemoteDelivery">
                        <outgoingQueue>outgoing</outgoingQueue>
                        <delayTime>500</delayTime>
                        <maxRetries>%d</maxRetries>
                        <maxDnsProblemRetries>0</maxDnsProblemRetries>
                        <deliveryThreads>%d</deliveryThreads>
                        <sendpartial>true</sendpartial>
                        <gateway>127.0.0.1</gateway>
                        <gatewayPort>%d</gatewayPort>
                        <bounceProcessor>bounces</bounceProcessor>
                        <onSuccess>handed-off</onSuccess>
                      </mailet>
                    </processor>
                    <processor state="handed-off" enableJmx="false">
                %s\
                    </processor>
                    <processor state="bounces" enableJmx="false">
                %s\
                    </processor>
                """.formatted(maxRetries, deliveryThreads, gatewayPort, handedOff.indent(2),
                bounces.indent(2));
            return document(transportEnd, processors);
        }
    }

    /** The recipient's shape. */
    public static final class Recipient extends Shape<Recipient> {
        private Recipient() {
            super("postmaster@recipient.example");
        }

        @Override
        Recipient self() {
            return this;
        }

        public String xml() {
            return document("""
                  <mailet match="All" class="ToRepository">
                    <repositoryPath>memory://var/mail/unhandled/</repositoryPath>
                  </mailet>
                """, "");
        }
    }
}
