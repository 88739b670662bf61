package io.github.netbackrx.ring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.netbackrx.core.Netif;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Drives a ring started at index 0 and rings started just below 2^32 (and just below 2^31) with
 * the same random operations; every observable must agree.
 */
class RxRingWrapAroundTest {

    private static final int OPS = Math.max(1000, Integer.getInteger("netbackrx.randomCount", 20000) / 2);

    static Stream<Arguments> seedsAndStarts() {
        int[] starts = {0xFFFFFF00, 0xFFFFFFF9, 0x7FFFFF40};
        return LongStream.of(1, 2, 3, 0xC0FFEE, 20100101L)
                .boxed()
                .flatMap(seed -> Arrays.stream(starts).mapToObj(start -> Arguments.of(seed, start)));
    }

    /** One ring, its two views, and the starting index (all observables are relative to it). */
    private static final class Side {
        final int start;
        final RxRing ring;
        final RxRing.FrontRing front;
        final RxRing.BackRing back;

        Side(int start) {
            this.start = start;
            this.ring = RxRing.startingAt(start);
            this.front = ring.attachFront(start);
            this.back = ring.attachBack(start);
        }

        /** Relative slot: equal on both sides whatever the start. */
        int rel(int index) {
            return index - start;
        }
    }

    @ParameterizedTest(name = "seed {0} start {1}")
    @MethodSource("seedsAndStarts")
    void ringStartedBelowTheWrapBehavesLikeRingStartedAtZero(long seed, int start) {
        SplittableRandom random = new SplittableRandom(seed);
        Side a = new Side(0);
        Side b = new Side(start);
        int wrapsSeen = 0;
        // distance from the start to the next 2^32 (or 2^31) boundary
        int boundary = start < 0 ? -start : 0x80000000 - start;
        for (int op = 0; op < OPS; op++) {
            String at = "seed " + seed + " op " + op;
            switch (random.nextInt(7)) {
                case 0 -> { // front posts up to the free slots, then pushes with the notify check
                    int free = a.front.freeRequests();
                    assertThat(b.front.freeRequests()).as(at).isEqualTo(free);
                    assertThat(b.front.full()).as(at).isEqualTo(a.front.full());
                    int n = free == 0 ? 0 : random.nextInt(Math.min(free, 40) + 1);
                    for (int i = 0; i < n; i++) {
                        int id = random.nextInt(0x10000);
                        int gref = random.nextInt();
                        int ia = a.front.postRequest(id, gref);
                        int ib = b.front.postRequest(id, gref);
                        assertThat(b.rel(ib)).as(at).isEqualTo(a.rel(ia));
                    }
                    if (random.nextBoolean()) {
                        assertThat(b.front.pushRequestsAndCheckNotify())
                                .as(at)
                                .isEqualTo(a.front.pushRequestsAndCheckNotify());
                    } else {
                        a.front.pushRequests();
                        b.front.pushRequests();
                    }
                }
                case 1 -> { // back consumes some requests and answers them in the same slot
                    int avail = a.back.unconsumedRequests();
                    assertThat(b.back.unconsumedRequests()).as(at).isEqualTo(avail);
                    assertThat(b.back.checkedReqProd() - b.start).isEqualTo(a.back.checkedReqProd() - a.start);
                    int n = avail == 0 ? 0 : random.nextInt(avail + 1);
                    for (int i = 0; i < n; i++) {
                        assertThat(b.back.requestConsOverflow(b.back.reqCons()))
                                .as(at)
                                .isEqualTo(a.back.requestConsOverflow(a.back.reqCons()))
                                .isFalse();
                        int ia = a.back.takeRequest();
                        int ib = b.back.takeRequest();
                        assertThat(b.rel(ib)).as(at).isEqualTo(a.rel(ia));
                        if (b.rel(ib) == boundary) {
                            wrapsSeen++;
                        }
                        assertThat(b.ring.requestId(ib)).as(at).isEqualTo(a.ring.requestId(ia));
                        assertThat(b.ring.requestGref(ib)).as(at).isEqualTo(a.ring.requestGref(ia));
                        int id = a.ring.requestId(ia);
                        if (random.nextInt(4) == 0) {
                            int size = 1 + random.nextInt(9000);
                            a.ring.writeGsoExtra(ia, Netif.EXTRA_FLAG_MORE, size, Netif.GSO_TYPE_TCPV4);
                            b.ring.writeGsoExtra(ib, Netif.EXTRA_FLAG_MORE, size, Netif.GSO_TYPE_TCPV4);
                        } else {
                            int status = random.nextInt(4099) - 2;
                            int flags = random.nextInt(0x20);
                            a.ring.writeResponse(ia, id, 0, flags, status);
                            b.ring.writeResponse(ib, id, 0, flags, status);
                        }
                    }
                }
                case 2 -> { // back publishes its responses (all or some)
                    int pending = a.back.reqCons() - a.back.rspProdPvt();
                    int n = pending == 0 ? 0 : random.nextInt(pending + 1);
                    a.back.setRspProdPvt(a.back.rspProdPvt() + n);
                    b.back.setRspProdPvt(b.back.rspProdPvt() + n);
                    if (random.nextBoolean()) {
                        assertThat(b.back.pushResponsesAndCheckNotify())
                                .as(at)
                                .isEqualTo(a.back.pushResponsesAndCheckNotify());
                    } else {
                        a.back.pushResponses();
                        b.back.pushResponses();
                    }
                }
                case 3 -> assertThat(b.back.finalCheckForRequests()).as(at).isEqualTo(a.back.finalCheckForRequests());
                case 4 -> { // front consumes responses
                    int avail = a.front.unconsumedResponses();
                    assertThat(b.front.unconsumedResponses()).as(at).isEqualTo(avail);
                    assertThat(b.front.checkedRspProd() - b.start).isEqualTo(a.front.checkedRspProd() - a.start);
                    int n = avail == 0 ? 0 : random.nextInt(avail + 1);
                    for (int i = 0; i < n; i++) {
                        int ia = a.front.takeResponse();
                        int ib = b.front.takeResponse();
                        assertThat(b.rel(ib)).as(at).isEqualTo(a.rel(ia));
                        assertThat(b.ring.responseId(ib)).as(at).isEqualTo(a.ring.responseId(ia));
                        assertThat(b.ring.responseFlags(ib)).as(at).isEqualTo(a.ring.responseFlags(ia));
                        assertThat(b.ring.responseStatus(ib)).as(at).isEqualTo(a.ring.responseStatus(ia));
                        assertThat(b.ring.extraType(ib)).as(at).isEqualTo(a.ring.extraType(ia));
                        assertThat(b.ring.extraGsoSize(ib)).as(at).isEqualTo(a.ring.extraGsoSize(ia));
                    }
                }
                case 5 ->
                    assertThat(b.front.finalCheckForResponses()).as(at).isEqualTo(a.front.finalCheckForResponses());
                default -> { // the two event indices, relative, and the slot positions of the indices
                    assertThat(b.rel(b.ring.reqEvent())).as(at).isEqualTo(a.rel(a.ring.reqEvent()));
                    assertThat(b.rel(b.ring.rspEvent())).as(at).isEqualTo(a.rel(a.ring.rspEvent()));
                    assertThat(b.rel(b.ring.reqProd())).as(at).isEqualTo(a.rel(a.ring.reqProd()));
                    assertThat(b.rel(b.ring.rspProd())).as(at).isEqualTo(a.rel(a.ring.rspProd()));
                    assertThat(RxRing.slot(b.back.reqCons() - b.start + a.start))
                            .as(at)
                            .isEqualTo(RxRing.slot(a.back.reqCons()));
                }
            }
        }
        if ((start & 0xFF) == 0) {
            // same slot positions: the entry area of the two pages is byte-identical
            assertThat(Arrays.copyOfRange(b.ring.pageCopy(), 64, 4096))
                    .isEqualTo(Arrays.copyOfRange(a.ring.pageCopy(), 64, 4096));
        }
        assertThat(wrapsSeen).as("the run crossed 2^32 (or 2^31)").isEqualTo(1);
    }
}
