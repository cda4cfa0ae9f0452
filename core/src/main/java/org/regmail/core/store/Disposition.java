package org.regmail.core.store;

/**
 * Which registration and recipient a stored message belongs to, on the recipient's server.
 *
 * @param messageKey the mailbox's identity of the stored message (for example
 *     {@code mailboxId/messageId})
 * @param user the local user whose mailbox holds it
 * @param registration the registration's address
 * @param salt its CREATE2 salt
 * @param recipientIndex the recipient's index in it
 * @param owner the registration's owner
 * @param deadline the registration's deadline, unix seconds
 */
public record Disposition(String messageKey, String user, String registration, byte[] salt,
                          int recipientIndex, String owner, long deadline) {
}
