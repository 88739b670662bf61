package io.github.netbackrx.sim;

import io.github.netbackrx.core.FrontendFeatures;
import io.github.netbackrx.core.GsoType;
import io.github.netbackrx.core.Skb;
import io.github.netbackrx.netback.EngineProfile;
import io.github.netbackrx.netback.EventSink;
import io.github.netbackrx.netback.Netback;
import io.github.netbackrx.netback.Vif;
import io.github.netbackrx.ring.RxRing;
import io.github.netbackrx.trace.LineError;
import io.github.netbackrx.trace.TraceFormatException;
import io.github.netbackrx.trace.TraceParser;
import io.github.netbackrx.xen.Domain;
import io.github.netbackrx.xen.EventChannel;
import io.github.netbackrx.xen.Hypervisor;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A scripted interleaving of guests posting buffers, packets offered to the backend, backend
 * actions, consumes, timers and failed copies — the scenario language of {@code
 * docs/engine-format.md} — and its replay through a {@link Netback}, which writes one line per
 * engine event to an {@link EventSink}. The same scenario replays the same way every time.
 *
 * <p>{@link #parse} checks the syntax of every line; {@link #run} then checks what depends on the
 * profile and on the state reached (a {@code post} beyond the free slots, an {@code action} without
 * a vif under a per-vif profile) and throws {@link ScenarioFormatException} for those too. A caller
 * that must print nothing for a bad scenario (the {@code run} command) runs it once without a sink
 * first.
 *
 * <p>The guests are scripted front ends, not {@link io.github.netbackrx.netfront.Netfront}: {@code
 * post} writes exactly the requests it names ({@code id = index & 255}, a fresh writable grant
 * each) and {@code consume} only advances {@code rsp_cons} and re-arms {@code rsp_event}, ending the
 * grants of the consumed buffers. The backend runs faithfully ({@link
 * Netback.Builder#faithful(boolean)}): what its log shows is what the modelled driver writes.
 */
public final class Scenario {
    /** How a run ended. */
    public enum Outcome {
        /** Every line ran. */
        OK,
        /** The modelled driver would have hit a {@code BUG()}/{@code BUG_ON}; the last line of the log says which. */
        BUG
    }

    /** Default start of every free-running index: 0xFFFFFF00, so a scenario of a few hundred slots wraps. */
    public static final int DEFAULT_START = 0xFFFFFF00;

    /** Most vifs a scenario may have. */
    public static final int MAX_NETIFS = 64;

    /**
     * Longest line a scenario may have, in characters. A longer line (or input without line ends,
     * such as {@code /dev/zero}) is an error that ends the reading, so memory stays bounded.
     */
    public static final int MAX_LINE_LENGTH = 4096;

    /**
     * Most command lines a scenario may hold. A scenario is held in memory (it is replayed more than
     * once), so its length is bounded; a longer one is refused at the first line beyond the bound.
     * Long traffic belongs in {@code simulate}, which streams.
     */
    public static final int MAX_COMMANDS = 100_000;

    /** Most bad lines reported; reading stops at the next one. */
    public static final int MAX_ERRORS = 100;

    /** The scripted front ends' ring slots. */
    private static final int SLOTS = RxRing.SIZE;

    private final List<Command> commands;
    private final int netifs;
    private final int start;

    private Scenario(List<Command> commands, int netifs, int start) {
        this.commands = commands;
        this.netifs = netifs;
        this.start = start;
    }

    /** @return the number of vifs ({@code netifs N}) */
    public int netifs() {
        return netifs;
    }

    /** @return the number of command lines (the first {@code netifs} line included) */
    public int size() {
        return commands.size();
    }

    // ---- parsing -------------------------------------------------------------------------------

    /** A ring: vif {@code v}, queue {@code k}. */
    private record Ring(int v, int k) {}

    private sealed interface Command
            permits Groups, Queues, Irq, Features, CanQueue, Mtu, Post, Consume, Xmit, Action, Timeout, Fail {
        int line();

        default boolean setting() {
            return false;
        }
    }

    private record Groups(int line, int groups) implements Command {
        @Override
        public boolean setting() {
            return true;
        }
    }

    private record Queues(int line, int v, int queues) implements Command {
        @Override
        public boolean setting() {
            return true;
        }
    }

    private record Irq(int line, int v, int irq) implements Command {
        @Override
        public boolean setting() {
            return true;
        }
    }

    private record Features(int line, int v, List<String> features) implements Command {
        @Override
        public boolean setting() {
            return true;
        }
    }

    private record CanQueue(int line, int v, boolean on) implements Command {
        @Override
        public boolean setting() {
            return true;
        }
    }

    private record Mtu(int line, int v, int mtu) implements Command {
        @Override
        public boolean setting() {
            return true;
        }
    }

    private record Post(int line, Ring ring, int count) implements Command {}

    private record Consume(int line, Ring ring) implements Command {}

    private record Xmit(int line, int v, Skb skb) implements Command {}

    /** {@code action} ({@code target == null}) or {@code action V[/K]} ({@code target}). */
    private record Action(int line, Ring target) implements Command {}

    private record Timeout(int line, int v) implements Command {}

    private record Fail(int line, int op) implements Command {}

    /**
     * Reads a scenario and checks every line's syntax.
     *
     * @param in the scenario text
     * @return the scenario
     * @throws IOException if reading fails
     * @throws ScenarioFormatException listing every bad line, with the rule it breaks
     */
    public static Scenario parse(Reader in) throws IOException, ScenarioFormatException {
        BufferedReader r = in instanceof BufferedReader b ? b : new BufferedReader(in);
        List<LineError> errors = new ArrayList<>();
        List<Command> commands = new ArrayList<>();
        int netifs = 0;
        int start = DEFAULT_START;
        boolean first = true;
        int lineNo = 0;
        StringBuilder buffer = new StringBuilder(128);
        for (String line = boundedLine(r, buffer); line != null; line = boundedLine(r, buffer)) {
            lineNo++;
            if (line == TOO_LONG) {
                errors.add(new LineError(
                        lineNo,
                        "line longer than " + MAX_LINE_LENGTH + " characters (a scenario line is at most a few"
                                + " hundred); reading stops here"));
                break;
            }
            if (errors.size() == MAX_ERRORS) {
                errors.add(new LineError(lineNo, MAX_ERRORS + " bad lines reported; reading stops here"));
                break;
            }
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            String[] w = t.split("[ \t]+");
            try {
                if (first) {
                    first = false;
                    if (!w[0].equals("netifs")) {
                        throw new Bad("the first line must be 'netifs N [start=X]', found '" + w[0] + "'");
                    }
                    if (w.length < 2 || w.length > 3) {
                        throw new Bad("expected 'netifs N [start=X]'");
                    }
                    netifs = number(w[1], "N", 1, MAX_NETIFS);
                    if (w.length == 3) {
                        if (!w[2].startsWith("start=")) {
                            throw new Bad("expected start=X, found '" + w[2] + "'");
                        }
                        start = index(w[2].substring("start=".length()));
                    }
                    continue;
                }
                if (commands.size() == MAX_COMMANDS) {
                    errors.add(new LineError(
                            lineNo,
                            "more than " + MAX_COMMANDS + " command lines (the most a scenario may hold; long"
                                    + " traffic belongs in simulate); reading stops here"));
                    break;
                }
                commands.add(command(lineNo, w, t, netifs));
            } catch (Bad e) {
                errors.add(new LineError(lineNo, e.getMessage()));
            }
        }
        if (first && errors.isEmpty()) {
            errors.add(
                    new LineError(Math.max(1, lineNo), "empty scenario: the first line must be 'netifs N [start=X]'"));
        }
        if (!errors.isEmpty()) {
            throw new ScenarioFormatException(errors);
        }
        return new Scenario(List.copyOf(commands), netifs, start);
    }

    private static Command command(int line, String[] w, String text, int netifs) throws Bad {
        return switch (w[0]) {
            case "groups" -> new Groups(line, number(arg(w, 1, 2, "groups G"), "G", 1, MAX_NETIFS));
            case "queues" -> {
                arity(w, 3, "queues V Q");
                yield new Queues(line, vif(w[1], netifs), number(w[2], "Q", 1, MAX_NETIFS));
            }
            case "irq" -> {
                arity(w, 3, "irq V I");
                yield new Irq(line, vif(w[1], netifs), number(w[2], "I", 0, 1023));
            }
            case "features" -> {
                arity(w, 3, "features V LIST");
                yield new Features(line, vif(w[1], netifs), w[2].equals("none") ? List.of() : List.of(w[2].split(",")));
            }
            case "can_queue" -> {
                arity(w, 3, "can_queue V 0|1");
                yield new CanQueue(line, vif(w[1], netifs), number(w[2], "the flag", 0, 1) == 1);
            }
            case "mtu" -> {
                arity(w, 3, "mtu V N");
                yield new Mtu(line, vif(w[1], netifs), number(w[2], "N", 68, 65535));
            }
            case "post" -> {
                arity(w, 3, "post V COUNT");
                yield new Post(line, ring(w[1], netifs), number(w[2], "COUNT", 1, SLOTS));
            }
            case "consume" -> {
                arity(w, 2, "consume V");
                yield new Consume(line, ring(w[1], netifs));
            }
            case "xmit" -> {
                if (w.length < 3) {
                    throw new Bad("expected 'xmit V PACKET'");
                }
                int v = vif(w[1], netifs);
                String packet = text.substring(text.indexOf(w[1], "xmit".length()) + w[1].length())
                        .strip();
                try {
                    yield new Xmit(line, v, TraceParser.parsePacket(packet));
                } catch (TraceFormatException e) {
                    throw new Bad(e.errors().get(0).reason());
                }
            }
            case "action" -> {
                if (w.length > 2) {
                    throw new Bad("expected 'action' or 'action V'");
                }
                yield new Action(line, w.length == 2 ? ring(w[1], MAX_NETIFS) : null);
            }
            case "timeout" -> {
                arity(w, 2, "timeout V");
                yield new Timeout(line, vif(w[1], netifs));
            }
            case "fail" -> {
                arity(w, 2, "fail K");
                yield new Fail(line, number(w[1], "K", 0, 65535));
            }
            default ->
                throw new Bad("unknown command '" + w[0] + "' (expected post, consume, xmit, action, timeout, fail,"
                        + " irq, features, can_queue, mtu, groups or queues)");
        };
    }

    private static String arg(String[] w, int i, int n, String form) throws Bad {
        arity(w, n, form);
        return w[i];
    }

    private static void arity(String[] w, int n, String form) throws Bad {
        if (w.length != n) {
            throw new Bad("expected '" + form + "'");
        }
    }

    private static int vif(String s, int netifs) throws Bad {
        return number(s, "V", 0, netifs - 1);
    }

    private static Ring ring(String s, int netifs) throws Bad {
        int slash = s.indexOf('/');
        if (slash < 0) {
            return new Ring(number(s, "V", 0, netifs - 1), 0);
        }
        return new Ring(number(s.substring(0, slash), "V", 0, netifs - 1), number(s.substring(slash + 1), "K", 0, 63));
    }

    private static int number(String s, String what, int min, int max) throws Bad {
        if (s.isEmpty() || !s.chars().allMatch(c -> c >= '0' && c <= '9') || s.length() > 9) {
            throw new Bad(what + " '" + s + "' is not a decimal number in " + min + ".." + max);
        }
        int n = Integer.parseInt(s);
        if (n < min || n > max) {
            throw new Bad(what + " " + n + " is outside " + min + ".." + max);
        }
        return n;
    }

    /** A 32-bit index: {@code 0x} hex or decimal, 0 .. 0xFFFFFFFF. */
    private static int index(String s) throws Bad {
        String lower = s.toLowerCase(Locale.ROOT);
        boolean hex = lower.startsWith("0x");
        String digits = hex ? lower.substring(2) : lower;
        int radix = hex ? 16 : 10;
        if (digits.isEmpty() || digits.length() > 10 || !digits.chars().allMatch(c -> Character.digit(c, radix) >= 0)) {
            throw new Bad("start=" + s + ": X must be a number, hex (0x...) or decimal");
        }
        long v = Long.parseLong(digits, radix);
        if (v > 0xFFFFFFFFL) {
            throw new Bad("start=" + s + ": X is larger than 0xffffffff");
        }
        return (int) v;
    }

    /** A bad line, turned into a {@link LineError}. */
    /** What {@link #boundedLine} returns for a line longer than {@link #MAX_LINE_LENGTH}. */
    private static final String TOO_LONG = new String("(too long)");

    /**
     * The next line of {@code r} without its end ({@code \n}, {@code \r\n} or {@code \r}), null at
     * the end of the input, or {@link #TOO_LONG} once a line exceeds {@link #MAX_LINE_LENGTH}
     * characters (never more than that many are held).
     */
    private static String boundedLine(BufferedReader r, StringBuilder buffer) throws IOException {
        buffer.setLength(0);
        int c = r.read();
        if (c < 0) {
            return null;
        }
        while (c >= 0 && c != '\n' && c != '\r') {
            if (buffer.length() == MAX_LINE_LENGTH) {
                return TOO_LONG;
            }
            buffer.append((char) c);
            c = r.read();
        }
        if (c == '\r') {
            r.mark(1);
            if (r.read() != '\n') {
                r.reset();
            }
        }
        return buffer.toString();
    }

    private static final class Bad extends Exception {
        private static final long serialVersionUID = 1L;

        Bad(String message) {
            super(message, null, false, false);
        }
    }

    // ---- running -------------------------------------------------------------------------------

    /**
     * Replays the scenario under a profile, logging every event to {@code sink}.
     *
     * @param profile the engine generation
     * @param sink where the log goes, or {@code null} to check the scenario without logging
     * @return {@link Outcome#BUG} when the modelled driver would have hit a {@code BUG()} (the log's
     *     last line is then {@code bug ...}), else {@link Outcome#OK}
     * @throws ScenarioFormatException for a line the profile or the state reached refuses
     */
    public Outcome run(EngineProfile profile, EventSink sink) throws ScenarioFormatException {
        return new Run(profile, sink).play();
    }

    /** One replay: the host, the vifs (built at the first non-setting line) and the scripted front ends. */
    private final class Run {
        private final EngineProfile profile;
        private final BugStop sink;
        private final Hypervisor hv = new Hypervisor();
        private final Domain backend = hv.createDomain(0);
        private int groups = 1;
        private final int[] queues = new int[netifs];
        private final int[] irqs = new int[netifs];
        private final List<List<String>> features = new ArrayList<>();
        private final boolean[] canQueue = new boolean[netifs];
        private final int[] mtu = new int[netifs];
        private Netback netback;
        private Vif[] vifs;
        private Front[][] fronts;
        private long packets;

        Run(EngineProfile profile, EventSink sink) {
            this.profile = profile;
            this.sink = new BugStop(sink);
            for (int v = 0; v < netifs; v++) {
                queues[v] = 1;
                irqs[v] = v;
                canQueue[v] = true;
                mtu[v] = 1500;
                features.add(List.of("sg", "tso"));
            }
        }

        Outcome play() throws ScenarioFormatException {
            for (Command c : commands) {
                try {
                    if (c.setting()) {
                        if (netback != null) {
                            throw new Bad(
                                    "settings (groups, queues, irq, features, can_queue, mtu) must come before the"
                                            + " first post, consume, xmit, action, timeout or fail line");
                        }
                        setting(c);
                    } else {
                        if (netback == null) {
                            build(c.line());
                        }
                        execute(c);
                    }
                } catch (Bad e) {
                    throw new ScenarioFormatException(List.of(new LineError(c.line(), e.getMessage())));
                }
                if (sink.bug) {
                    return Outcome.BUG;
                }
            }
            return Outcome.OK;
        }

        private void setting(Command c) throws Bad {
            if (c instanceof Groups g) {
                if (profile != EngineProfile.LINUX_2010) {
                    throw new Bad("groups: only the 2010 profile has groups (" + profile.label()
                            + " runs one context per vif" + (profile.multiQueue() ? " queue" : "") + ")");
                }
                groups = g.groups();
            } else if (c instanceof Queues q) {
                if (q.queues() > 1 && !profile.multiQueue()) {
                    throw new Bad("queues: profile " + profile.label()
                            + " has one ring per vif (multi-queue came with rx.c)");
                }
                queues[q.v()] = q.queues();
            } else if (c instanceof Irq i) {
                irqs[i.v()] = i.irq();
            } else if (c instanceof Features f) {
                int gso = 0;
                int prefix = 0;
                for (String name : f.features()) {
                    int[] bits = featureBits(name);
                    gso |= bits[0];
                    prefix |= bits[1];
                }
                if ((gso & prefix) != 0) {
                    throw new Bad("features: a GSO type is negotiated either as an extra (tso, tso6) or as a"
                            + " prefix (prefix, prefix6), not both");
                }
                features.set(f.v(), f.features());
            } else if (c instanceof CanQueue q) {
                canQueue[q.v()] = q.on();
            } else if (c instanceof Mtu m) {
                mtu[m.v()] = m.mtu();
            }
        }

        /** The {@code gso_mask} ({@code [0]}) and {@code gso_prefix_mask} ({@code [1]}) bits of one feature name. */
        private int[] featureBits(String name) throws Bad {
            boolean later = profile != EngineProfile.LINUX_2010;
            boolean prefixOk = profile == EngineProfile.LINUX_3_13 || profile == EngineProfile.LINUX_3_14;
            return switch (name) {
                case "sg" -> new int[] {0, 0};
                case "tso" -> new int[] {FrontendFeatures.bit(GsoType.TCPV4), 0};
                case "tso6" -> {
                    if (!later) {
                        throw new Bad("features: tso6 is not a 2010 feature (valid: none, sg, tso)");
                    }
                    yield new int[] {FrontendFeatures.bit(GsoType.TCPV6), 0};
                }
                case "prefix", "prefix6" -> {
                    if (!prefixOk) {
                        throw new Bad("features: " + name + " (the GSO prefix mode) exists only under 3.13 and 3.14");
                    }
                    yield new int[] {0, FrontendFeatures.bit(name.equals("prefix") ? GsoType.TCPV4 : GsoType.TCPV6)};
                }
                default ->
                    throw new Bad("features: unknown feature '" + name + "' (valid: none or a comma list of sg, tso"
                            + (later ? ", tso6" : "") + (prefixOk ? ", prefix, prefix6" : "") + ")");
            };
        }

        private void build(int line) throws Bad {
            Netback.Builder nb =
                    Netback.builder(hv, backend).profile(profile).faithful(true).maxQueues(Math.max(1, maxOf(queues)));
            if (profile == EngineProfile.LINUX_2010) {
                nb.groups(groups);
            }
            if (sink.out != null) {
                nb.events(sink);
            }
            netback = nb.build();
            Domain peer = hv.createDomain(netifs + 1);
            vifs = new Vif[netifs];
            fronts = new Front[netifs][];
            for (int v = 0; v < netifs; v++) {
                Domain guest = hv.createDomain(v + 1);
                fronts[v] = new Front[queues[v]];
                Vif.Builder b = null;
                for (int k = 0; k < queues[v]; k++) {
                    RxRing ring = RxRing.startingAt(start);
                    EventChannel ch = hv.bindInterdomain(backend, guest);
                    fronts[v][k] = new Front(guest, ring.attachFront(start), ch);
                    if (k == 0) {
                        b = netback.vif(v + 1, ring.attachBack(start), ch.first());
                    } else {
                        b.queue(ring.attachBack(start), ch.first());
                    }
                    b.irq(k, k == 0 ? irqs[v] : netifs * k + v);
                }
                int gso = 0;
                int prefix = 0;
                boolean sg = false;
                for (String name : features.get(v)) {
                    int[] bits = featureBits(name);
                    gso |= bits[0];
                    prefix |= bits[1];
                    sg |= name.equals("sg");
                }
                if (profile == EngineProfile.LINUX_2010) {
                    // netbk_max_required_rx_slots looks at NETIF_F_SG | NETIF_F_TSO; the 2010 driver writes
                    // a GSO extra for any gso_size whatever the front end negotiated
                    b.scatterGather(sg || gso != 0);
                } else {
                    b.scatterGather(sg || gso != 0 || prefix != 0)
                            .features(FrontendFeatures.DEFAULT.withGsoMask(gso).withGsoPrefixMask(prefix));
                }
                vifs[v] = b.peer(peer).canQueue(canQueue[v]).mtu(mtu[v]).build();
            }
        }

        private void execute(Command c) throws Bad {
            if (c instanceof Post p) {
                post(p);
            } else if (c instanceof Consume r) {
                consume(r.ring());
            } else if (c instanceof Xmit x) {
                Skb skb = x.skb();
                byte[] data = new byte[skb.length()];
                for (int i = 0; i < data.length; i++) {
                    data[i] = (byte) (packets * 31 + i);
                }
                vifs[x.v()].startXmit(skb, data, packets++);
            } else if (c instanceof Action a) {
                action(a);
            } else if (c instanceof Timeout t) {
                vifs[t.v()].timeout();
            } else if (c instanceof Fail f) {
                netback.failNextCopyOp(f.op());
            }
        }

        private Front front(Ring r) throws Bad {
            if (r.k() >= queues[r.v()]) {
                throw new Bad("vif " + r.v() + " has no queue " + r.k() + " (it has " + queues[r.v()] + ")");
            }
            return fronts[r.v()][r.k()];
        }

        private String label(Ring r) {
            return queues[r.v()] == 1 ? Integer.toString(r.v()) : r.v() + "/" + r.k();
        }

        private void post(Post p) throws Bad {
            Front f = front(p.ring());
            int outstanding = f.ring.reqProdPvt() - f.ring.rspCons();
            if (p.count() > SLOTS - outstanding) {
                throw new Bad("post " + label(p.ring()) + " " + p.count() + ": only " + (SLOTS - outstanding)
                        + " slots are free (" + outstanding + " requests outstanding of " + SLOTS + ")");
            }
            for (int i = 0; i < p.count(); i++) {
                f.postOne();
            }
            boolean kick = f.ring.pushRequestsAndCheckNotify();
            sink.event("post " + label(p.ring()) + " count=" + p.count() + " req_prod=" + hex(f.ring.reqProdPvt())
                    + " kick=" + (kick ? 1 : 0));
            if (kick) {
                f.channel.second().send();
                if (f.channel.first().takePending()) {
                    vifs[p.ring().v()].frontendEvent(p.ring().k());
                }
            }
        }

        private void consume(Ring r) throws Bad {
            Front f = front(r);
            f.consumeAll();
            sink.event("consume " + label(r) + " rsp_cons=" + hex(f.ring.rspCons()) + " rsp_event="
                    + hex(f.ring.ring().rspEvent()));
        }

        private void action(Action a) throws Bad {
            Ring t = a.target();
            if (profile == EngineProfile.LINUX_2010) {
                int g = 0;
                if (t != null) {
                    if (t.k() != 0 || t.v() >= groups) {
                        throw new Bad("action G: under 2010 the number names a group, 0.." + (groups - 1));
                    }
                    g = t.v();
                }
                netback.runAction(g);
                return;
            }
            if (t == null) {
                if (netifs != 1 || queues[0] != 1) {
                    throw new Bad("action needs a vif under profile " + profile.label() + " (action V"
                            + (profile.multiQueue() ? " or action V/K" : "") + "): each vif has its own thread");
                }
                t = new Ring(0, 0);
            }
            if (t.v() >= netifs) {
                throw new Bad("V " + t.v() + " is outside 0.." + (netifs - 1));
            }
            front(t);
            netback.runAction(vifs[t.v()].context(t.k()));
        }

        private static int maxOf(int[] a) {
            int m = 0;
            for (int x : a) {
                m = Math.max(m, x);
            }
            return m;
        }
    }

    static String hex(int index) {
        String h = Integer.toHexString(index);
        return "00000000".substring(h.length()) + h;
    }

    /** Forwards lines until a {@code bug} line, which is the last one forwarded. */
    private static final class BugStop implements EventSink {
        private final EventSink out;
        private boolean bug;

        BugStop(EventSink out) {
            this.out = out;
        }

        @Override
        public void event(String line) {
            if (bug) {
                return;
            }
            if (out != null) {
                out.event(line);
            }
            bug = line.startsWith("bug ");
        }
    }

    /** A scripted front end of one ring: posts exactly what it is told, consumes everything published. */
    private static final class Front {
        private final Domain guest;
        private final RxRing.FrontRing ring;
        private final EventChannel channel;
        private final long[] frame = new long[SLOTS];
        private final int[] gref = new int[SLOTS];
        private final boolean[] posted = new boolean[SLOTS];

        Front(Domain guest, RxRing.FrontRing ring, EventChannel channel) {
            this.guest = guest;
            this.ring = ring;
            this.channel = channel;
        }

        void postOne() {
            int slot = ring.reqProdPvt() & (SLOTS - 1);
            frame[slot] = guest.allocateFrame();
            gref[slot] = guest.grantTable().grantAccess(0, frame[slot], false);
            posted[slot] = true;
            ring.postRequest(slot, gref[slot]);
        }

        void consumeAll() {
            int to = ring.ring().rspProd();
            for (int i = ring.rspCons(); i != to; i++) {
                int slot = i & (SLOTS - 1);
                if (posted[slot]) {
                    guest.grantTable().endAccess(gref[slot]);
                    guest.freeFrame(frame[slot]);
                    posted[slot] = false;
                }
            }
            ring.setRspCons(to);
            ring.finalCheckForResponses();
        }
    }
}
