package io.github.netbackrx.cli;

import io.github.netbackrx.bugs.BugCase;
import io.github.netbackrx.bugs.BugCatalogue;
import io.github.netbackrx.bugs.BugReplay;
import io.github.netbackrx.bugs.BugResult;
import io.github.netbackrx.bugs.Generation;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.commons.csv.CSVPrinter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.core.JsonGenerator;

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

    @Mixin
    private OutputFormat.Option format;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (name == null && format.format() == OutputFormat.JSON) {
            try (JsonGenerator g = OutputFormat.json(out)) {
                g.writeStartObject();
                g.writeStringProperty("command", "bugs");
                g.writeArrayPropertyStart("cases");
                for (BugCase c : BugCatalogue.all()) {
                    g.writeStartObject();
                    g.writeStringProperty("name", c.name());
                    g.writeStringProperty("title", c.title());
                    generation(g, "buggy", c.buggyGeneration());
                    generation(g, "fixed", c.fixedGeneration());
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            return ExitStatus.OK;
        }
        if (name == null && format.format() == OutputFormat.CSV) {
            try (CSVPrinter csv = OutputFormat.csv(out, LIST_HEADER)) {
                for (BugCase c : BugCatalogue.all()) {
                    Generation b = c.buggyGeneration();
                    Generation f = c.fixedGeneration();
                    csv.printRecord(
                            c.name(),
                            c.title(),
                            b.policy(),
                            b.estimator(),
                            b.profile(),
                            f.policy(),
                            f.estimator(),
                            f.profile());
                }
            }
            return ExitStatus.OK;
        }
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
        int status = r.asDocumented() ? ExitStatus.OK : ExitStatus.FINDING;
        if (format.format() == OutputFormat.JSON) {
            try (JsonGenerator g = OutputFormat.json(out)) {
                g.writeStartObject();
                g.writeStringProperty("command", "bugs");
                g.writeStringProperty("name", c.name());
                g.writeStringProperty("title", c.title());
                g.writeStringProperty("source", c.source());
                g.writeStringProperty("input", c.input());
                g.writeStringProperty("invariant", c.invariant());
                result(g, "buggy", r.buggy());
                result(g, "fixed", r.fixed());
                g.writeBooleanProperty("asDocumented", r.asDocumented());
                g.writeEndObject();
            }
            return status;
        }
        if (format.format() == OutputFormat.CSV) {
            try (CSVPrinter csv = OutputFormat.csv(out, REPLAY_HEADER)) {
                for (BugResult result : List.of(r.buggy(), r.fixed())) {
                    Generation gen = result.generation();
                    csv.printRecord(
                            c.name(),
                            result == r.buggy() ? "buggy" : "fixed",
                            gen.policy(),
                            gen.estimator(),
                            gen.profile(),
                            c.invariant(),
                            result.broken(),
                            result.details(),
                            r.asDocumented());
                }
            }
            return status;
        }
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
        return status;
    }

    /** The CSV columns of the list: one row per case. */
    static final String[] LIST_HEADER = {
        "name",
        "title",
        "buggy_policy",
        "buggy_estimator",
        "buggy_profile",
        "fixed_policy",
        "fixed_estimator",
        "fixed_profile"
    };

    /** The CSV columns of a replay: one row for the buggy generation, one for the fixed. */
    static final String[] REPLAY_HEADER = {
        "name", "generation", "policy", "estimator", "profile", "invariant", "broken", "details", "as_documented"
    };

    private static void generation(JsonGenerator g, String property, Generation gen) {
        g.writeObjectPropertyStart(property);
        g.writeStringProperty("policy", gen.policy());
        g.writeStringProperty("estimator", gen.estimator());
        g.writeStringProperty("profile", gen.profile());
        g.writeEndObject();
    }

    private static void result(JsonGenerator g, String property, BugResult r) {
        g.writeObjectPropertyStart(property);
        g.writeStringProperty("policy", r.generation().policy());
        g.writeStringProperty("estimator", r.generation().estimator());
        g.writeStringProperty("profile", r.generation().profile());
        g.writeBooleanProperty("broken", r.broken());
        g.writeStringProperty("invariant", r.invariant());
        g.writeStringProperty("details", r.details());
        g.writeEndObject();
    }

    private static void result(PrintWriter out, String label, BugResult r) {
        out.print(label + ":      " + r.generation().describe() + "\n");
        out.print("            " + r.describe() + "\n");
    }
}
