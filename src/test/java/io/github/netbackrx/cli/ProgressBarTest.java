package io.github.netbackrx.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProgressBarTest {

    @Test
    void rendersTheBarThePercentageAndTheCounts() {
        assertThat(ProgressBar.render("simulate", 0, 1000)).isEqualTo("simulate [>" + " ".repeat(29) + "]   0% 0/1000");
        assertThat(ProgressBar.render("simulate", 470, 1000))
                .isEqualTo("simulate [" + "=".repeat(14) + ">" + " ".repeat(15) + "]  47% 470/1000");
        assertThat(ProgressBar.render("simulate", 1000, 1000))
                .isEqualTo("simulate [" + "=".repeat(30) + "] 100% 1000/1000");
        assertThat(ProgressBar.render("x", 0, 0)).isEqualTo("x [" + "=".repeat(30) + "] 100% 0/0");
    }

    @Test
    void onAFakeTerminalItRedrawsInPlaceOnlyWhenThePercentageChanges() {
        StringWriter out = new StringWriter();
        ProgressBar bar = new ProgressBar("run", 200, new PrintWriter(out), true);
        assertThat(bar.visible()).isTrue();
        bar.update(0);
        bar.update(1); // still 0%
        bar.update(2); // 1%
        bar.update(500); // clamped to 100%
        bar.finish();
        bar.update(3);
        bar.finish();
        assertThat(out.toString())
                .isEqualTo("\r" + ProgressBar.render("run", 0, 200)
                        + "\r" + ProgressBar.render("run", 2, 200)
                        + "\r" + ProgressBar.render("run", 200, 200)
                        + "\r" + ProgressBar.render("run", 200, 200) + "\n");
    }

    @Test
    void withoutATerminalItPrintsNothing() {
        StringWriter out = new StringWriter();
        ProgressBar bar = new ProgressBar("run", 10, new PrintWriter(out), false);
        assertThat(bar.visible()).isFalse();
        for (int i = 0; i <= 10; i++) {
            bar.update(i);
        }
        bar.finish();
        assertThat(out.toString()).isEmpty();
        // a terminal needs a console (tests run without one)
        if (System.console() == null) {
            assertThat(Terminal.interactive()).isFalse();
        }
        assertThatThrownBy(() -> new ProgressBar("run", -1, new PrintWriter(out), true))
                .hasMessage("progress total -1 is negative");
    }

    @Test
    void standardErrorIsATerminalOnlyWhenItsLinkNamesATerminalDevice(@TempDir Path dir) throws IOException {
        Path pts = Files.createSymbolicLink(dir.resolve("pts"), Path.of("/dev/pts/3"));
        Path tty = Files.createSymbolicLink(dir.resolve("tty"), Path.of("/dev/tty1"));
        Path pipe = Files.createSymbolicLink(dir.resolve("pipe"), Path.of("pipe:[12345]"));
        Path file = Files.createSymbolicLink(dir.resolve("file"), dir.resolve("log.txt"));
        assertThat(Terminal.stderrIsTerminal(pts)).isTrue();
        assertThat(Terminal.stderrIsTerminal(tty)).isTrue();
        assertThat(Terminal.stderrIsTerminal(pipe)).isFalse();
        assertThat(Terminal.stderrIsTerminal(file)).isFalse();
        assertThat(Terminal.stderrIsTerminal(dir.resolve("missing"))).isTrue();
        for (Path link : new Path[] {pts, tty, pipe, file}) {
            Files.delete(link); // links out of the temporary directory: removed here, not by JUnit
        }
    }
}
