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

    /**
     * A policy label, or {@code all} for every policy in declaration order.
     *
     * @throws IllegalArgumentException for an unknown name, listing the valid ones
     */
    static List<PackingPolicy> parseOrAll(String value) {
        if (value.equals("all")) {
            return List.of(PackingPolicy.values());
        }
        try {
            return List.of(PackingPolicy.fromLabel(value));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage().replace("(valid: ", "(valid: all, "), e);
        }
    }

    /** The policies' labels and {@code all}, for the help text. */
    static final class NamesAndAll implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            List<String> names = new ArrayList<>();
            new Names().forEach(names::add);
            names.add("all");
            return names.iterator();
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
