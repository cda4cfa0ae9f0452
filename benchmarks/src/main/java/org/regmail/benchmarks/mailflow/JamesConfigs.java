package org.regmail.benchmarks.mailflow;

/**
 * The two mail flows compared, as {@code mailetcontainer.xml}: the sender's and the recipient's
 * James of the across-James test, the registered one with the extension's mailets and the plain
 * one the same minus those mailets. Both carry the benchmark's {@link ArrivalStamp} probe at
 * the same spot, and both have the thread counts of james-conf (4 spool threads, 4 delivery
 * threads).
 */
final class JamesConfigs {
    private JamesConfigs() {
    }

    static String sender(boolean registered, int gatewayPort) {
        String submission = registered ? """
                  <mailet match="org.regmail.mailets.HasRegisteredMailHeader"
                          class="org.regmail.mailets.RecordSubmission"/>
            """ : "";
        String handOff = registered ? """
                  <mailet match="All" class="org.regmail.mailets.RecordHandOff"/>
            """ : "";
        return """
            <mailetcontainer enableJmx="false">
              <context><postmaster>postmaster@sender.example</postmaster></context>
              <spooler><threads>4</threads>
                <errorRepository>memory://var/mail/error/</errorRepository></spooler>
              <processors enableJmx="false">
                <processor state="root" enableJmx="false">
                  <mailet match="All" class="ToProcessor"><processor>transport</processor></mailet>
                </processor>
                <processor state="error" enableJmx="false">
                  <mailet match="All" class="ToRepository">
                    <repositoryPath>memory://var/mail/error/</repositoryPath>
                  </mailet>
                </processor>
                <processor state="transport" enableJmx="false">
                  <mailet match="All" class="RemoveMimeHeader"><name>bcc</name></mailet>
            %s
                  <mailet match="RecipientIsLocal" class="LocalDelivery"/>
                  <mailet match="SMTPAuthSuccessful" class="ToProcessor">
                    <processor>relay</processor>
                  </mailet>
                  <mailet match="All" class="ToRepository">
                    <repositoryPath>memory://var/mail/relay-denied/</repositoryPath>
                  </mailet>
                </processor>
                <processor state="relay" enableJmx="false">
                  <mailet match="All" class="RemoteDelivery">
                    <outgoingQueue>outgoing</outgoingQueue>
                    <delayTime>500</delayTime>
                    <maxRetries>2</maxRetries>
                    <maxDnsProblemRetries>0</maxDnsProblemRetries>
                    <deliveryThreads>4</deliveryThreads>
                    <sendpartial>true</sendpartial>
                    <gateway>127.0.0.1</gateway>
                    <gatewayPort>%d</gatewayPort>
                    <bounceProcessor>bounces</bounceProcessor>
                    <onSuccess>handed-off</onSuccess>
                  </mailet>
                </processor>
                <processor state="handed-off" enableJmx="false">
            %s
                  <mailet match="All" class="Null"/>
                </processor>
                <processor state="bounces" enableJmx="false">
                  <mailet match="All" class="ToRepository">
                    <repositoryPath>memory://var/mail/bounces/</repositoryPath>
                  </mailet>
                </processor>
              </processors>
            </mailetcontainer>
            """.formatted(submission, gatewayPort, handOff);
    }

    static String recipient(boolean registered) {
        String delivery = registered ? """
                  <mailet match="org.regmail.mailets.HasRegisteredMailHeader"
                          class="org.regmail.mailets.RecordDelivery"/>
            """ : "";
        return """
            <mailetcontainer enableJmx="false">
              <context><postmaster>postmaster@recipient.example</postmaster></context>
              <spooler><threads>4</threads>
                <errorRepository>memory://var/mail/error/</errorRepository></spooler>
              <processors enableJmx="false">
                <processor state="root" enableJmx="false">
                  <mailet match="All" class="ToProcessor"><processor>transport</processor></mailet>
                </processor>
                <processor state="error" enableJmx="false">
                  <mailet match="All" class="ToRepository">
                    <repositoryPath>memory://var/mail/error/</repositoryPath>
                  </mailet>
                </processor>
                <processor state="transport" enableJmx="false">
                  <mailet match="All" class="RemoveMimeHeader"><name>bcc</name></mailet>
            %s
                  <mailet match="All" class="org.regmail.benchmarks.mailflow.ArrivalStamp">
                    <point>%s</point>
                  </mailet>
                  <mailet match="RecipientIsLocal" class="LocalDelivery"/>
                  <mailet match="All" class="ToRepository">
                    <repositoryPath>memory://var/mail/unhandled/</repositoryPath>
                  </mailet>
                </processor>
              </processors>
            </mailetcontainer>
            """.formatted(delivery, deliveredPoint(registered));
    }

    static String deliveredPoint(boolean registered) {
        return registered ? "registered-delivered" : "plain-delivered";
    }
}
