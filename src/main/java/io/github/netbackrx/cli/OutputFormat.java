package io.github.netbackrx.cli;

import java.io.Writer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import picocli.CommandLine;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.util.DefaultPrettyPrinter;

/**
 * The {@code --format text|json|csv} option and the writers behind it, shared by every command that
 * prints results. JSON is written with Jackson's streaming generator (no object mapping, so the
 * command line streams and carries no reflection); CSV with Apache Commons CSV (RFC 4180 quoting,
 * a header row). Neither is built by hand.
 */
enum OutputFormat {
    /** The human-readable text each command documents (the default). */
    TEXT,
    /** One JSON document on standard output, pretty-printed. */
    JSON,
    /** Comma-separated values with a header row. */
    CSV;

    private static final JsonFactory JSON_FACTORY = JsonFactory.builder().build();

    /** @return the option's spelling, e.g. {@code json} */
    String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * A JSON generator writing to {@code out}, pretty-printed with two-space indentation; closing it
     * flushes but does not close {@code out}.
     */
    static JsonGenerator json(Writer out) {
        ObjectWriteContext pretty = new ObjectWriteContext.Base() {
            @Override
            public tools.jackson.core.PrettyPrinter getPrettyPrinter() {
                return new DefaultPrettyPrinter();
            }

            @Override
            public boolean hasPrettyPrinter() {
                return true;
            }
        };
        return JSON_FACTORY.createGenerator(pretty, new NonClosing(out));
    }

    /**
     * A CSV printer writing to {@code out} with the given header row; closing it flushes but does
     * not close {@code out}.
     */
    static CSVPrinter csv(Writer out, String... header) {
        try {
            return CSVFormat.DEFAULT
                    .builder()
                    .setHeader(header)
                    .setRecordSeparator('\n')
                    .get()
                    .print(new NonClosing(out));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * The {@code --format} option as a picocli mixin: one field in each command that has it, and
     * one help text (docs/output-formats.md lists every field of every command and format).
     */
    static final class Option {
        @CommandLine.Option(
                names = "--format",
                paramLabel = "FORMAT",
                defaultValue = "text",
                converter = Converter.class,
                completionCandidates = Names.class,
                description = "output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}; json and csv are"
                        + " described in docs/output-formats.md)")
        private OutputFormat format;

        /** @return the format asked for */
        OutputFormat format() {
            return format;
        }
    }

    /** Converts {@code text}, {@code json} or {@code csv}; anything else is a usage error. */
    static final class Converter implements CommandLine.ITypeConverter<OutputFormat> {
        @Override
        public OutputFormat convert(String value) {
            for (OutputFormat f : values()) {
                if (f.label().equals(value)) {
                    return f;
                }
            }
            throw new CommandLine.TypeConversionException("unknown format '" + value + "' (valid: text, json, csv)");
        }
    }

    /** The formats' spellings, for the help text. */
    static final class Names implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            List<String> names = new ArrayList<>();
            for (OutputFormat f : values()) {
                names.add(f.label());
            }
            return names.iterator();
        }
    }

    /** A writer whose {@code close} only flushes: standard output stays open for the caller. */
    private static final class NonClosing extends java.io.FilterWriter {
        NonClosing(Writer out) {
            super(out);
        }

        @Override
        public void close() throws java.io.IOException {
            flush();
        }
    }
}
