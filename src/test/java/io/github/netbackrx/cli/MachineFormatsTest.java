package io.github.netbackrx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * {@code --format json} and {@code --format csv} of {@code plan}, {@code compare}, {@code bugs} and
 * {@code workloads}: parsed back with a real parser (Jackson's databind, Commons CSV's reader) and
 * checked against the numbers of the text output of the same run.
 */
class MachineFormatsTest {

    /** A trace with a GSO extra, a hash extra (full-page), many fragments and an empty head. */
    private static final String TRACE = String.join(
            "\n",
            "head=0+54 frag=0+100 frag=200+100 frag=4000+96",
            "head=2+66 frag=0+4096 frag=0+1000 gso=1448/tcpv4 csum=partial",
            "head=0+54 frag=0+4096 gso=1448/tcpv6 hash=7/ipv6-tcp",
            "head=128+0 frag=0+300",
            "");

    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<CSVRecord> csv(String text) throws IOException {
        return CSVFormat.DEFAULT
                .builder()
                .setHeader()
                .setSkipHeaderRecord(true)
                .get()
                .parse(new StringReader(text))
                .getRecords();
    }

    /** The text's {@code packet I len=L estimate=E slots=S} lines, and its copy and slot lines, per packet. */
    private record TextPacket(int len, int estimate, int slots, List<String> lines) {}

    private static List<TextPacket> textPackets(String text) {
        List<TextPacket> packets = new ArrayList<>();
        Pattern header = Pattern.compile("packet \\d+ len=(\\d+) estimate=(\\d+) slots=(\\d+)");
        for (String line : text.lines().toList()) {
            Matcher m = header.matcher(line);
            if (m.matches()) {
                packets.add(new TextPacket(
                        Integer.parseInt(m.group(1)),
                        Integer.parseInt(m.group(2)),
                        Integer.parseInt(m.group(3)),
                        new ArrayList<>()));
            } else {
                packets.get(packets.size() - 1).lines().add(line);
            }
        }
        return packets;
    }

    @Test
    void planJsonCarriesEveryNumberOfTheText() {
        for (String policy : new String[] {"coalesce", "per-frag", "full-page"}) {
            CliRun text = CliRun.withStdin(TRACE, "plan", "--policy", policy, "-");
            CliRun json = CliRun.withStdin(TRACE, "plan", "--policy", policy, "--format", "json", "-");
            assertThat(json.status()).isEqualTo(text.status());
            assertThat(json.err()).isEqualTo(text.err());
            JsonNode doc = JSON.readTree(json.out());
            assertThat(doc.get("command").asString()).isEqualTo("plan");
            assertThat(doc.get("policy").asString()).isEqualTo(policy);
            List<TextPacket> expected = textPackets(text.out());
            JsonNode packets = doc.get("packets");
            assertThat(packets.size()).isEqualTo(expected.size());
            long slots = 0;
            for (int i = 0; i < expected.size(); i++) {
                JsonNode p = packets.get(i);
                TextPacket t = expected.get(i);
                assertThat(p.get("index").asInt()).isEqualTo(i);
                assertThat(p.get("length").asInt()).isEqualTo(t.len());
                assertThat(p.get("estimate").asInt()).isEqualTo(t.estimate());
                assertThat(p.get("slots").asInt()).isEqualTo(t.slots());
                // rebuild the text's copy and slot lines from the JSON fields
                List<String> lines = new ArrayList<>();
                for (JsonNode c : p.get("copies")) {
                    lines.add("copy " + c.get("source").asString() + " "
                            + c.get("sourceOffset").asInt() + " "
                            + c.get("slot").asInt() + " " + c.get("destOffset").asInt() + " "
                            + c.get("length").asInt());
                }
                for (JsonNode r : p.get("responses")) {
                    String kind = r.get("kind").asString();
                    if (kind.equals("extra") && r.get("extra").asString().equals("gso")) {
                        lines.add("extra " + r.get("slot").asInt() + " gso "
                                + r.get("gsoSize").asInt() + " "
                                + r.get("gsoType").asString());
                    } else if (kind.equals("extra")) {
                        lines.add("extra " + r.get("slot").asInt() + " hash "
                                + r.get("hashValue").asLong() + " "
                                + r.get("hashType").asString());
                    } else {
                        List<String> flags = new ArrayList<>();
                        r.get("flags").forEach(f -> flags.add(f.asString()));
                        lines.add(kind + " " + r.get("slot").asInt() + " "
                                + r.get("offset").asInt() + " "
                                + r.get("status").asInt() + " " + (flags.isEmpty() ? "-" : String.join(",", flags)));
                    }
                }
                assertThat(lines).as(policy + " packet " + i).isEqualTo(t.lines());
                slots += t.slots();
            }
            assertThat(doc.get("total").get("slots").asLong()).isEqualTo(slots);
            assertThat(doc.get("total").get("packets").asLong()).isEqualTo(expected.size());
        }
    }

    @Test
    void planJsonListsTheFindingsStandardErrorReports() {
        CliRun json = CliRun.withStdin(TRACE, "plan", "--policy", "per-frag", "--format", "json", "-");
        assertThat(json.status()).isEqualTo(ExitStatus.FINDING);
        assertThat(json.err())
                .isEqualTo(
                        "packet 3: first-slot-nonempty: data slot 0 is empty (status 0) in a" + " 300-byte packet\n");
        JsonNode finding =
                JSON.readTree(json.out()).get("packets").get(3).get("findings").get(0);
        assertThat(finding.get("invariant").asString()).isEqualTo("first-slot-nonempty");
        assertThat(finding.get("details").asString()).isEqualTo("data slot 0 is empty (status 0) in a 300-byte packet");
        assertThat(JSON.readTree(json.out()).get("total").get("findings").asInt())
                .isEqualTo(1);
    }

    @Test
    void planCsvHasOneRowPerLineOfTheText() throws IOException {
        for (String policy : new String[] {"coalesce", "per-frag", "full-page"}) {
            CliRun text = CliRun.withStdin(TRACE, "plan", "--policy", policy, "-");
            CliRun csv = CliRun.withStdin(TRACE, "plan", "--policy", policy, "--format", "csv", "-");
            assertThat(csv.status()).isEqualTo(text.status());
            assertThat(csv.out()).startsWith(String.join(",", PlanCommand.CSV_HEADER) + "\n");
            List<String> rebuilt = new ArrayList<>();
            for (CSVRecord r : csv(csv.out())) {
                switch (r.get("record")) {
                    case "packet" ->
                        rebuilt.add("packet " + r.get("packet") + " len=" + r.get("length") + " estimate="
                                + r.get("estimate") + " slots=" + r.get("slots"));
                    case "copy" ->
                        rebuilt.add("copy " + r.get("source") + " " + r.get("source_offset") + " " + r.get("slot") + " "
                                + r.get("dest_offset") + " " + r.get("length"));
                    case "rsp", "prefix" ->
                        rebuilt.add(r.get("record") + " " + r.get("slot") + " " + r.get("offset") + " "
                                + r.get("status") + " " + r.get("flags"));
                    case "extra" ->
                        rebuilt.add("extra " + r.get("slot") + " " + r.get("extra") + " "
                                + (r.get("extra").equals("gso")
                                        ? r.get("gso_size") + " " + r.get("gso_type")
                                        : r.get("hash_value") + " " + r.get("hash_type")));
                    case "finding" ->
                        assertThat(text.err())
                                .contains("packet " + r.get("packet") + ": " + r.get("invariant") + ": "
                                        + r.get("details"));
                    default -> throw new AssertionError("unknown record " + r.get("record"));
                }
            }
            assertThat(rebuilt).as(policy).isEqualTo(text.out().lines().toList());
        }
    }

    @Test
    void compareJsonAndCsvCarryTheRowsAndTotalsOfTheText() throws IOException {
        CliRun text = CliRun.withStdin(TRACE, "compare", "-");
        CliRun json = CliRun.withStdin(TRACE, "compare", "--format", "json", "-");
        CliRun csv = CliRun.withStdin(TRACE, "compare", "--format", "csv", "-");
        assertThat(json.status()).isEqualTo(text.status());
        assertThat(csv.status()).isEqualTo(text.status());
        JsonNode doc = JSON.readTree(json.out());
        List<CSVRecord> rows = csv(csv.out());
        assertThat(rows).hasSize(4 * 5);
        // every text row, rebuilt from the JSON and from the CSV
        List<String> fromJson = new ArrayList<>();
        List<String> fromCsv = new ArrayList<>();
        for (JsonNode p : doc.get("packets")) {
            fromJson.add("packet " + p.get("index").asInt() + " len="
                    + p.get("length").asInt() + ": " + p.get("trace").asString());
            for (JsonNode r : p.get("policies")) {
                String name = String.format("  %-17s ", r.get("policy").asString());
                if (r.get("refused").asBoolean()) {
                    fromJson.add(name + "refused: " + r.get("refusal").asString());
                    continue;
                }
                List<String> bytes = new ArrayList<>();
                r.get("dataSlotBytes").forEach(b -> bytes.add(b.asString()));
                List<String> findings = new ArrayList<>();
                r.get("findings").forEach(f -> findings.add(f.asString()));
                boolean accepts = r.get("netfrontAccepts").asBoolean();
                fromJson.add(name + "slots=" + r.get("slots").asInt() + " estimate="
                        + r.get("estimate").asInt()
                        + " ops=" + r.get("ops").asInt() + " bytes/slot=" + String.join(",", bytes) + " first-slot="
                        + r.get("firstSlot").asInt() + " netfront=" + (accepts ? "accepts" : "drops") + " findings="
                        + (findings.isEmpty() ? "-" : String.join(",", findings))
                        + (accepts ? "" : " (" + r.get("netfrontReason").asString() + ")"));
            }
        }
        String last = "";
        for (CSVRecord r : rows) {
            if (!r.get("packet").equals(last)) {
                last = r.get("packet");
                fromCsv.add("packet " + r.get("packet") + " len=" + r.get("length") + ": " + r.get("trace"));
            }
            String name = String.format("  %-17s ", r.get("policy"));
            if (Boolean.parseBoolean(r.get("refused"))) {
                fromCsv.add(name + "refused: " + r.get("refusal"));
                continue;
            }
            fromCsv.add(name + "slots=" + r.get("slots") + " estimate=" + r.get("estimate") + " ops=" + r.get("ops")
                    + " bytes/slot=" + r.get("data_slot_bytes") + " first-slot=" + r.get("first_slot")
                    + " netfront=" + r.get("netfront") + " findings="
                    + (r.get("findings").isEmpty() ? "-" : r.get("findings"))
                    + (r.get("netfront_reason").isEmpty() ? "" : " (" + r.get("netfront_reason") + ")"));
        }
        List<String> textRows =
                text.out().lines().takeWhile(l -> !l.startsWith("total ")).toList();
        assertThat(fromJson).isEqualTo(textRows);
        assertThat(fromCsv).isEqualTo(textRows);
        // the totals: the JSON's, and the CSV's rows summed, against the text's total lines
        List<String> totals =
                text.out().lines().dropWhile(l -> !l.startsWith("total ")).toList();
        assertThat(totals.get(0))
                .isEqualTo("total packets=" + doc.get("total").get("packets").asInt());
        int k = 1;
        for (JsonNode t : doc.get("total").get("policies")) {
            String policy = t.get("policy").asString();
            long slots = 0;
            long ops = 0;
            for (CSVRecord r : rows) {
                if (r.get("policy").equals(policy) && !Boolean.parseBoolean(r.get("refused"))) {
                    slots += Long.parseLong(r.get("slots"));
                    ops += Long.parseLong(r.get("ops"));
                }
            }
            assertThat(t.get("slots").asLong()).isEqualTo(slots);
            assertThat(t.get("ops").asLong()).isEqualTo(ops);
            assertThat(totals.get(k++))
                    .startsWith(String.format(
                            "  %-17s planned=%d refused=%d slots=%d estimate=%d ops=%d",
                            policy,
                            t.get("planned").asInt(),
                            t.get("refused").asInt(),
                            slots,
                            t.get("estimate").asLong(),
                            ops))
                    .endsWith(" netfront-drops=" + t.get("netfrontDrops").asInt() + " findings="
                            + t.get("findings").asInt());
        }
    }

    @Test
    void bugsListAndReplayInJsonAndCsv() throws IOException {
        CliRun text = CliRun.of("bugs");
        JsonNode cases =
                JSON.readTree(CliRun.of("bugs", "--format", "json").out()).get("cases");
        List<CSVRecord> rows = csv(CliRun.of("bugs", "--format", "csv").out());
        assertThat(rows).hasSize(cases.size());
        assertThat(text.out().lines().filter(l -> !l.startsWith(" "))).hasSize(cases.size());
        for (int i = 0; i < cases.size(); i++) {
            JsonNode c = cases.get(i);
            assertThat(rows.get(i).get("name")).isEqualTo(c.get("name").asString());
            assertThat(rows.get(i).get("buggy_policy"))
                    .isEqualTo(c.get("buggy").get("policy").asString());
            assertThat(text.out())
                    .contains(c.get("name").asString() + " ")
                    .contains(c.get("title").asString());
        }
        String name = cases.get(0).get("name").asString();
        CliRun replayText = CliRun.of("bugs", name);
        JsonNode replay =
                JSON.readTree(CliRun.of("bugs", name, "--format", "json").out());
        assertThat(replayText.out())
                .contains("invariant:  " + replay.get("invariant").asString())
                .contains(replay.get("buggy").get("details").asString())
                .contains(replay.get("fixed").get("details").asString());
        assertThat(replay.get("asDocumented").asBoolean()).isEqualTo(replayText.status() == 0);
        List<CSVRecord> replayRows =
                csv(CliRun.of("bugs", name, "--format", "csv").out());
        assertThat(replayRows).extracting(r -> r.get("generation")).containsExactly("buggy", "fixed");
        assertThat(replayRows.get(0).get("details"))
                .isEqualTo(replay.get("buggy").get("details").asString());
        assertThat(Boolean.parseBoolean(replayRows.get(0).get("broken")))
                .isEqualTo(replay.get("buggy").get("broken").asBoolean());
    }

    @Test
    void workloadsInJsonAndCsvAreTheTraceLinesOfTheText() throws IOException {
        CliRun text = CliRun.of("workloads", "mixed", "--count", "30", "--seed", "3");
        List<String> lines = text.out().lines().skip(1).toList();
        JsonNode doc = JSON.readTree(CliRun.of("workloads", "mixed", "--count", "30", "--seed", "3", "--format", "json")
                .out());
        List<CSVRecord> rows = csv(CliRun.of("workloads", "mixed", "--count", "30", "--seed", "3", "--format", "csv")
                .out());
        assertThat(doc.get("packets").size()).isEqualTo(30);
        assertThat(rows).hasSize(30);
        for (int i = 0; i < 30; i++) {
            JsonNode p = doc.get("packets").get(i);
            assertThat(p.get("trace").asString()).isEqualTo(lines.get(i));
            assertThat(rows.get(i).get("trace")).isEqualTo(lines.get(i));
            int sum = p.get("headLength").asInt();
            for (JsonNode f : p.get("frags")) {
                sum += f.get("length").asInt();
            }
            assertThat(sum).isEqualTo(p.get("length").asInt());
            assertThat(Integer.parseInt(rows.get(i).get("length"))).isEqualTo(sum);
            assertThat(Integer.parseInt(rows.get(i).get("frags")))
                    .isEqualTo(p.get("frags").size());
        }
        List<CSVRecord> list = csv(CliRun.of("workloads", "--format", "csv").out());
        assertThat(list).extracting(r -> r.get("name")).contains("mtu", "tcp-bulk", "mixed");
        assertThat(JSON.readTree(CliRun.of("workloads", "--format", "json").out())
                        .get("workloads")
                        .size())
                .isEqualTo(list.size());
    }

    @Test
    void anUnknownFormatIsAUsageErrorListingTheValidOnes() {
        CliRun run = CliRun.withStdin(TRACE, "plan", "--format", "xml", "-");
        assertThat(run.status()).isEqualTo(ExitStatus.BAD_INPUT);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).contains("unknown format 'xml' (valid: text, json, csv)");
    }
}
