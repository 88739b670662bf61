package io.github.netbackrx.cli;

import java.io.Console;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether the command line talks to a person at a terminal, which decides whether progress bars
 * are drawn. Read once, by {@link Main#main(String[])}; in-process runs (tests) say no.
 */
final class Terminal {
    private Terminal() {}

    /**
     * True when standard output and standard error are both a terminal and {@code TERM} is not
     * {@code dumb}. Java sees the first through {@link System#console()} (non-null only when
     * standard input and output are a terminal; from Java 22 also {@code Console.isTerminal()});
     * standard error through {@code /proc/self/fd/2} on Linux (assumed a terminal where that link
     * cannot be read).
     *
     * @return whether to draw progress
     */
    static boolean interactive() {
        Console console = System.console();
        if (console == null || !isTerminal(console) || "dumb".equals(System.getenv("TERM"))) {
            return false;
        }
        return stderrIsTerminal(Path.of("/proc/self/fd/2"));
    }

    /** {@code Console.isTerminal()} where the JDK has it (22+), else true. */
    private static boolean isTerminal(Console console) {
        try {
            Method m = Console.class.getMethod("isTerminal");
            return Boolean.TRUE.equals(m.invoke(console));
        } catch (ReflectiveOperationException | SecurityException e) {
            return true;
        }
    }

    /**
     * Whether the file descriptor link names a terminal device.
     *
     * @param fd a {@code /proc/self/fd/N} link
     * @return true for {@code /dev/pts/*}, {@code /dev/tty*} and {@code /dev/console}, or when the
     *     link cannot be read
     */
    static boolean stderrIsTerminal(Path fd) {
        try {
            String target = Files.readSymbolicLink(fd).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return true;
        }
    }
}
