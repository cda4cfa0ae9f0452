package org.regmail.client;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** TCP ports given on the command line or in the environment: 1 to 65535, checked up front. */
public final class Ports implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
        Integer port = parse(value);
        if (port == null) {
            throw new TypeConversionException("'" + value + "' is not a port (1 to 65535)");
        }
        return port;
    }

    /**
     * A port read from somewhere else than an option, e.g. a variable.
     *
     * @param source what held it, for the message ("REGMAIL_SMTP_PORT")
     */
    public static int parse(String value, String source) {
        Integer port = parse(value);
        if (port == null) {
            throw UserError.usage(source + " '" + value + "' is not a port (1 to 65535)");
        }
        return port;
    }

    private static Integer parse(String value) {
        try {
            int port = Integer.parseInt(value.trim());
            return port >= 1 && port <= 65535 ? port : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
