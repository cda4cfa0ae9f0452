package org.regmail.mailets.testing;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The configuration files {@link JamesTestServer} writes into {@code conf/}: James 3.8.1's
 * stock settings, narrowed to what a test needs — every server on 127.0.0.1 with port 0 (the
 * system picks a free port; the Guice probes read it back), no TLS, no JMX, no WebAdmin.
 * Servers stop without Netty's graceful quiet period (2 s per server otherwise).
 * Protocol servers get a JMX name unique to their James ({@code instance}): several servers
 * in one JVM share its MBean server.
 */
final class JamesConfigurationFiles {

    private static final String VALID_RCPT_HANDLER =
        "org.apache.james.smtpserver.fastfail.ValidRcptHandler";

    private JamesConfigurationFiles() {
    }

    /**
     * One SMTP server. By default no address is trusted to relay ({@code authorizedAddresses}
     * is left out on purpose: everything in a test comes from loopback, and trusting it would
     * let any client relay), so relaying needs AUTH; mail for local users needs none.
     *
     * @param validRecipientsOnly whether James's {@code ValidRcptHandler} refuses mail for an
     *     unknown user of a local domain at RCPT time (the stock setting)
     * @param authorizedAddresses networks allowed to relay without AUTH, or empty for none
     */
    static String smtpServer(String instance, List<String> customHandlers,
                             boolean validRecipientsOnly, List<String> authorizedAddresses) {
        return """
            <smtpservers>
              <smtpserver enabled="true">
                <jmxName>smtpserver-%s</jmxName>
                <bind>127.0.0.1:0</bind>
                <connectionBacklog>200</connectionBacklog>
                <tls socketTLS="false" startTLS="false"/>
                <connectiontimeout>360</connectiontimeout>
                <connectionLimit>0</connectionLimit>
                <connectionLimitPerIP>0</connectionLimitPerIP>
                <gracefulShutdown>false</gracefulShutdown>
            %s    <auth>
                  <announce>forUnauthorizedAddresses</announce>
                  <requireSSL>false</requireSSL>
                  <plainAuthEnabled>true</plainAuthEnabled>
                </auth>
                <verifyIdentity>true</verifyIdentity>
                <maxmessagesize>0</maxmessagesize>
                <addressBracketsEnforcement>true</addressBracketsEnforcement>
                <smtpGreeting>James test server</smtpGreeting>
                <handlerchain>
            %s%s      <handler class="%s"/>
                </handlerchain>
              </smtpserver>
            </smtpservers>
            """.formatted(instance,
                authorizedAddresses.isEmpty() ? "" : "    <authorizedAddresses>"
                    + String.join(",", authorizedAddresses) + "</authorizedAddresses>\n",
                handlers(customHandlers),
                validRecipientsOnly ? handlers(List.of(VALID_RCPT_HANDLER)) : "",
                JamesTestServer.SMTP_CORE_HANDLERS);
    }

    static String pop3Server(String instance, List<String> customHandlers) {
        return """
            <pop3servers>
              <pop3server enabled="true">
                <jmxName>pop3server-%s</jmxName>
                <bind>127.0.0.1:0</bind>
                <connectionBacklog>200</connectionBacklog>
                <tls socketTLS="false" startTLS="false"/>
                <connectiontimeout>1200</connectiontimeout>
                <connectionLimit>0</connectionLimit>
                <connectionLimitPerIP>0</connectionLimitPerIP>
                <gracefulShutdown>false</gracefulShutdown>
                <handlerchain>
            %s      <handler class="%s"/>
                </handlerchain>
              </pop3server>
            </pop3servers>
            """.formatted(instance, handlers(customHandlers), JamesTestServer.POP3_CORE_HANDLERS);
    }

    /**
     * One IMAP server. In James 3.8.1 {@code <imapPackages>} sits directly under
     * {@code <imapservers>} and applies to every IMAP server; inside {@code <imapserver>} it is
     * silently ignored.
     */
    static String imapServer(String instance, List<String> imapPackages) {
        String packages = imapPackages.stream()
            .map(name -> "  <imapPackages>" + name + "</imapPackages>\n")
            .collect(Collectors.joining());
        return """
            <imapservers>
              <imapserver enabled="true">
                <jmxName>imapserver-%s</jmxName>
                <bind>127.0.0.1:0</bind>
                <connectionBacklog>200</connectionBacklog>
                <tls socketTLS="false" startTLS="false"/>
                <connectionLimit>0</connectionLimit>
                <connectionLimitPerIP>0</connectionLimitPerIP>
                <gracefulShutdown>false</gracefulShutdown>
                <idleTimeInterval>120</idleTimeInterval>
                <idleTimeIntervalUnit>SECONDS</idleTimeIntervalUnit>
                <enableIdle>true</enableIdle>
                <plainAuthDisallowed>false</plainAuthDisallowed>
                <auth>
                  <plainAuthEnabled>true</plainAuthEnabled>
                </auth>
              </imapserver>
            %s</imapservers>
            """.formatted(instance, packages);
    }

    static String listeners(List<String> listenerClasses) {
        String listeners = listenerClasses.stream()
            .map(name -> "  <listener>\n"
                + "    <class>" + name + "</class>\n"
                + "    <async>false</async>\n"
                + "  </listener>\n")
            .collect(Collectors.joining());
        return "<listeners>\n" + listeners + "</listeners>\n";
    }

    static String extensions(List<String> modules) {
        if (modules.isEmpty()) {
            return "";
        }
        return "guice.extension.module=" + String.join(",", modules) + "\n";
    }

    /** The files a test has no reason to vary. */
    static Map<String, String> fixedFiles() {
        return Map.of(
            "domainlist.xml", """
                <domainlist>
                  <autodetect>false</autodetect>
                  <autodetectIP>false</autodetectIP>
                  <defaultDomain>localhost</defaultDomain>
                </domainlist>
                """,
            // Only loopback: no test may send a DNS query off this machine. Gateways are given
            // as IP literals, which need no lookup.
            "dnsservice.xml", """
                <dnsservice>
                  <servers>
                    <server>127.0.0.1</server>
                  </servers>
                  <autodiscover>false</autodiscover>
                  <authoritative>false</authoritative>
                  <maxcachesize>50000</maxcachesize>
                </dnsservice>
                """,
            "usersrepository.xml", """
                <usersrepository name="LocalUsers">
                  <algorithm>PBKDF2-SHA512</algorithm>
                  <enableVirtualHosting>true</enableVirtualHosting>
                  <enableForwarding>true</enableForwarding>
                </usersrepository>
                """,
            "mailrepositorystore.xml", """
                <mailrepositorystore>
                  <defaultProtocol>memory</defaultProtocol>
                  <mailrepositories>
                    <mailrepository
                        class="org.apache.james.mailrepository.memory.MemoryMailRepository">
                      <protocols>
                        <protocol>memory</protocol>
                      </protocols>
                    </mailrepository>
                  </mailrepositories>
                </mailrepositorystore>
                """,
            "recipientrewritetable.xml", """
                <recipientrewritetable>
                  <recursiveMapping>true</recursiveMapping>
                  <mappingLimit>10</mappingLimit>
                </recipientrewritetable>
                """);
    }

    private static String handlers(List<String> classNames) {
        return classNames.stream()
            .map(name -> "      <handler class=\"" + name + "\"/>\n")
            .collect(Collectors.joining());
    }
}
