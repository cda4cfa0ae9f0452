package org.regmail.endtoend;

import java.util.List;

import org.regmail.core.sending.CreatedRegistration;
import org.regmail.core.sending.RegistrationPlan;

/**
 * A registered mail Alice sent: its registration on chain and the letter it carried.
 *
 * @param created the registration as the client created it (plan, salt, creating block)
 * @param letter what was written
 * @param messageId the Message-ID, without angle brackets
 */
record SentMail(CreatedRegistration created, Letter letter, String messageId) {
    String registration() {
        return created.plan().registration();
    }

    /** The recipient's index in the registration. */
    int index(String address) {
        for (RegistrationPlan.PlannedRecipient recipient : created.plan().recipients()) {
            if (recipient.address().equalsIgnoreCase(address)) {
                return recipient.index();
            }
        }
        throw new IllegalArgumentException(address + " is not a recipient of " + registration());
    }

    List<String> recipients() {
        return created.plan().recipients().stream()
            .map(RegistrationPlan.PlannedRecipient::address).toList();
    }
}
