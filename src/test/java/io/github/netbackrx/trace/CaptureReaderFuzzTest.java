package io.github.netbackrx.trace;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.netbackrx.core.InvalidPacketException;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * Coverage-guided fuzzing of the capture reader: any input either reads, or is refused with a
 * {@link CaptureFormatException}; every frame read then maps to a packet or is refused with an
 * {@link InvalidPacketException}. Normal builds replay the stored inputs; {@code mvn -Pfuzz test
 * -Dtest=CaptureReaderFuzzTest} fuzzes.
 */
class CaptureReaderFuzzTest {

    @FuzzTest(maxDuration = "10m")
    void readsOrRefusesCleanly(byte[] input) throws IOException {
        try {
            for (CapturedFrame f : CaptureReader.read(new ByteArrayInputStream(input))) {
                try {
                    CaptureLayout.defaults().toSkb(f);
                } catch (InvalidPacketException e) {
                    // too many fragments or an empty frame: a refusal with a reason, not a crash
                }
            }
        } catch (CaptureFormatException e) {
            // refused input: the expected outcome for most byte strings
        }
    }
}
