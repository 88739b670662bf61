package io.github.netbackrx.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

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
        // tests run without a console: the standard-error bar is quiet
        assertThat(ProgressBar.onStandardError("run", 10).visible()).isEqualTo(System.console() != null);
        assertThatThrownBy(() -> new ProgressBar("run", -1, new PrintWriter(out), true))
                .hasMessage("progress total -1 is negative");
    }
}
