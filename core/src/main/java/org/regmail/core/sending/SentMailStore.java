package org.regmail.core.sending;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The sender's records of registered mail in a private directory:
 *
 * <pre>
 * HOME/               mode 700
 *   sequence          the last local-ID sequence number used
 *   sent/             mode 700
 *     0xREG.json      the {@link SentMail} record, mode 600
 *     0xREG.eml       the message as registered (without Registered-Mail), mode 600
 * </pre>
 */
public final class SentMailStore {
    private static final ObjectMapper JSON = new ObjectMapper()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Path home;
    private final Path sent;

    public SentMailStore(Path home) {
        this.home = home;
        this.sent = home.resolve("sent");
    }

    public Path home() {
        return home;
    }

    /** Writes (or replaces) a record; creates the private directories when needed. */
    public void save(SentMail mail) throws IOException {
        PrivateFiles.directory(home);
        PrivateFiles.directory(sent);
        PrivateFiles.write(sent.resolve(mail.registration() + ".json"),
            JSON.writeValueAsBytes(mail));
    }

    /** Keeps the message as registered beside its record. */
    public void saveMessage(String registration, byte[] message) throws IOException {
        PrivateFiles.directory(home);
        PrivateFiles.directory(sent);
        PrivateFiles.write(sent.resolve(lower(registration) + ".eml"), message);
    }

    /** The record of a registration, by its full address or an unambiguous prefix of it. */
    public Optional<SentMail> find(String registration) throws IOException {
        String wanted = lower(registration);
        Path exact = sent.resolve(wanted + ".json");
        if (Files.isRegularFile(exact)) {
            return Optional.of(read(exact));
        }
        List<SentMail> matches = list().stream()
            .filter(m -> m.registration().startsWith(wanted)).toList();
        return matches.size() == 1 ? Optional.of(matches.get(0)) : Optional.empty();
    }

    /** The message as registered, if it was kept. */
    public Optional<byte[]> message(String registration) throws IOException {
        Path file = sent.resolve(lower(registration) + ".eml");
        return Files.isRegularFile(file) ? Optional.of(Files.readAllBytes(file)) : Optional.empty();
    }

    /** Every record, oldest local ID first. */
    public List<SentMail> list() throws IOException {
        List<SentMail> mails = new ArrayList<>();
        if (!Files.isDirectory(sent)) {
            return mails;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(sent, "0x*.json")) {
            for (Path file : files) {
                mails.add(read(file));
            }
        }
        mails.sort(Comparator.comparing(SentMail::localId));
        return mails;
    }

    /** The most recent record (highest local ID: time first). */
    public Optional<SentMail> latest() throws IOException {
        List<SentMail> all = list();
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /** The next local-ID sequence number, remembered across runs. */
    public synchronized long nextSequence() throws IOException {
        PrivateFiles.directory(home);
        Path file = home.resolve("sequence");
        long next = 1;
        if (Files.isRegularFile(file)) {
            next = Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).trim()) + 1;
        }
        PrivateFiles.write(file, Long.toString(next).getBytes(StandardCharsets.US_ASCII));
        return next;
    }

    private static SentMail read(Path file) throws IOException {
        return JSON.readValue(file.toFile(), SentMail.class);
    }

    private static String lower(String registration) {
        return registration.trim().toLowerCase(Locale.ROOT);
    }
}
