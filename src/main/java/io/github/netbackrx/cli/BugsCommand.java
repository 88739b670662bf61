package io.github.netbackrx.cli;

import io.github.netbackrx.bugs.BugCase;
import io.github.netbackrx.bugs.BugCatalogue;
import io.github.netbackrx.bugs.BugReplay;
import io.github.netbackrx.bugs.BugResult;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code netback-rx bugs}: lists the bug catalogue, or replays one case. */
@Command(
        name = "bugs",
        header = "List the catalogue of historic netback bugs, or replay one on its buggy and its fixed generation.",
        description = {
            "Without NAME, lists every case: its name, the generation that shows it and a one-line summary."
                    + " With NAME, replays the case: prints its source, its input, the buggy generation's"
                    + " broken invariant with the values, and the fixed generation's result. docs/bugs.md"
                    + " explains every case."
        },
        exitCodeList = {
            "0:listed, or the case behaves as documented (the bug shows and the fix holds)",
            "1:the replay does not match the case's documentation",
            "2:bad usage or unknown case name",
            "3:internal error"
        })
final class BugsCommand extends CommandBase implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "a case name from the list")
    private String name;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (name == null) {
            for (BugCase c : BugCatalogue.all()) {
                out.print(String.format(
                        Locale.ROOT,
                        "%-26s %s%n%-26s   %s%n",
                        c.name(),
                        c.title(),
                        "",
                        c.buggyGeneration().describe()));
            }
            out.flush();
            return ExitStatus.OK;
        }
        Optional<BugCase> found = BugCatalogue.find(name);
        if (found.isEmpty()) {
            PrintWriter err = spec.commandLine().getErr();
            StringBuilder names = new StringBuilder();
            for (BugCase c : BugCatalogue.all()) {
                names.append(names.length() > 0 ? ", " : "").append(c.name());
            }
            err.print(spec.qualifiedName() + ": unknown case '" + name + "' (valid: " + names + ")\n");
            err.flush();
            return ExitStatus.BAD_INPUT;
        }
        BugCase c = found.get();
        BugReplay r = c.replay();
        out.print(c.name() + ": " + c.title() + "\n\n");
        out.print("source:     " + c.source() + "\n");
        out.print("input:      " + c.input() + "\n");
        out.print("invariant:  " + c.invariant() + "\n\n");
        result(out, "buggy", r.buggy());
        result(out, "fixed", r.fixed());
        out.print("\n"
                + (r.asDocumented()
                        ? "as documented: the bug shows and the fix holds\n"
                        : "NOT AS DOCUMENTED: expected the buggy generation to break " + c.invariant()
                                + " and the fixed one to keep it\n"));
        out.flush();
        return r.asDocumented() ? ExitStatus.OK : ExitStatus.FINDING;
    }

    private static void result(PrintWriter out, String label, BugResult r) {
        out.print(label + ":      " + r.generation().describe() + "\n");
        out.print("            " + r.describe() + "\n");
    }
}
