package org.regmail.client;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.regmail.contracts.ContractErrors;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/**
 * What a user can do when the contracts refuse a command: the second half of an
 * {@code error: what is wrong; what to do} line, for the rules a {@code regmail} command can
 * break. The contracts' roles are named instead of shown as their hashes.
 */
final class RuleAdvice {
    private static final Map<String, String> ROLES = Map.of(
        Numeric.toHexString(Hash.sha3("DIRECTORY_ADMIN_ROLE".getBytes())), "DIRECTORY_ADMIN_ROLE",
        Numeric.toHexString(new byte[32]), "DEFAULT_ADMIN_ROLE");

    private static final Map<String, String> ADVICE = Map.ofEntries(
        Map.entry("AccessControlUnauthorizedAccount", "only the directory admin may do this: "
            + "sign with the account that deployed the contracts (or one it granted the role)"),
        Map.entry("DomainTaken", "another server holds that domain in the directory; register "
            + "another --domain, or ask the directory admin"),
        Map.entry("UnknownServer", "that account never registered; register it with 'regmail "
            + "server register --domain DOMAIN' signed by the server's key"),
        Map.entry("NotApprovedServer", "the directory admin must approve the server first "
            + "('regmail server approve DOMAIN' signed by the admin's key)"),
        Map.entry("InvalidDomain", "a domain is lower case, at most 253 characters"),
        Map.entry("PublicKeyDoesNotMatchSender", "register with the server's own key: the "
            + "directory entry's public key must belong to the signing account"),
        Map.entry("DeadlineInPast", "the chain's clock is past the deadline; give a longer "
            + "--timeout"),
        Map.entry("DeadlineTooFar", "a deadline is at most 10 days after the chain's clock; "
            + "give a shorter --timeout"),
        Map.entry("TooManyRecipients", "send to fewer recipients, or split the mail"),
        Map.entry("EscrowTooLarge", "lower the fee cap"),
        Map.entry("LocalIdAlreadyUsed", "this account already used that local ID: the "
            + "sequence file in the regmail home was reset; send again to take the next one"),
        Map.entry("NotGenuineRegistration", "no registration of this Master is at that "
            + "address; check the registration and --deployment"),
        Map.entry("NothingToWithdraw", "there is nothing left to withdraw"),
        Map.entry("RecipientNotFinal", "a recipient's trail can still change; wait for it "
            + "('regmail watch') or for the deadline"),
        Map.entry("DeadlineNotReached", "a recipient can expire only after the deadline"));

    private RuleAdvice() {
    }

    /** The refusal with its roles named, then what to do, when the rule is one we know. */
    static String explain(String message, Optional<ContractErrors.Revert> revert) {
        if (revert.isEmpty()) {
            return message;
        }
        String named = message;
        for (String argument : revert.get().arguments()) {
            String role = ROLES.get(argument.toLowerCase());
            if (role != null) {
                named = named.replace(argument, role);
            }
        }
        String advice = ADVICE.get(revert.get().name());
        return advice == null ? named : named + "; " + advice;
    }

    /** The error names advised on, for tests. */
    static List<String> rules() {
        return List.copyOf(ADVICE.keySet());
    }
}
