package org.regmail.core.evidence;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.regmail.contracts.Status;

/**
 * One recipient's part of a trail: the statuses recorded for it, oldest first.
 *
 * @param index the recipient's index
 * @param server its domain's server, or the zero address when the domain has none
 * @param statuses its StatusRecorded events in chain order
 */
public record RecipientProgress(int index, String server, List<TrailEvent> statuses) {
    private static final Set<Status> CLOSING =
        EnumSet.of(Status.READ, Status.DELETED, Status.REJECTED, Status.EXPIRED);

    public RecipientProgress {
        statuses = List.copyOf(statuses);
    }

    public boolean hasServer() {
        return server != null && !server.matches("0x0{40}");
    }

    public Set<Status> reached() {
        Set<Status> reached = EnumSet.noneOf(Status.class);
        statuses.forEach(e -> reached.add(e.status()));
        return reached;
    }

    /** The status recorded last, if any. */
    public Optional<Status> latest() {
        return statuses.isEmpty() ? Optional.empty()
            : Optional.of(statuses.get(statuses.size() - 1).status());
    }

    /**
     * Whether nothing more will be recorded for this recipient, as the contract's withdrawal
     * rule sees it: read, deleted, rejected or expired; downloaded with the deadline passed
     * (reading is optional); or handed off when its domain has no server.
     *
     * @param deadline the registration's deadline, unix seconds
     * @param chainTime the latest block's time, unix seconds
     */
    public boolean isFinal(long deadline, long chainTime) {
        Set<Status> reached = reached();
        if (reached.stream().anyMatch(CLOSING::contains)) {
            return true;
        }
        if (chainTime > deadline && reached.contains(Status.DOWNLOADED)) {
            return true;
        }
        return !hasServer() && reached.contains(Status.HANDED_OFF);
    }

    /**
     * Whether anyone may now record EXPIRED for this recipient: the deadline has passed and
     * it was never downloaded nor closed otherwise.
     */
    public boolean isExpirable(long deadline, long chainTime) {
        Set<Status> reached = reached();
        return chainTime > deadline && !reached.contains(Status.DOWNLOADED)
            && reached.stream().noneMatch(CLOSING::contains);
    }
}
