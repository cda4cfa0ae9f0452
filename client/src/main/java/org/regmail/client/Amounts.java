package org.regmail.client;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ether amounts as people write them: {@code 0.01}, {@code 0.01ether}, {@code 50gwei},
 * {@code 7wei}.
 */
public final class Amounts {
    private static final Pattern AMOUNT =
        Pattern.compile("([0-9]+(?:\\.[0-9]+)?)\\s*(wei|gwei|eth|ether)?");
    private static final BigDecimal GWEI = BigDecimal.TEN.pow(9);
    private static final BigDecimal ETHER = BigDecimal.TEN.pow(18);

    private Amounts() {
    }

    /**
     * Parses an amount into wei.
     *
     * @param defaultUnit the unit of a bare number: "wei", "gwei" or "ether"
     * @throws UserError (usage) naming the option when the text is no amount
     */
    public static BigInteger parse(String text, String defaultUnit, String option) {
        Matcher m = AMOUNT.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw UserError.usage(option + " '" + text + "' is not an amount; write e.g. "
                + "0.01ether, 50gwei or 1000wei");
        }
        String unit = m.group(2) == null ? defaultUnit : m.group(2);
        BigDecimal value = new BigDecimal(m.group(1));
        BigDecimal wei = switch (unit) {
            case "wei" -> value;
            case "gwei" -> value.multiply(GWEI);
            default -> value.multiply(ETHER);
        };
        if (wei.stripTrailingZeros().scale() > 0) {
            throw UserError.usage(option + " '" + text + "' has a fraction of a wei");
        }
        return wei.toBigIntegerExact();
    }

    /** Wei as ether, trimmed: "0.0123 ETH". */
    public static String ether(BigInteger wei) {
        BigDecimal value = new BigDecimal(wei).divide(ETHER, 18, RoundingMode.UNNECESSARY)
            .stripTrailingZeros();
        return (value.signum() == 0 ? "0" : value.toPlainString()) + " ETH";
    }

    /** Wei per gas as gwei: "2.5 gwei". */
    public static String gwei(BigInteger wei) {
        BigDecimal value = new BigDecimal(wei).divide(GWEI, 9, RoundingMode.UNNECESSARY)
            .stripTrailingZeros();
        return (value.signum() == 0 ? "0" : value.toPlainString()) + " gwei";
    }
}
