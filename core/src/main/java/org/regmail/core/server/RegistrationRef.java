package org.regmail.core.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import org.web3j.utils.Numeric;

/**
 * What a server keeps about a registered mail between two steps of its own processing (for
 * example from acceptance to the hand-off), in a compact text form a mail attribute can carry:
 * {@code registration;salt;owner;index,index…}. It holds no secret: the CREATE2 salt is
 * derived from public values.
 */
public record RegistrationRef(String registration, byte[] salt, String owner,
                              List<Integer> indexes) {
    private static final Pattern ADDRESS = Pattern.compile("0x[0-9a-f]{40}");
    private static final Pattern SALT = Pattern.compile("0x[0-9a-f]{64}");

    public RegistrationRef {
        registration = registration.toLowerCase(Locale.ROOT);
        owner = owner.toLowerCase(Locale.ROOT);
        salt = salt.clone();
        indexes = List.copyOf(indexes);
    }

    @Override
    public byte[] salt() {
        return salt.clone();
    }

    /** The text form. */
    public String encode() {
        StringBuilder text = new StringBuilder(registration).append(';')
            .append(Numeric.toHexString(salt)).append(';').append(owner).append(';');
        for (int i = 0; i < indexes.size(); i++) {
            text.append(i == 0 ? "" : ",").append(indexes.get(i));
        }
        return text.toString();
    }

    /** Reads the text form; malformed text gives an IllegalArgumentException naming the part. */
    public static RegistrationRef decode(String text) {
        String[] parts = text == null ? new String[0] : text.split(";", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("a registration reference has four parts");
        }
        if (!ADDRESS.matcher(parts[0]).matches() || !ADDRESS.matcher(parts[2]).matches()) {
            throw new IllegalArgumentException("a registration reference needs two addresses");
        }
        if (!SALT.matcher(parts[1]).matches()) {
            throw new IllegalArgumentException("a registration reference needs a 32-byte salt");
        }
        List<Integer> indexes = new ArrayList<>();
        if (!parts[3].isEmpty()) {
            for (String index : parts[3].split(",")) {
                try {
                    indexes.add(Integer.parseInt(index));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(
                        "a registration reference index is not a number");
                }
            }
        }
        return new RegistrationRef(parts[0], Numeric.hexStringToByteArray(parts[1]), parts[2],
            indexes);
    }
}
