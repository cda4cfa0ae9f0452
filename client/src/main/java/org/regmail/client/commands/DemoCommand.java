package org.regmail.client.commands;

import org.regmail.client.ClientCommand;
import org.regmail.client.UserError;
import picocli.CommandLine.Command;

/** Placeholder: the end-to-end demo arrives with the integration work. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Not there yet: the whole story on this machine arrives later.")
public final class DemoCommand extends ClientCommand {
    @Override
    public Integer call() {
        throw UserError.usage("'regmail demo' is not there yet: it arrives with the end-to-end "
            + "work; meanwhile see the README's 'regmail client' section");
    }
}
