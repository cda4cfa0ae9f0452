package org.regmail.core.config;

/** The configuration is invalid; the message names the key and what is wrong with it. */
public class ConfigException extends Exception {
    public ConfigException(String message) {
        super(message);
    }
}
