package io.github.netbackrx.arch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The layout the documents describe is the layout of the sources: {@code docs/index.md} gives every
 * package of the library a line of its own, and the exported packages named in {@code
 * docs/compatibility.md} are exactly those {@code module-info} exports.
 */
class DocumentedLayoutTest {
    private static final String ROOT = "io.github.netbackrx";
    private static final Path SOURCES = Path.of("src/main/java/io/github/netbackrx");

    @Test
    void theIndexGivesEveryPackageALineOfItsOwn() throws IOException {
        Set<String> packages = sourcePackages();
        Set<String> documented = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^\\* `io\\.github\\.netbackrx\\.(\\w+)` — ")
                .matcher(Files.readString(Path.of("docs/index.md"), StandardCharsets.UTF_8));
        while (m.find()) {
            documented.add(m.group(1));
        }
        assertThat(packages).as("packages under %s", SOURCES).contains("core", "cli");
        assertThat(documented).as("packages listed in docs/index.md").isEqualTo(packages);
    }

    @Test
    void theCompatibilityPolicyNamesExactlyTheExportedPackages() throws IOException {
        ModuleReference module = ModuleFinder.of(Path.of("target/classes"))
                .find(ROOT)
                .orElseThrow(() -> new AssertionError("no module " + ROOT + " in target/classes"));
        Set<String> exported = module.descriptor().exports().stream()
                .filter(e -> !e.isQualified())
                .map(ModuleDescriptor.Exports::source)
                .map(p -> p.substring(ROOT.length() + 1))
                .collect(Collectors.toCollection(TreeSet::new));
        String policy = Files.readString(Path.of("docs/compatibility.md"), StandardCharsets.UTF_8);
        Matcher line = Pattern.compile("\\*\\*The exported packages\\*\\*[^:]*:([^—]*)—")
                .matcher(policy);
        assertThat(line.find())
                .as("the exported packages' line of docs/compatibility.md")
                .isTrue();
        Set<String> named = new TreeSet<>();
        Matcher word = Pattern.compile("`(\\w+)`").matcher(line.group(1));
        while (word.find()) {
            named.add(word.group(1));
        }
        assertThat(exported).contains("core").doesNotContain("cli");
        assertThat(named).isEqualTo(exported);
        assertThat(sourcePackages()).containsAll(exported);
    }

    private static Set<String> sourcePackages() throws IOException {
        try (Stream<Path> dirs = Files.list(SOURCES)) {
            return dirs.filter(Files::isDirectory)
                    .map(d -> d.getFileName().toString())
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }
}
