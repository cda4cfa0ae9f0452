package org.regmail.client;

import java.util.Map;

import org.regmail.client.commands.AccountCommand;
import org.regmail.client.commands.DemoCommand;
import org.regmail.client.commands.DeployCommand;
import org.regmail.client.commands.EvidenceCommand;
import org.regmail.client.commands.SendCommand;
import org.regmail.client.commands.ServerCommand;
import org.regmail.client.commands.StatusCommand;
import org.regmail.client.commands.VerifyCommand;
import org.regmail.client.commands.WatchCommand;
import org.regmail.client.commands.WithdrawCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code regmail}: the sender's and administrator's side of registered mail. See
 * {@link ExitCode} for what each exit code means.
 */
@Command(name = "regmail", mixinStandardHelpOptions = true, version = "regmail 0.1.0",
    description = "Registered mail over Apache James and Ethereum: deploy the contracts, keep "
        + "the server directory, send registered mail, follow it, export and verify evidence.",
    subcommands = {DeployCommand.class, ServerCommand.class, AccountCommand.class,
        SendCommand.class, StatusCommand.class, WatchCommand.class, EvidenceCommand.class,
        VerifyCommand.class, WithdrawCommand.class, DemoCommand.class},
    footerHeading = "%nExit codes:%n",
    footer = {
        "  0  ok",
        "  1  no: verification mismatch, no such server; watch and withdraw: not every",
        "     recipient final",
        "  2  usage: bad option, address, file or password; unknown registration",
        "  3  chain: node unreachable or on another chain; transaction refused",
        "  4  mail: SMTP server unreachable, login refused or message refused",
        "  5  internal error (REGMAIL_DEBUG=1 prints the stack trace)",
        "",
        "Files: ~/.regmail (or $REGMAIL_HOME, or --home) holds deployment.json,",
        "keystore.json and the private record of every mail sent (directories 700, files",
        "600)."})
public final class Regmail implements Runnable {
    @Spec
    CommandSpec spec;

    private final ClientContext context;

    public Regmail(ClientContext context) {
        this.context = context;
    }

    public ClientContext context() {
        return context;
    }

    @Override
    public void run() {
        spec.commandLine().usage(context.out());
        throw UserError.usage("name a command; 'regmail --help' lists them");
    }

    public static void main(String[] args) {
        System.exit(run(args, ClientContext.system()));
    }

    /** Runs one command line; returns its exit code. */
    public static int run(String[] args, ClientContext context) {
        CommandLine line = new CommandLine(new Regmail(context));
        line.setOut(context.out());
        line.setErr(context.err());
        line.setCaseInsensitiveEnumValuesAllowed(true);
        line.setParameterExceptionHandler((e, arguments) -> {
            String command = e.getCommandLine().getCommandSpec().qualifiedName();
            context.err().println("error: " + e.getMessage() + " (see '" + command + " --help')");
            context.err().flush();
            return ExitCode.USAGE;
        });
        line.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            Failure failure = Failure.of(e);
            context.err().println("error: " + failure.message());
            if (failure.exitCode() == ExitCode.INTERNAL && debug(context.env())) {
                e.printStackTrace(context.err());
            }
            context.err().flush();
            return failure.exitCode();
        });
        int code = line.execute(args);
        context.out().flush();
        context.err().flush();
        return code;
    }

    private static boolean debug(Map<String, String> env) {
        String value = env.get("REGMAIL_DEBUG");
        return value != null && !value.isBlank() && !"0".equals(value);
    }
}
