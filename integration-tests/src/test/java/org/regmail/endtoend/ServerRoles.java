package org.regmail.endtoend;

/**
 * The {@code mailetcontainer.xml} of each James in the {@link MailNetwork}, written as an
 * administrator would write it (the james-conf roles, narrowed to loopback gateways), with the
 * registered-mail mailets where the extension's Javadoc puts them.
 *
 * <p>Every processor says {@code enableJmx="false"}: five servers share one JVM's MBean
 * server. Gateways are IP literals, so no server ever needs DNS.
 */
final class ServerRoles {
    /**
     * Test-only routing on the sender's server. A real administrator sends everything through
     * one smart host, or routes by domain; here one sender reaches the same recipients by four
     * paths, so each mail names its path in this field. It is not one of the fields the
     * content commitment covers, so it changes nothing about the registration.
     */
    static final String ROUTE_FIELD = "X-Test-Route";

    private ServerRoles() {
    }

    /** How a mail leaves the sender's server. */
    enum Route {
        /** Straight to each recipient domain's server. */
        DIRECT(null),
        /** Through the relay that runs RecordRelay (RecordSubmission's relayDomain). */
        PROTOCOL_RELAY("protocol-relay"),
        /** Through a stock James relay that knows nothing of registered mail. */
        PLAIN_RELAY("plain-relay"),
        /** Through the same stock relay, which adds a footer to the body on this route. */
        ALTERING_RELAY("altering-relay");

        final String fieldValue;

        Route(String fieldValue) {
            this.fieldValue = fieldValue;
        }
    }

    /** A processor that keeps what it gets in a memory repository, for inspection. */
    private static String keep(String state) {
        return """
                <processor state="%1$s" enableJmx="false">
                  <mailet match="All" class="ToRepository">
                    <repositoryPath>memory://var/mail/%1$s/</repositoryPath>
                  </mailet>
                </processor>
            """.formatted(state);
    }

    /**
     * A RemoteDelivery to one gateway. Its queue must be its own: James 3.8.1 names it with
     * {@code outgoing} (not {@code outgoingQueue}, which it ignores), and RemoteDelivery mailets
     * sharing a queue deliver each other's mail through their own gateways.
     */
    private static String remoteDelivery(String match, String queue, int port, String extra) {
        return """
                  <mailet match="%s" class="RemoteDelivery">
                    <outgoing>%s</outgoing>
                    <delayTime>500</delayTime>
                    <maxRetries>2</maxRetries>
                    <maxDnsProblemRetries>0</maxDnsProblemRetries>
                    <deliveryThreads>2</deliveryThreads>
                    <sendpartial>true</sendpartial>
                    <gateway>127.0.0.1</gateway>
                    <gatewayPort>%d</gatewayPort>
                    <bounceProcessor>bounces</bounceProcessor>
            %s      </mailet>
            """.formatted(match, queue, port, extra);
    }

    private static String head(String postmaster) {
        return """
            <mailetcontainer enableJmx="false">
              <context><postmaster>%s</postmaster></context>
              <spooler>
                <threads>2</threads>
                <errorRepository>memory://var/mail/error/</errorRepository>
              </spooler>
              <processors enableJmx="false">
                <processor state="root" enableJmx="false">
                  <mailet match="All" class="ToProcessor"><processor>transport</processor></mailet>
                </processor>
            """.formatted(postmaster) + keep("error");
    }

    private static final String TAIL = """
          </processors>
        </mailetcontainer>
        """;

    /**
     * The sender's server: RecordSubmission on submitted mail (sealing for the protocol relay
     * on that route, for each recipient domain's server otherwise), RemoteDelivery to the
     * route's next hop, RecordHandOff once the next hop took the mail, and a DSN to the
     * sender for what cannot be delivered.
     */
    static String sender(String domain, String relayDomain, Ports next) {
        String handOff = "        <onSuccess>handed-off</onSuccess>\n";
        return head("postmaster@" + domain) + """
                <processor state="transport" enableJmx="false">
                  <matcher name="submitted-via-protocol-relay"
                           match="org.apache.james.mailetcontainer.impl.matchers.And">
                    <matcher match="HasHeader=%1$s=%2$s"/>
                    <matcher match="org.regmail.mailets.HasRegisteredMailHeader"/>
                  </matcher>
                  <mailet match="All" class="RemoveMimeHeader"><name>bcc</name></mailet>
                  <mailet match="submitted-via-protocol-relay"
                          class="org.regmail.mailets.RecordSubmission">
                    <relayDomain>%3$s</relayDomain>
                  </mailet>
                  <mailet match="org.regmail.mailets.HasRegisteredMailHeader"
                          class="org.regmail.mailets.RecordSubmission"/>
                  <mailet match="RecipientIsLocal" class="LocalDelivery"/>
                  <mailet match="SMTPAuthSuccessful" class="ToProcessor">
                    <processor>outgoing</processor>
                  </mailet>
                  <mailet match="All" class="ToRepository">
                    <repositoryPath>memory://var/mail/relay-denied/</repositoryPath>
                  </mailet>
                </processor>
                <processor state="outgoing" enableJmx="false">
                  <matcher name="via-plain-relay"
                           match="org.apache.james.mailetcontainer.impl.matchers.Or">
                    <matcher match="HasHeader=%1$s=%4$s"/>
                    <matcher match="HasHeader=%1$s=%5$s"/>
                  </matcher>
            """.formatted(ROUTE_FIELD, Route.PROTOCOL_RELAY.fieldValue, relayDomain,
                Route.PLAIN_RELAY.fieldValue, Route.ALTERING_RELAY.fieldValue)
            + remoteDelivery("HasHeader=" + ROUTE_FIELD + "=" + Route.PROTOCOL_RELAY.fieldValue,
                "to-protocol-relay", next.protocolRelay(), handOff)
            + remoteDelivery("via-plain-relay", "to-plain-relay", next.plainRelay(), handOff)
            + remoteDelivery("HostIs=" + MailNetwork.OTHER_DOMAIN, "to-other", next.other(),
                handOff)
            + remoteDelivery("HostIs=" + MailNetwork.PLAIN_RELAY_DOMAIN, "to-unregistered",
                next.plainRelay(), handOff)
            + remoteDelivery("All", "to-recipient", next.recipient(), handOff)
            + """
                </processor>
                <processor state="handed-off" enableJmx="false">
                  <mailet match="All" class="org.regmail.mailets.RecordHandOff"/>
                  <mailet match="All" class="Null"/>
                </processor>
                <processor state="bounces" enableJmx="false">
                  <mailet match="All" class="DSNBounce">
                    <passThrough>false</passThrough>
                  </mailet>
                </processor>
            """ + keep("relay-denied") + TAIL;
    }

    /** Where the sender's server and the relays hand mail on to. */
    record Ports(int protocolRelay, int plainRelay, int recipient, int other) {
    }

    /**
     * A relay, a smart host for the mail servers of its network (loopback here: it trusts
     * them by address, as james-conf's relay does) that forwards each recipient domain to
     * its server. With {@code speaksProtocol} it runs RecordRelay first; without, it is a
     * stock James that passes the Registered-Mail field on untouched, and adds a footer to
     * the body of mail on the altering route (what a disclaimer or a virus-scan notice does);
     * it also holds the mailboxes of its own domain, which has no registered-mail server.
     */
    static String relay(String domain, boolean speaksProtocol, Ports next) {
        String protocol = speaksProtocol ? """
                  <mailet match="org.regmail.mailets.HasRegisteredMailHeader"
                          class="org.regmail.mailets.RecordRelay"/>
            """ : """
                  <mailet match="HasHeader=%s=%s" class="AddFooter">
                    <text>-- Scanned for viruses by the relay.</text>
                  </mailet>
            """.formatted(ROUTE_FIELD, Route.ALTERING_RELAY.fieldValue);
        return head("postmaster@" + domain) + """
                <processor state="transport" enableJmx="false">
                  <mailet match="All" class="RemoveMimeHeader"><name>bcc</name></mailet>
            """ + protocol + """
                  <mailet match="RecipientIsLocal" class="LocalDelivery"/>
                  <mailet match="SMTPIsAuthNetwork" class="ToProcessor">
                    <processor>outgoing</processor>
                  </mailet>
                  <mailet match="All" class="ToRepository">
                    <repositoryPath>memory://var/mail/relay-denied/</repositoryPath>
                  </mailet>
                </processor>
                <processor state="outgoing" enableJmx="false">
            """
            + remoteDelivery("HostIs=" + MailNetwork.OTHER_DOMAIN, "to-other", next.other(), "")
            + remoteDelivery("All", "to-recipient", next.recipient(), "")
            + """
                </processor>
            """ + keep("bounces") + keep("relay-denied") + TAIL;
    }

    /**
     * A recipient domain's server, as james-conf's recipient role: RecordDelivery before
     * LocalDelivery, and again for unknown mailboxes of the domain, where it records REJECTED
     * before the mail is set aside. It relays nothing.
     */
    static String recipient(String domain) {
        return head("postmaster@" + domain) + """
                <processor state="transport" enableJmx="false">
                  <mailet match="All" class="RemoveMimeHeader"><name>bcc</name></mailet>
                  <mailet match="RecipientIsLocal" class="ToProcessor">
                    <processor>local-delivery</processor>
                  </mailet>
                  <mailet match="HostIsLocal" class="ToProcessor">
                    <processor>local-address-error</processor>
                  </mailet>
                  <mailet match="All" class="ToRepository">
                    <repositoryPath>memory://var/mail/relay-denied/</repositoryPath>
                  </mailet>
                </processor>
                <processor state="local-delivery" enableJmx="false">
                  <mailet match="org.regmail.mailets.HasRegisteredMailHeader"
                          class="org.regmail.mailets.RecordDelivery"/>
                  <mailet match="All" class="LocalDelivery"/>
                </processor>
                <processor state="local-address-error" enableJmx="false">
                  <mailet match="org.regmail.mailets.HasRegisteredMailHeader"
                          class="org.regmail.mailets.RecordDelivery"/>
                  <mailet match="All" class="ToRepository">
                    <repositoryPath>memory://var/mail/address-error/</repositoryPath>
                  </mailet>
                </processor>
            """ + TAIL;
    }
}
