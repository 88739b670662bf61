package io.github.netbackrx.cli;

import io.github.netbackrx.core.FrontendFeatures;
import io.github.netbackrx.core.GsoType;
import io.github.netbackrx.core.Netif;
import io.github.netbackrx.core.PackingPolicy;
import io.github.netbackrx.core.RxPacker;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The options that configure a packer beyond its policy, shared by {@code plan} and {@code
 * compare}: {@code MAX_BUFFER_OFFSET}, the frontend's negotiated features and {@code --faithful}.
 */
final class PackerOptions {

    @Spec(Spec.Target.MIXEE)
    private CommandSpec mixee;

    @Option(
            names = "--max-buffer-offset",
            paramLabel = "BYTES",
            description = "bytes per guest buffer (MAX_BUFFER_OFFSET), 1..4096, for coalesce and coalesce-compound"
                    + " only (default: 4096)")
    private Integer maxBufferOffset;

    @Option(
            names = "--gso",
            paramLabel = "TYPES",
            defaultValue = "tcpv4,tcpv6",
            description = "GSO types the frontend accepts as a GSO extra (feature-gso-tcpv4/-tcpv6): tcpv4, tcpv6,"
                    + " both separated by a comma, or none (default: ${DEFAULT-VALUE})")
    private String gso;

    @Option(
            names = "--gso-prefix",
            paramLabel = "TYPES",
            defaultValue = "none",
            description = "GSO types in the 3.x prefix mode (feature-gso-tcpvN-prefix), coalesce family only; a type"
                    + " given here leaves the default --gso; naming it in an explicit --gso too is an error (default:"
                    + " ${DEFAULT-VALUE})")
    private String gsoPrefix;

    @Option(
            names = "--no-hash",
            description = "the frontend configured no hash: full-page sends no hash extra for a packet's hash=")
    private boolean noHash;

    @Option(
            names = "--faithful",
            description = "write what the upstream code writes, without the model's two conventions: the GSO extra"
                    + " says tcpv4 under coalesce, per-frag and freebsd; freebsd's more_data test counts the extra")
    private boolean faithful;

    /** Whether {@code --max-buffer-offset} was given. */
    boolean hasMaxBufferOffset() {
        return maxBufferOffset != null;
    }

    /**
     * The features the options describe.
     *
     * @throws CommandLine.ParameterException for a bad type list or a type in both masks
     */
    FrontendFeatures features() {
        int mask = mask("--gso", gso);
        int prefix = mask("--gso-prefix", gsoPrefix);
        if ((mask & prefix) != 0) {
            // xenbus refuses a type negotiated both ways; with the default --gso, prefix types leave it
            if (isDefault()) {
                mask &= ~prefix;
            } else {
                throw new CommandLine.ParameterException(
                        mixee.commandLine(),
                        "--gso " + gso + " and --gso-prefix " + gsoPrefix
                                + " share a type: a frontend negotiates each GSO type as an extra or as a prefix,"
                                + " not both");
            }
        }
        return new FrontendFeatures(mask, prefix, !noHash);
    }

    private boolean isDefault() {
        return gso.equals("tcpv4,tcpv6");
    }

    private int mask(String option, String list) {
        if (list.equals("none")) {
            return 0;
        }
        int mask = 0;
        for (String name : list.split(",", -1)) {
            GsoType type = null;
            for (GsoType t : GsoType.values()) {
                if (t.label().equals(name)) {
                    type = t;
                }
            }
            if (type == null) {
                throw new CommandLine.ParameterException(
                        mixee.commandLine(),
                        option + " " + list + ": '" + name + "' is not a GSO type (tcpv4, tcpv6, or none alone)");
            }
            mask |= FrontendFeatures.bit(type);
        }
        return mask;
    }

    /**
     * A packer for the policy with these options.
     *
     * @throws CommandLine.ParameterException if an option does not apply to the policy or is out of range
     */
    RxPacker packer(PackingPolicy policy) {
        return packer(policy, false);
    }

    /**
     * A packer for one policy of a comparison: options a generation does not have are left out
     * rather than refused ({@code --max-buffer-offset} and {@code --gso-prefix} apply to the coalesce
     * family only; for the others the prefix types are simply not negotiated, as their xenbus never
     * read the prefix keys).
     */
    RxPacker comparisonPacker(PackingPolicy policy) {
        return packer(policy, true);
    }

    private RxPacker packer(PackingPolicy policy, boolean lenient) {
        FrontendFeatures features = features();
        if (lenient && !policy.coalesceFamily()) {
            features = features.withGsoPrefixMask(0);
        }
        RxPacker.Builder b = RxPacker.builder(policy).features(features).faithful(faithful);
        if (maxBufferOffset != null && !(lenient && !policy.coalesceFamily())) {
            int n = maxBufferOffset;
            if (n < 1 || n > Netif.PAGE_SIZE) {
                throw new CommandLine.ParameterException(
                        mixee.commandLine(), "--max-buffer-offset " + n + ": outside 1.." + Netif.PAGE_SIZE);
            }
            if (!policy.coalesceFamily()) {
                throw new CommandLine.ParameterException(
                        mixee.commandLine(),
                        "--max-buffer-offset " + n + " applies only to coalesce and coalesce-compound, not "
                                + policy.label() + " (it fills 4096-byte buffers)");
            }
            b.maxBufferOffset(n);
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(mixee.commandLine(), e.getMessage());
        }
    }
}
