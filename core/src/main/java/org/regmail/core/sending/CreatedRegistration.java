package org.regmail.core.sending;

/**
 * A registration created on chain, and the header that lets the sender's server find it.
 *
 * @param plan what was registered
 * @param transactionHash the creating transaction
 * @param block the block it was mined in
 * @param headerValue the {@code Registered-Mail} value: the owner-signed envelope for every
 *     recipient, sealed to the sender's server's directory key
 */
public record CreatedRegistration(RegistrationPlan plan, String transactionHash, long block,
                                  String headerValue) {
    /** The message to submit: the registered message with its Registered-Mail field. */
    public byte[] messageToSubmit() {
        return RegisteredMessage.withHeader(plan.message(), headerValue);
    }
}
