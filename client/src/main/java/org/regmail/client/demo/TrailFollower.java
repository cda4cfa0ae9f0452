package org.regmail.client.demo;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.regmail.client.TrailText;
import org.regmail.contracts.Status;
import org.regmail.core.evidence.RecipientProgress;
import org.regmail.core.evidence.RegistrationTrail;
import org.regmail.core.evidence.TrailEvent;
import org.regmail.core.evidence.TrailException;
import org.regmail.core.evidence.TrailReader;
import org.web3j.protocol.Web3j;

/**
 * Follows the demo's registrations on chain, as the sender's client would: it reads each
 * trail every {@link #POLL} and prints every new event once, in chain order, with its block,
 * the block's time and its transaction. The story waits on it for the statuses it expects.
 */
final class TrailFollower implements AutoCloseable {
    static final Duration POLL = Duration.ofMillis(250);
    private static final DateTimeFormatter CLOCK =
        DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);

    private final TrailReader reader;
    private final String master;
    private final Narrator narrator;
    private final List<Letter> letters = new CopyOnWriteArrayList<>();
    private final Map<String, RegistrationTrail> latest = new ConcurrentHashMap<>();
    private final Set<String> printed = new HashSet<>();
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(
        runnable -> {
            Thread thread = new Thread(runnable, "regmail-demo-trail");
            thread.setDaemon(true);
            return thread;
        });
    private volatile String lastProblem;

    TrailFollower(Web3j web3j, String rpcUrl, String master, Narrator narrator) {
        this.reader = new TrailReader(web3j, rpcUrl);
        this.master = master;
        this.narrator = narrator;
    }

    void start() {
        poller.scheduleWithFixedDelay(this::pollQuietly, 0, POLL.toMillis(),
            TimeUnit.MILLISECONDS);
    }

    /** Starts following one more registered mail. */
    void follow(Letter letter) {
        letters.add(letter);
    }

    /** The latest trail read of a mail, if any was read yet. */
    Optional<RegistrationTrail> trail(Letter letter) {
        return Optional.ofNullable(latest.get(letter.registration()));
    }

    /** Whether the chain shows {@code status} for the mail's recipient. */
    boolean reached(Letter letter, int index, Status status) {
        return trail(letter).map(t -> t.recipients().get(index).reached().contains(status))
            .orElse(false);
    }

    /**
     * Waits until each (mail, recipient, status) is on chain.
     *
     * @throws DemoFailure naming what is missing when {@code limit} passes first
     */
    void await(List<Expected> expected, Duration limit) throws InterruptedException {
        Instant deadline = Instant.now().plus(limit);
        while (true) {
            List<Expected> missing = expected.stream()
                .filter(e -> !reached(e.letter(), e.index(), e.status())).toList();
            if (missing.isEmpty()) {
                return;
            }
            if (Instant.now().isAfter(deadline)) {
                Expected first = missing.get(0);
                throw new DemoFailure(first.status() + " for " + first.letter().label() + " "
                    + first.letter().address(first.index()) + " did not reach the chain within "
                    + limit.toSeconds() + " s (" + TrailText.count(missing.size(), "status",
                        "statuses") + " missing"
                    + (lastProblem == null ? "" : "; last problem reading the chain: "
                        + lastProblem) + "); the servers' logs say why");
            }
            Thread.sleep(100);
        }
    }

    /** One status the story waits for. */
    record Expected(Letter letter, int index, Status status) {
    }

    private void pollQuietly() {
        try {
            poll();
            lastProblem = null;
        } catch (TrailException | RuntimeException e) {
            lastProblem = String.valueOf(e.getMessage());
        }
    }

    /** Reads every trail once and prints what is new. */
    synchronized void poll() throws TrailException {
        List<Printable> fresh = new ArrayList<>();
        for (Letter letter : letters) {
            Optional<RegistrationTrail> trail = reader.read(master, letter.registration(),
                letter.creationBlock());
            if (trail.isEmpty()) {
                continue;
            }
            latest.put(letter.registration(), trail.get());
            for (TrailEvent event : trail.get().events()) {
                if (printed.add(event.position())) {
                    fresh.add(new Printable(letter, event));
                }
            }
        }
        fresh.sort(Comparator.comparingLong((Printable p) -> p.event().blockNumber())
            .thenComparingLong(p -> p.event().logIndex()));
        for (Printable p : fresh) {
            narrator.row("on chain", describe(p.letter(), p.event()));
        }
    }

    private record Printable(Letter letter, TrailEvent event) {
    }

    /** "mail 1 bob@recipient.example   DELIVERED   block 14  09:12:44  tx 0x3f2a1b2c…". */
    static String describe(Letter letter, TrailEvent e) {
        String who;
        String what;
        String why = "";
        switch (e.event()) {
            case TrailEvent.STATUS_RECORDED -> {
                who = letter.address(e.recipientIndex());
                what = e.status().name();
            }
            case TrailEvent.REGISTRATION_CREATED -> {
                who = "registration";
                what = "CREATED";
            }
            case TrailEvent.RELAY_AUTHORISED -> {
                who = "relay " + letter.serverName(e.account());
                what = "AUTHORISED";
            }
            case TrailEvent.ESCROW_WITHDRAWN -> {
                who = "escrow " + Demo.ether(e.amount());
                what = "WITHDRAWN";
            }
            case TrailEvent.RECORD_REJECTED -> {
                who = e.recipientIndex() == null ? "" : letter.address(e.recipientIndex());
                what = "REFUSED";
                why = "  (" + e.status() + ": " + e.reason() + ")";
            }
            default -> {
                who = e.recipientIndex() == null ? "" : letter.address(e.recipientIndex());
                what = e.event();
            }
        }
        return String.format(Locale.ROOT, "%-6s %-23s %-11s block %-3d %s  tx %s%s",
            letter.label(), who, what, e.blockNumber(),
            CLOCK.format(Instant.ofEpochSecond(e.timestamp())), shortHash(e.transactionHash()),
            why);
    }

    /** "0x3f2a1b2c…": enough to tell transactions apart; the evidence bundle has them whole. */
    static String shortHash(String hash) {
        return hash.length() > 10 ? hash.substring(0, 10) + "…" : hash;
    }

    /** The steps a recipient went through, oldest first: "SUBMITTED › HANDED_OFF › …". */
    static String path(RecipientProgress progress) {
        List<String> names = progress.statuses().stream().map(e -> e.status().name()).toList();
        return names.isEmpty() ? "nothing recorded" : String.join(" › ", names);
    }

    @Override
    public void close() {
        poller.shutdownNow();
        try {
            poller.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
