package org.regmail.core.evidence;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything the chain holds about one registration up to a block: the facts fixed at its
 * creation and every event since, in chain order.
 *
 * @param facts the RegistrationCreated event's content
 * @param events every event, RegistrationCreated first, ordered by block and log index
 * @param readAtBlock the latest block when the trail was read
 * @param readAtTime that block's time, unix seconds
 */
public record RegistrationTrail(RegistrationFacts facts, List<TrailEvent> events,
                                long readAtBlock, long readAtTime) {
    public RegistrationTrail {
        events = List.copyOf(events);
    }

    /** Each recipient's statuses, by index. */
    public List<RecipientProgress> recipients() {
        List<RecipientProgress> progress = new ArrayList<>();
        for (int i = 0; i < facts.recipientCount(); i++) {
            int index = i;
            progress.add(new RecipientProgress(i, facts.recipientServers().get(i),
                events.stream()
                    .filter(e -> e.isStatus() && e.recipientIndex() != null
                        && e.recipientIndex() == index)
                    .toList()));
        }
        return progress;
    }

    /** Whether every recipient is final at the time the trail was read. */
    public boolean isFinal() {
        return recipients().stream().allMatch(r -> r.isFinal(facts.deadline(), readAtTime));
    }
}
