package io.github.netbackrx.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Test helper: renders plans in the canonical plan format and reads the golden trace. */
final class PlanText {
    private PlanText() {}

    static String render(int index, RxPlan plan) {
        StringBuilder sb = new StringBuilder();
        sb.append("packet ")
                .append(index)
                .append(" len=")
                .append(plan.packetLength())
                .append(" estimate=")
                .append(plan.estimate())
                .append(" slots=")
                .append(plan.slotCount())
                .append('\n');
        for (CopyOp op : plan.ops()) {
            sb.append("copy ")
                    .append(op.sourceName())
                    .append(' ')
                    .append(op.sourceOffset())
                    .append(' ')
                    .append(op.slot())
                    .append(' ')
                    .append(op.destOffset())
                    .append(' ')
                    .append(op.length())
                    .append('\n');
        }
        for (SlotResponse r : plan.slots()) {
            if (r instanceof DataResponse d) {
                sb.append((d.flags() & Netif.RXF_GSO_PREFIX) != 0 ? "prefix " : "rsp ")
                        .append(d.slot())
                        .append(' ')
                        .append(d.offset())
                        .append(' ')
                        .append(d.status())
                        .append(' ')
                        .append(Netif.rxFlagNames(d.flags()))
                        .append('\n');
            } else {
                ExtraResponse e = (ExtraResponse) r;
                if (e.type() == Netif.EXTRA_TYPE_HASH) {
                    sb.append("extra ")
                            .append(e.slot())
                            .append(" hash ")
                            .append(Integer.toUnsignedLong(e.hashValue()))
                            .append(' ')
                            .append(e.hashType().label())
                            .append('\n');
                    continue;
                }
                sb.append("extra ")
                        .append(e.slot())
                        .append(" gso ")
                        .append(e.gsoSize())
                        .append(' ')
                        .append(e.gsoType().label())
                        .append('\n');
            }
        }
        return sb.toString();
    }

    /** A minimal reader of well-formed trace lines (the real parser is the trace package's). */
    static Skb parseLine(String line) {
        Skb.Builder b = Skb.builder();
        for (String tok : line.trim().split("[ \t]+")) {
            int eq = tok.indexOf('=');
            String key = tok.substring(0, eq);
            String val = tok.substring(eq + 1);
            switch (key) {
                case "head" -> b.head(num(val, 0), num(val, 1));
                case "frag" -> b.frag(num(val, 0), num(val, 1));
                case "gso" -> {
                    String[] p = val.split("/");
                    b.gso(Integer.parseInt(p[0]), p.length > 1 && p[1].equals("tcpv6") ? GsoType.TCPV6 : GsoType.TCPV4);
                }
                case "hash" -> {
                    String[] p = val.split("/");
                    b.hash((int) Long.parseLong(p[0]), HashType.fromLabel(p[1]));
                }
                case "csum" ->
                    b.checksum(
                            switch (val) {
                                case "partial" -> ChecksumState.PARTIAL;
                                case "unnecessary" -> ChecksumState.UNNECESSARY;
                                default -> ChecksumState.NONE;
                            });
                default -> throw new IllegalArgumentException(tok);
            }
        }
        return b.build();
    }

    private static int num(String offPlusLen, int i) {
        return Integer.parseInt(offPlusLen.split("\\+")[i]);
    }

    static List<Skb> readTrace(String resource) {
        List<Skb> out = new ArrayList<>();
        for (String line : resource(resource).split("\n")) {
            String t = line.trim();
            if (!t.isEmpty() && !t.startsWith("#")) {
                out.add(parseLine(t));
            }
        }
        return out;
    }

    static String resource(String name) {
        try (InputStream in = PlanText.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
