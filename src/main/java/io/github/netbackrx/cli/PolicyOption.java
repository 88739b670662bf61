package io.github.netbackrx.cli;

import io.github.netbackrx.core.PackingPolicy;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import picocli.CommandLine;

/** The {@code --policy} option's conversion and its list of names, shared by every command. */
final class PolicyOption {

    private PolicyOption() {}

    /** Converts a label with {@link PackingPolicy#fromLabel(String)}; an unknown name is a usage error. */
    static final class Converter implements CommandLine.ITypeConverter<PackingPolicy> {
        @Override
        public PackingPolicy convert(String value) {
            try {
                return PackingPolicy.fromLabel(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** The policies' labels, for the help text. */
    static final class Names implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            List<String> names = new ArrayList<>();
            for (PackingPolicy policy : PackingPolicy.values()) {
                names.add(policy.label());
            }
            return names.iterator();
        }
    }
}
