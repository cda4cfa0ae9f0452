package org.regmail.core.store;

/**
 * A relay this server must authorise on chain for a registration (the contract takes RELAYED
 * only from a relay the previous hop authorised), kept until it has landed.
 *
 * @param registration the registration's address
 * @param salt its CREATE2 salt
 * @param owner its owner, for the ledger
 * @param relay the relay's account
 * @param sentTransaction the hash of the transaction sent for it and not yet settled, or null
 */
public record RelayAuthorisation(String registration, byte[] salt, String owner, String relay,
                                 String sentTransaction) {
    /** An authorisation not sent yet. */
    public RelayAuthorisation(String registration, byte[] salt, String owner, String relay) {
        this(registration, salt, owner, relay, null);
    }
}
