package org.regmail.client.commands;

import java.nio.file.Files;
import java.nio.file.Path;

import org.regmail.client.ExitCode;
import org.regmail.client.UserError;
import org.regmail.client.demo.Demo;
import org.regmail.client.demo.DemoFailure;
import org.regmail.client.demo.Layout;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The whole story on this machine: see {@link Demo}. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Show registered mail working end to end on this machine.",
        "Starts a local chain (anvil) and deploys the contracts, starts four Apache James 3.8.1 "
        + "servers (sender's, relay, two recipients' domains) from the stock distribution with "
        + "the drop-in JAR, registers them in the directory, sends four registered mails from "
        + "samples/ with 'regmail send', lets the recipients fetch and read them over POP3 and "
        + "IMAP, moves the chain's clock past one mail's deadline, writes and verifies the "
        + "evidence, shows what each server was reimbursed, and stops everything it started "
        + "(also on Ctrl-C).",
        "Needs a built repository: './regmail demo' builds it the first time."})
public final class DemoCommand implements java.util.concurrent.Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--root", paramLabel = "DIR",
        description = "The repository (default: set by ./regmail, else found above the "
            + "current directory).")
    Path root;

    @Option(names = "--work-dir", paramLabel = "DIR",
        description = "Where the demo keeps its files (default: a new directory under the "
            + "system's temporary directory, kept afterwards).")
    Path workDir;

    @Override
    public Integer call() throws Exception {
        if (workDir != null) {
            requireEmpty(workDir);
        }
        Layout layout = root != null ? new Layout(root.toAbsolutePath().normalize())
            : Layout.find(Path.of("")).orElseThrow(() -> UserError.usage("cannot find the "
                + "repository (a directory holding james-conf/ and mailets/); run "
                + "./regmail demo from the clone, or give --root"));
        if (!layout.missing().isEmpty()) {
            throw UserError.usage("the build is incomplete: missing " + String.join(", ",
                layout.missing()) + "; run './mvnw install -DskipTests' in " + layout.root()
                + " (./regmail demo does it when they are missing)");
        }
        Path work = workDir != null ? Files.createDirectories(workDir)
            : Files.createTempDirectory("regmail-demo-");
        java.io.PrintWriter out = ((org.regmail.client.Regmail) spec.root().userObject())
            .context().out();
        Demo demo = new Demo(layout, work, out);
        try {
            demo.run();
            return ExitCode.OK;
        } catch (Exception e) {
            if (demo.wasInterrupted()) {
                return ExitCode.NEGATIVE; // Ctrl-C: the shutdown hook has said what it stopped
            }
            if (e instanceof DemoFailure) {
                throw new UserError(ExitCode.NEGATIVE, "the demo stopped: " + e.getMessage()
                    + "; its files are in " + work);
            }
            String message = e.getMessage() == null ? "" : e.getMessage().lines().findFirst()
                .orElse("");
            throw new UserError(ExitCode.INTERNAL, "the demo stopped: " + e.getClass()
                .getSimpleName() + ": " + message + "; its files are in " + work);
        }
    }

    /**
     * Refuses a work directory that holds anything: the demo deploys afresh and writes its
     * servers' configuration there, so neither a previous demo's files nor anyone else's may be
     * overwritten or mixed in.
     */
    private static void requireEmpty(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) {
            return;
        }
        if (!Files.isDirectory(dir)) {
            throw UserError.usage("--work-dir " + dir + " is a file, not a directory");
        }
        try (java.util.stream.Stream<Path> entries = Files.list(dir)) {
            if (entries.findAny().isEmpty()) {
                return;
            }
        }
        boolean previousDemo = Files.exists(dir.resolve("deployment.json"))
            && Files.isDirectory(dir.resolve("servers"));
        throw UserError.usage("--work-dir " + dir + (previousDemo
            ? " holds a previous demo's files; remove them or name a new directory"
            : " is not empty and is not a demo's directory; name a new or empty directory"));
    }
}
