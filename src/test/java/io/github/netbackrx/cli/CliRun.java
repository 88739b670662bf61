package io.github.netbackrx.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Test helper: one in-process run of the command line, with its exit status and both outputs. */
record CliRun(int status, String out, String err) {

    static CliRun withStdin(String stdin, String... args) {
        return run(stdin.getBytes(StandardCharsets.UTF_8), false, args);
    }

    /** A run whose standard input is these bytes (a capture, say). */
    static CliRun withStdinBytes(byte[] stdin, String... args) {
        return run(stdin, false, args);
    }

    /** A run as if standard output and standard error were a terminal. */
    static CliRun onTerminal(String... args) {
        return run(new byte[0], true, args);
    }

    private static CliRun run(byte[] stdin, boolean terminal, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status =
                Main.run(args, new ByteArrayInputStream(stdin), new PrintWriter(out), new PrintWriter(err), terminal);
        return new CliRun(status, out.toString(), err.toString());
    }

    /** A test resource copied to a file in {@code dir}. */
    static java.nio.file.Path resourceFile(String name, java.nio.file.Path dir) {
        try (InputStream in = CliRun.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + name);
            }
            java.nio.file.Path file = dir.resolve(name.substring(name.lastIndexOf('/') + 1));
            java.nio.file.Files.write(file, in.readAllBytes());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static CliRun of(String... args) {
        return withStdin("", args);
    }

    /** A test resource as text. */
    static String resource(String name) {
        try (InputStream in = CliRun.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
