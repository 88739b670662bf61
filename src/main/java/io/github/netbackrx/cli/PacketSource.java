package io.github.netbackrx.cli;

import io.github.netbackrx.core.InvalidPacketException;
import io.github.netbackrx.core.Skb;
import io.github.netbackrx.trace.CaptureFormatException;
import io.github.netbackrx.trace.CaptureLayout;
import io.github.netbackrx.trace.CaptureReader;
import io.github.netbackrx.trace.CapturedFrame;
import io.github.netbackrx.trace.LineError;
import io.github.netbackrx.trace.ParsedTrace;
import io.github.netbackrx.trace.TracePacket;
import io.github.netbackrx.trace.TraceReader;
import io.github.netbackrx.trace.Workload;
import io.github.netbackrx.trace.WorkloadMix;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Where the packets of {@code plan}, {@code compare} and {@code simulate} come from, the same way
 * for all three: a trace file ({@code FILE}, {@code -} for standard input), a built-in workload
 * ({@code --workload NAME}) or a packet capture ({@code --capture FILE}, {@code -} for standard
 * input); {@code --packets} and {@code --seed} size and seed it. Reading errors are reported here,
 * in one format, and so is an input without a packet.
 *
 * <p>A source is read as a stream, one packet at a time, so memory stays bounded whatever its
 * size: {@link #open} gives an {@link Input} that can be read more than once — a first pass that
 * checks everything before anything is printed, a second that prints. A file is simply read again;
 * a workload is generated again from its seed; standard input, which can be read only once, is
 * copied to a temporary file during the first pass and read back from there (deleted on {@link
 * Input#close()}).
 */
final class PacketSource {
    /** Head bytes of a captured frame unless {@code --capture-head} says otherwise. */
    static final String DEFAULT_CAPTURE_HEAD = "128";

    /** Packets of a workload for {@code plan} and {@code compare} without {@code --packets}. */
    static final int DEFAULT_WORKLOAD_PACKETS = 10;

    /** Bad lines (or frames) reported before the first pass gives up on an input. */
    static final int MAX_REPORTED = 100;

    @Spec(Spec.Target.MIXEE)
    private CommandSpec mixee;

    @Parameters(
            index = "0",
            arity = "0..1",
            paramLabel = "FILE",
            description = "the trace file, or - for standard input (docs/plan-format.md)")
    private String file;

    @Option(
            names = "--workload",
            paramLabel = "NAME",
            completionCandidates = WorkloadNames.class,
            description = "instead of FILE, packets of a built-in seeded workload: ${COMPLETION-CANDIDATES}"
                    + " (docs/workloads.md)")
    private String workload;

    @Option(
            names = "--capture",
            paramLabel = "PCAP",
            description = "instead of FILE, the frames of a pcap or pcapng capture (Ethernet), each frame's own"
                    + " bytes its payload; - reads standard input")
    private String capture;

    @Option(
            names = "--capture-head",
            paramLabel = "BYTES",
            defaultValue = DEFAULT_CAPTURE_HEAD,
            description = "with --capture: bytes of each frame in the linear head, or 'headers' for exactly its"
                    + " Ethernet, IP and TCP/UDP headers; the rest goes in 4096-byte page fragments, and a frame"
                    + " longer than 1514 bytes gets GSO (default: ${DEFAULT-VALUE})")
    private String captureHead;

    @Option(
            names = "--packets",
            paramLabel = "N",
            description = "packets to take: a workload generates N (default: 10, for simulate 10000); a trace or"
                    + " capture is cut at N (default: all of it), and simulate repeats it to reach N")
    private Integer packets;

    @Option(
            names = "--seed",
            paramLabel = "S",
            defaultValue = "1",
            description =
                    "seed of the workload, and for simulate of a trace's packet bytes (default:" + " ${DEFAULT-VALUE})")
    private long seed;

    /**
     * The packets read whole, the words naming them, and (for a capture) the frames' bytes and
     * timestamps in nanoseconds (null otherwise).
     */
    record Loaded(
            String description,
            String unit,
            int firstNumber,
            ParsedTrace trace,
            List<byte[]> payloads,
            long[] timestamps) {
        /**
         * Reports errors on standard error as {@code UNIT N: reason} in the source's own numbering
         * ({@code line N} of a trace, {@code frame N} of a capture, {@code packet I} of a workload).
         *
         * @return {@link ExitStatus#BAD_INPUT}
         */
        int report(PrintWriter err, List<LineError> errors) {
            for (LineError e : errors) {
                err.print(where(unit, firstNumber, e.lineNumber()) + ": " + e.reason() + "\n");
            }
            err.flush();
            return ExitStatus.BAD_INPUT;
        }

        /** The packets' layouts, in order. */
        List<Skb> skbs() {
            List<Skb> list = new ArrayList<>(trace.packets().size());
            for (TracePacket p : trace.packets()) {
                list.add(p.skb());
            }
            return list;
        }
    }

    private static String where(String unit, int firstNumber, int number) {
        return unit + " " + (number - 1 + firstNumber);
    }

    /** Whether {@code --workload} was given. */
    boolean isWorkload() {
        return workload != null;
    }

    /** Whether no source at all was given. */
    boolean isEmpty() {
        return file == null && workload == null && capture == null;
    }

    /** {@code --packets}, or null. */
    Integer packets() {
        return packets;
    }

    /** {@code --seed}. */
    long seed() {
        return seed;
    }

    /**
     * Checks the options: at most one source, {@code --packets} at least 1, a known workload.
     *
     * @param required whether a source must be given
     * @throws CommandLine.ParameterException for bad usage
     */
    void validate(boolean required) {
        int sources = (file != null ? 1 : 0) + (workload != null ? 1 : 0) + (capture != null ? 1 : 0);
        if (sources > 1) {
            throw usage("give one packet source: FILE, --workload NAME or --capture PCAP, not " + sources);
        }
        if (required && sources == 0) {
            throw usage("Missing required parameter: 'FILE' (or --workload NAME, or --capture PCAP)");
        }
        if (packets != null && packets < 1) {
            throw usage("--packets must be at least 1, got " + packets);
        }
        if (workload != null) {
            try {
                WorkloadMix.fromLabel(workload);
            } catch (IllegalArgumentException e) {
                throw usage("Invalid value for option '--workload': " + e.getMessage());
            }
        }
        if (capture == null && !captureHead.equals(DEFAULT_CAPTURE_HEAD)) {
            throw usage("--capture-head applies only with --capture");
        }
        captureLayout();
    }

    /** The workload named by {@code --workload}, at its first packet. */
    Workload workload() {
        return Workload.named(workload, seed);
    }

    /** How captured frames become packets. */
    CaptureLayout captureLayout() {
        CaptureLayout.Builder b = CaptureLayout.builder();
        if (captureHead.equals("headers")) {
            return b.parsedHeaders().build();
        }
        try {
            return b.headerBytes(Integer.parseInt(captureHead)).build();
        } catch (NumberFormatException e) {
            throw usage("--capture-head " + captureHead + ": neither 'headers' nor a number of bytes");
        } catch (IllegalArgumentException e) {
            throw usage("--capture-head " + captureHead + ": not a head that fits its page at offset 64 ("
                    + e.getMessage() + ")");
        }
    }

    // ---- streaming ------------------------------------------------------------------------------

    /** One pass over the packets of a source, in order: a packet or a bad item per {@link #next()}. */
    interface Pass extends AutoCloseable {
        /**
         * Reads the next item.
         *
         * @return false at the end (or when the source stopped at an item it cannot read past)
         */
        boolean next() throws IOException;

        /** @return the packet just read, or null when the item was bad */
        TracePacket packet();

        /** @return the error of the bad item just read, or null */
        LineError error();

        /** @return the bytes of the packet just read, when the source has its own (a capture), else null */
        default byte[] payload() {
            return null;
        }

        /** @return the capture time of the frame just read in nanoseconds (a capture), else -1 */
        default long timestamp() {
            return -1;
        }

        /** @return whether the packet just read is a frame cut by the capture's snapshot length */
        default boolean cut() {
            return false;
        }

        @Override
        void close() throws IOException;
    }

    /**
     * The packets of a source, to be read in one or more passes, each giving the same packets in the
     * same order.
     */
    final class Input implements AutoCloseable {
        private final String description;
        private final String unit;
        private final int firstNumber;
        private final int limit;
        private Path spool;
        private int passes;

        private Input(String description, String unit, int firstNumber, int limit) {
            this.description = description;
            this.unit = unit;
            this.firstNumber = firstNumber;
            this.limit = limit;
        }

        /** @return e.g. {@code trace 'x.trace'}, {@code workload mtu (seed 1)} */
        String description() {
            return description;
        }

        /** Where an item is, in the source's own numbering: {@code line N}, {@code frame N}, {@code packet I}. */
        String where(int number) {
            return PacketSource.where(unit, firstNumber, number);
        }

        /**
         * A new pass from the first packet; at most {@code --packets} packets (bad items not
         * counted).
         *
         * @throws IOException if the source cannot be opened
         */
        Pass pass() throws IOException {
            Pass raw = openPass(passes++ == 0);
            return new Limited(raw, limit);
        }

        private Pass openPass(boolean first) throws IOException {
            if (workload != null) {
                return new WorkloadPass(workload(), limit);
            }
            String name = capture != null ? capture : file;
            InputStream in;
            if (!name.equals("-")) {
                in = Files.newInputStream(Path.of(name));
            } else if (first) {
                spool = Files.createTempFile("netback-rx-stdin", ".spool");
                spool.toFile().deleteOnExit();
                in = new Tee(stdin, new BufferedOutputStream(Files.newOutputStream(spool), 1 << 16));
            } else {
                in = Files.newInputStream(spool);
            }
            in = new BufferedInputStream(in, 1 << 16);
            return capture != null ? new CapturePass(in, captureLayout()) : new TracePass(in);
        }

        /** Deletes the copy of standard input, if there is one. */
        @Override
        public void close() {
            if (spool != null) {
                try {
                    Files.deleteIfExists(spool);
                } catch (IOException e) {
                    // a temporary file left behind is no reason to fail the command
                }
                spool = null;
            }
        }

        /**
         * The first pass: reads the whole input and reports on {@code err}, in order, each bad item
         * and each packet {@code refusal} refuses ({@code UNIT N: reason}); gives up after {@value
         * #MAX_REPORTED} of them. An input without a single packet is reported too, and so are
         * captured frames that were cut short (a warning only).
         *
         * @param refusal the reason a packet cannot be taken, or null when it can
         * @return whether the input is good: no bad item, no refused packet, at least one packet
         */
        boolean check(PrintWriter err, Function<TracePacket, String> refusal) throws IOException {
            int reported = 0;
            long good = 0;
            long cut = 0;
            try (Pass pass = pass()) {
                while (pass.next()) {
                    TracePacket p = pass.packet();
                    String reason = p == null ? pass.error().reason() : refusal.apply(p);
                    int number = p == null ? pass.error().lineNumber() : p.lineNumber();
                    if (reason == null) {
                        good++;
                        cut += pass.cut() ? 1 : 0;
                        continue;
                    }
                    err.print(where(number) + ": " + reason + "\n");
                    if (++reported == MAX_REPORTED) {
                        err.print(mixee.qualifiedName() + ": stopped reading the " + description + " after "
                                + MAX_REPORTED + " bad " + unit + "s\n");
                        break;
                    }
                }
            }
            if (reported == 0 && good == 0) {
                err.print(mixee.qualifiedName() + ": the " + description + " holds no packet\n");
            }
            if (reported == 0 && cut > 0) {
                err.print(mixee.qualifiedName() + ": warning: " + cut + " of " + good + " frames were cut by the"
                        + " capture's snapshot length; each packet is the bytes captured, not the frame on the wire\n");
            }
            err.flush();
            return reported == 0 && good > 0;
        }
    }

    /**
     * Opens the source for streaming. Call {@link #validate(boolean)} first.
     *
     * @param stdin what {@code -} reads
     * @param err where a source that cannot be opened is reported
     * @param workloadPackets packets of a workload without {@code --packets}
     * @return the input, or null when it cannot be read (already reported)
     */
    Input open(InputStream stdin, PrintWriter err, int workloadPackets) {
        this.stdin = stdin;
        if (workload != null) {
            int n = packets != null ? packets : workloadPackets;
            return new Input("workload " + workload + " (seed " + seed + ")", "packet", 0, n);
        }
        int limit = packets != null ? packets : Integer.MAX_VALUE;
        String name = capture != null ? capture : file;
        String what = capture != null ? "capture " : "trace ";
        if (!name.equals("-")) {
            String why = unreadable(name);
            if (why != null) {
                cannotRead(err, name, why);
                return null;
            }
        }
        return new Input(what + name, capture != null ? "frame" : "line", 1, limit);
    }

    private InputStream stdin;

    /** What a command does with the second pass over a good input. */
    interface Body {
        /**
         * @param input the input, for its description
         * @param pass the second pass, from the first packet
         * @return the exit status
         */
        int run(Input input, Pass pass) throws IOException;
    }

    /**
     * Reads the source twice, as {@code plan} and {@code compare} do: a first pass checks it ({@link
     * Input#check}), and only when it is good does {@code body} get a second pass to print from, so
     * bad input prints nothing on standard output. A source that cannot be read is reported on
     * {@code err}.
     *
     * @param stdin what {@code -} reads
     * @param err standard error
     * @param workloadPackets packets of a workload without {@code --packets}
     * @param refusal why a packet cannot be taken, or null when it can
     * @param body what to do with the second pass
     * @return the exit status: {@link ExitStatus#BAD_INPUT} for bad input, else the body's
     */
    int run(InputStream stdin, PrintWriter err, int workloadPackets, Function<TracePacket, String> refusal, Body body) {
        Input input = open(stdin, err, workloadPackets);
        if (input == null) {
            return ExitStatus.BAD_INPUT;
        }
        String name = capture != null ? capture : file;
        try (input) {
            if (!input.check(err, refusal)) {
                return ExitStatus.BAD_INPUT;
            }
            try (Pass pass = input.pass()) {
                return body.run(input, pass);
            }
        } catch (IOException e) {
            cannotRead(err, name, plainReason(e));
            return ExitStatus.BAD_INPUT;
        }
    }

    /**
     * Reads a trace or capture whole, whatever {@code --packets} says ({@code simulate} repeats
     * it), or {@code --packets} packets of a workload. Call {@link #validate(boolean)} first. The
     * packets are held in memory.
     *
     * @param stdin what {@code -} reads
     * @param err where a file that cannot be read, or one without a packet, is reported
     * @return the packets, or null when the file could not be read (already reported)
     */
    Loaded loadAll(InputStream stdin, PrintWriter err) {
        Integer cut = packets;
        packets = workload != null ? packets : null;
        Input input = open(stdin, err, 0);
        packets = cut;
        if (input == null) {
            return null;
        }
        List<TracePacket> list = new ArrayList<>();
        List<LineError> errors = new ArrayList<>();
        List<byte[]> payloads = capture != null ? new ArrayList<>() : null;
        long[] times = capture != null ? new long[16] : null;
        try (input;
                Pass pass = input.pass()) {
            while (pass.next()) {
                if (pass.packet() == null) {
                    errors.add(pass.error());
                    continue;
                }
                list.add(pass.packet());
                if (payloads != null) {
                    payloads.add(pass.payload());
                    if (list.size() > times.length) {
                        times = Arrays.copyOf(times, 2 * times.length);
                    }
                    times[list.size() - 1] = pass.timestamp();
                }
            }
        } catch (IOException e) {
            cannotRead(err, capture != null ? capture : file, plainReason(e));
            return null;
        }
        if (list.isEmpty() && errors.isEmpty()) {
            err.print(mixee.qualifiedName() + ": the " + input.description() + " holds no packet\n");
            err.flush();
            return null;
        }
        return new Loaded(
                input.description,
                input.unit,
                input.firstNumber,
                new ParsedTrace(list, errors),
                payloads,
                times == null ? null : Arrays.copyOf(times, list.size()));
    }

    /** Why a file cannot be read, in plain words, or null when it can be opened. */
    private static String unreadable(String name) {
        Path path;
        try {
            path = Path.of(name);
        } catch (InvalidPathException e) {
            return "not a valid file name";
        }
        if (Files.isDirectory(path)) {
            return "it is a directory, not a file";
        }
        if (!Files.exists(path)) {
            return "no such file";
        }
        if (!Files.isReadable(path)) {
            return "permission denied";
        }
        return null;
    }

    /**
     * An exception met while reading, in plain words: the rule a malformed capture breaks, {@code
     * not UTF-8 text}, or the operating system's reason without Java's exception names.
     */
    static String plainReason(IOException e) {
        if (e instanceof CaptureFormatException) {
            return e.getMessage();
        }
        if (e instanceof CharacterCodingException) {
            return "not UTF-8 text";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        String reason = e instanceof FileSystemException f ? f.getReason() : e.getMessage();
        if (reason == null || reason.isEmpty()) {
            return "a read error";
        }
        return reason.substring(0, 1).toLowerCase(Locale.ROOT) + reason.substring(1);
    }

    /** Reports that the source cannot be read; standard input is called so. */
    void cannotRead(PrintWriter err, String name, String why) {
        err.print(mixee.qualifiedName() + ": cannot read " + (name.equals("-") ? "standard input" : "'" + name + "'")
                + ": " + why + "\n");
        err.flush();
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(mixee.commandLine(), message);
    }

    // ---- passes ---------------------------------------------------------------------------------

    /** At most {@code limit} packets of a pass; bad items pass through uncounted. */
    private static final class Limited implements Pass {
        private final Pass pass;
        private final int limit;
        private int taken;

        Limited(Pass pass, int limit) {
            this.pass = pass;
            this.limit = limit;
        }

        @Override
        public boolean next() throws IOException {
            if (taken >= limit || !pass.next()) {
                return false;
            }
            if (pass.packet() != null) {
                taken++;
            }
            return true;
        }

        @Override
        public TracePacket packet() {
            return pass.packet();
        }

        @Override
        public LineError error() {
            return pass.error();
        }

        @Override
        public byte[] payload() {
            return pass.payload();
        }

        @Override
        public long timestamp() {
            return pass.timestamp();
        }

        @Override
        public boolean cut() {
            return pass.cut();
        }

        @Override
        public void close() throws IOException {
            pass.close();
        }
    }

    /** The lines of a trace, UTF-8 strictly (a byte that is not UTF-8 is a reading error). */
    private static final class TracePass implements Pass {
        private final TraceReader reader;

        TracePass(InputStream in) {
            this.reader = new TraceReader(new InputStreamReader(
                    in,
                    StandardCharsets.UTF_8
                            .newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)));
        }

        @Override
        public boolean next() throws IOException {
            return reader.next();
        }

        @Override
        public TracePacket packet() {
            return reader.packet();
        }

        @Override
        public LineError error() {
            return reader.error();
        }

        @Override
        public void close() throws IOException {
            reader.close();
        }
    }

    /** A pass that holds its current item itself: a packet, or the error of a bad one. */
    private abstract static class ItemPass implements Pass {
        TracePacket packet;
        LineError error;

        @Override
        public final TracePacket packet() {
            return packet;
        }

        @Override
        public final LineError error() {
            return error;
        }
    }

    /** The frames of a capture, each laid out as a packet; a frame that cannot be is a bad item. */
    private static final class CapturePass extends ItemPass {
        private final InputStream in;
        private final CaptureLayout layout;
        private CaptureReader reader;
        private int number;
        private CapturedFrame frame;

        CapturePass(InputStream in, CaptureLayout layout) {
            this.in = in;
            this.layout = layout;
        }

        @Override
        public boolean next() throws IOException {
            if (reader == null) {
                reader = CaptureReader.open(in);
            }
            frame = reader.next();
            packet = null;
            error = null;
            if (frame == null) {
                return false;
            }
            number++;
            try {
                packet = new TracePacket(number, layout.toSkb(frame));
            } catch (InvalidPacketException e) {
                error = new LineError(number, e.getMessage());
            }
            return true;
        }

        @Override
        public byte[] payload() {
            return frame.bytes();
        }

        @Override
        public long timestamp() {
            return frame.timestampNanos();
        }

        @Override
        public boolean cut() {
            return frame.truncated();
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** {@code limit} packets of a workload, generated again from its seed on every pass. */
    private static final class WorkloadPass extends ItemPass {
        private final Workload workload;
        private final int count;
        private int index;

        WorkloadPass(Workload workload, int count) {
            this.workload = workload;
            this.count = count;
        }

        @Override
        public boolean next() {
            if (index == count) {
                packet = null;
                return false;
            }
            packet = new TracePacket(index + 1, workload.next());
            index++;
            return true;
        }

        @Override
        public byte[] payload() {
            return workload.payload(index - 1, packet.skb().length());
        }

        @Override
        public void close() {}
    }

    /** Standard input on its first pass, copied to the spool file as it is read. */
    private static final class Tee extends FilterInputStream {
        private final OutputStream copy;

        Tee(InputStream in, OutputStream copy) {
            super(in);
            this.copy = copy;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                copy.write(b);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                copy.write(b, off, n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            throw new UncheckedIOException(new IOException("skip is not supported while copying standard input"));
        }

        /** Flushes and closes the copy; standard input itself stays open. */
        @Override
        public void close() throws IOException {
            copy.close();
        }
    }

    /** The workloads' labels, for the help text. */
    static final class WorkloadNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            List<String> names = new ArrayList<>();
            for (WorkloadMix m : WorkloadMix.values()) {
                names.add(m.label());
            }
            return names.iterator();
        }
    }
}
