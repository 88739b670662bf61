package io.github.netbackrx.cli;

import io.github.netbackrx.netback.EngineProfile;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The {@code --profile} option of the commands that run an engine ({@code simulate}, {@code run}). */
final class ProfileOption {
    @Option(
            names = "--profile",
            paramLabel = "PROFILE",
            defaultValue = "2010",
            converter = Converter.class,
            completionCandidates = Names.class,
            description = "netback engine: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    private EngineProfile profile;

    /** @return the profile chosen */
    EngineProfile profile() {
        return profile;
    }

    /** Converts a label with {@link EngineProfile#fromLabel(String)}; an unknown name is a usage error. */
    static final class Converter implements CommandLine.ITypeConverter<EngineProfile> {
        @Override
        public EngineProfile convert(String value) {
            try {
                return EngineProfile.fromLabel(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** The profiles' labels, for the help text. */
    static final class Names implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            List<String> names = new ArrayList<>();
            for (EngineProfile p : EngineProfile.values()) {
                names.add(p.label());
            }
            return names.iterator();
        }
    }
}
