package io.github.netbackrx.cli;

import io.github.netbackrx.core.InvalidPacketException;
import io.github.netbackrx.core.Skb;
import io.github.netbackrx.trace.CaptureLayout;
import io.github.netbackrx.trace.CaptureReader;
import io.github.netbackrx.trace.CapturedFrame;
import io.github.netbackrx.trace.LineError;
import io.github.netbackrx.trace.ParsedTrace;
import io.github.netbackrx.trace.TracePacket;
import io.github.netbackrx.trace.TraceParser;
import io.github.netbackrx.trace.Workload;
import io.github.netbackrx.trace.WorkloadMix;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Where the packets of {@code plan}, {@code compare} and {@code simulate} come from, the same way
 * for all three: a trace file ({@code FILE}, {@code -} for standard input), a built-in workload
 * ({@code --workload NAME}) or a packet capture ({@code --capture FILE}); {@code --packets} and
 * {@code --seed} size and seed it. Reading errors are reported here, in one format.
 */
final class PacketSource {
    /** Head bytes of a captured frame unless {@code --capture-head} says otherwise. */
    static final String DEFAULT_CAPTURE_HEAD = "128";

    /** Packets of a workload for {@code plan} and {@code compare} without {@code --packets}. */
    static final int DEFAULT_WORKLOAD_PACKETS = 10;

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
                    + " bytes its payload")
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

    /** The packets read, the words naming them, and (for a capture) the frames' bytes. */
    record Loaded(String description, String unit, int firstNumber, ParsedTrace trace, List<byte[]> payloads) {
        /**
         * Reports errors on standard error as {@code UNIT N: reason} in the source's own numbering
         * ({@code line N} of a trace, {@code frame N} of a capture, {@code packet I} of a workload).
         *
         * @return {@link ExitStatus#BAD_INPUT}
         */
        int report(PrintWriter err, List<LineError> errors) {
            for (LineError e : errors) {
                err.print(where(e.lineNumber()) + ": " + e.reason() + "\n");
            }
            err.flush();
            return ExitStatus.BAD_INPUT;
        }

        private String where(int number) {
            return unit + " " + (number - 1 + firstNumber);
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
        } catch (IllegalArgumentException e) {
            throw usage("--capture-head " + captureHead + ": not 'headers' nor a head that fits its page at offset"
                    + " 64 (" + e.getMessage() + ")");
        }
    }

    /**
     * Reads the source: a trace or a capture, cut at {@code --packets}, or {@code --packets} (else
     * {@code workloadPackets}) packets of the workload. Call {@link #validate(boolean)} first.
     *
     * @param stdin what {@code -} reads
     * @param err where a file that cannot be read is reported
     * @param workloadPackets packets of a workload without {@code --packets}
     * @return the packets, or null when the file could not be read (already reported)
     */
    Loaded load(InputStream stdin, PrintWriter err, int workloadPackets) {
        return load(stdin, err, workloadPackets, packets != null ? packets : Integer.MAX_VALUE);
    }

    /**
     * Reads a trace or capture whole, whatever {@code --packets} says ({@code simulate} repeats
     * it). Call {@link #validate(boolean)} first.
     *
     * @param stdin what {@code -} reads
     * @param err where a file that cannot be read is reported
     * @return the packets, or null when the file could not be read (already reported)
     */
    Loaded loadAll(InputStream stdin, PrintWriter err) {
        return load(stdin, err, 0, Integer.MAX_VALUE);
    }

    private Loaded load(InputStream stdin, PrintWriter err, int workloadPackets, int limit) {
        if (workload != null) {
            Workload w = workload();
            int n = packets != null ? packets : workloadPackets;
            List<TracePacket> list = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                list.add(new TracePacket(i + 1, w.next()));
            }
            return new Loaded(
                    "workload " + workload + " (seed " + seed + ")",
                    "packet",
                    0,
                    new ParsedTrace(list, List.of()),
                    null);
        }
        if (capture != null) {
            return loadCapture(err, limit);
        }
        ParsedTrace trace;
        try (Reader in = open(stdin)) {
            trace = TraceParser.read(in);
        } catch (NoSuchFileException e) {
            return cannotRead(err, file, "no such file");
        } catch (CharacterCodingException e) {
            return cannotRead(err, file, "not UTF-8 text");
        } catch (IOException | InvalidPathException e) {
            return cannotRead(err, file, e.toString());
        }
        if (trace.packets().size() >= limit) {
            // the first N packets, and the bad lines among them only
            int lastLine = trace.packets().get(limit - 1).lineNumber();
            List<LineError> errors = new ArrayList<>();
            for (LineError e : trace.errors()) {
                if (e.lineNumber() <= lastLine) {
                    errors.add(e);
                }
            }
            trace = new ParsedTrace(trace.packets().subList(0, limit), errors);
        }
        return new Loaded("trace " + file, "line", 1, trace, null);
    }

    private Loaded loadCapture(PrintWriter err, int limit) {
        List<CapturedFrame> frames;
        try {
            frames = CaptureReader.read(Path.of(capture));
        } catch (NoSuchFileException e) {
            return cannotRead(err, capture, "no such file");
        } catch (IOException | InvalidPathException e) {
            return cannotRead(err, capture, e.getMessage());
        }
        CaptureLayout layout = captureLayout();
        List<TracePacket> list = new ArrayList<>();
        List<LineError> errors = new ArrayList<>();
        List<byte[]> payloads = new ArrayList<>();
        for (int i = 0; i < frames.size() && list.size() < limit; i++) {
            try {
                list.add(new TracePacket(i + 1, layout.toSkb(frames.get(i))));
                payloads.add(frames.get(i).bytes());
            } catch (InvalidPacketException e) {
                errors.add(new LineError(i + 1, e.getMessage()));
            }
        }
        return new Loaded("capture " + capture, "frame", 1, new ParsedTrace(list, errors), payloads);
    }

    private Reader open(InputStream stdin) throws IOException {
        if (file.equals("-")) {
            return new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8.newDecoder()));
        }
        return Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8);
    }

    private Loaded cannotRead(PrintWriter err, String name, String why) {
        String what = name.equals("-") ? "standard input" : "'" + name + "'";
        err.print(mixee.qualifiedName() + ": cannot read " + what + ": " + why + "\n");
        err.flush();
        return null;
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(mixee.commandLine(), message);
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
