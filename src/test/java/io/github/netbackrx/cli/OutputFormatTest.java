package io.github.netbackrx.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.io.StringWriter;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

class OutputFormatTest {
    @Test
    void jsonIsWrittenByTheGeneratorAndReadsBack() {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = OutputFormat.json(out)) {
            g.writeStartObject();
            g.writeNumberProperty("sent", 3);
            g.writeStringProperty("name", "a \"quoted\"\nline");
            g.writeEndObject();
        }
        JsonNode n = new ObjectMapper().readTree(out.toString());
        assertThat(n.get("sent").asLong()).isEqualTo(3);
        assertThat(n.get("name").asString()).isEqualTo("a \"quoted\"\nline");
        assertThat(out.toString()).contains("\n"); // pretty-printed
    }

    @Test
    void csvHasAHeaderAndQuotesWhatNeedsIt() throws Exception {
        StringWriter out = new StringWriter();
        try (var p = OutputFormat.csv(out, "policy", "note")) {
            p.printRecord("coalesce", "a, b");
        }
        List<CSVRecord> rows = CSVFormat.DEFAULT
                .builder()
                .setHeader()
                .setSkipHeaderRecord(true)
                .get()
                .parse(new StringReader(out.toString()))
                .getRecords();
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).get("note")).isEqualTo("a, b");
        assertThat(out.toString()).startsWith("policy,note\n");
    }

    @Test
    void theConverterNamesTheValidFormats() throws Exception {
        OutputFormat.Converter c = new OutputFormat.Converter();
        assertThat(c.convert("csv")).isEqualTo(OutputFormat.CSV);
        assertThatThrownBy(() -> c.convert("xml"))
                .isInstanceOf(CommandLine.TypeConversionException.class)
                .hasMessageContaining("valid: text, json, csv");
        assertThat(new OutputFormat.Names()).containsExactly("text", "json", "csv");
    }
}
