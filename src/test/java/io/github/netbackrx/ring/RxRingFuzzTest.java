package io.github.netbackrx.ring;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.netbackrx.testing.FuzzBytes;

/**
 * Fuzzes the shared RX ring with a front end that writes arbitrary bytes, indices and entries into
 * the page, against a back end that uses only the checked {@code ring.h} operations, and a front
 * end view facing a back end that publishes arbitrary {@code rsp_prod} values.
 *
 * <p>The input is a program (see {@link #ring}); checked after every step:
 *
 * <ul>
 *   <li>nothing but {@link RingProtocolException} escapes the checked operations ({@code
 *       checkedReqProd}, {@code checkedRspProd}), and no read or write at any {@code RING_IDX}
 *       throws (the slot mask keeps every access inside the page);
 *   <li>the back end's counts stay within the ring: {@code req_cons - rsp_prod_pvt <= RING_SIZE}
 *       and {@code RING_HAS_UNCONSUMED_REQUESTS <= RING_SIZE} whatever the page says, so its
 *       consumer loop never overruns a slot still awaiting its response;
 *   <li>once {@code checkedRspProd} accepted {@code rsp_prod}, the front end's unconsumed count is
 *       at most {@code RING_SIZE};
 *   <li>request ids and response fields read back within their widths.
 * </ul>
 *
 * <p>Like Linux netback, the back end stops serving the ring after its first protocol error.
 */
class RxRingFuzzTest {
    private static final int MAX_STEPS = 2000;

    /**
     * Opcodes (one byte each, then their operands): 0 poke a byte, 1 poke a 32-bit word, 2 write an
     * arbitrary {@code req_prod}, 3 move {@code req_prod} near the back end's {@code rsp_prod_pvt},
     * 4 a well-behaved front end posts requests and pushes them, 5 write a request at an arbitrary
     * index, 6 the back end consumes requests, 7 the back end answers consumed requests and
     * pushes, 8 the back end's final check with arbitrary event indices, 9 a hostile back end
     * publishes {@code rsp_prod} and the front end view consumes, 10 read every field at an
     * arbitrary index.
     */
    @FuzzTest
    void ring(byte[] data) {
        FuzzBytes in = new FuzzBytes(data);
        byte[] page = new byte[RxRing.PAGE_SIZE];
        RxRing ring = RxRing.wrap(page);
        ring.init();
        int start = in.i32();
        ring.setReqProd(start);
        ring.setRspProd(start);
        ring.setReqEvent(start + 1);
        ring.setRspEvent(start + 1);
        RxRing.BackRing back = ring.attachBack(start);
        RxRing.FrontRing front = ring.attachFront(start);
        RxRing.FrontRing victim = ring.attachFront(start);
        boolean disconnected = false;

        for (int step = 0; step < MAX_STEPS && !in.exhausted(); step++) {
            switch (in.below(11)) {
                case 0 -> page[in.u16() % RxRing.PAGE_SIZE] = (byte) in.u8();
                case 1 -> {
                    int off = in.u16() % (RxRing.PAGE_SIZE - 3);
                    int v = in.i32();
                    for (int k = 0; k < 4; k++) {
                        page[off + k] = (byte) (v >>> (8 * k));
                    }
                }
                case 2 -> ring.setReqProd(in.i32());
                case 3 -> ring.setReqProd(back.rspProdPvt() + (short) in.u16());
                case 4 -> {
                    int n = in.below(RxRing.SIZE + 2);
                    for (int k = 0; k < n; k++) {
                        front.postRequest(in.u16(), in.i32());
                    }
                    front.pushRequestsAndCheckNotify();
                }
                case 5 -> ring.writeRequest(in.i32(), in.u16(), in.i32());
                case 6 -> {
                    if (!disconnected) {
                        disconnected = !consume(ring, back, in.u8());
                    }
                }
                case 7 -> {
                    if (!disconnected) {
                        answer(ring, back, in.u8(), in.u16());
                    }
                }
                case 8 -> {
                    ring.setReqEvent(in.i32());
                    ring.setRspEvent(in.i32());
                    if (!disconnected) {
                        assertWithinRing(back.finalCheckForRequests(), "final check for requests");
                    }
                }
                case 9 -> hostileBackEnd(ring, victim, in.bool() ? in.i32() : victim.rspCons() + (short) in.u16());
                default -> readEverything(ring, in.i32());
            }
            assertBackInvariants(back);
        }
    }

    /** The consumer loop of a back end: returns false on a protocol error (the ring is dropped). */
    private static boolean consume(RxRing ring, RxRing.BackRing back, int budget) {
        int prod;
        try {
            prod = back.checkedReqProd();
        } catch (RingProtocolException e) {
            assertThat(e.macro()).isEqualTo("RING_REQUEST_PROD_OVERFLOW");
            assertThat(e.getMessage()).contains("RING_REQUEST_PROD_OVERFLOW", "req_prod", "rsp_prod_pvt");
            return false;
        }
        assertThat(Integer.compareUnsigned(prod - back.rspProdPvt(), RxRing.SIZE))
                .isLessThanOrEqualTo(0);
        for (int k = 0; k < budget && back.unconsumedRequests() != 0; k++) {
            assertThat(back.requestConsOverflow(back.reqCons()))
                    .as("consuming a slot that awaits its response: %s", back)
                    .isFalse();
            int index = back.takeRequest();
            assertThat(ring.requestId(index)).isBetween(0, 0xFFFF);
            ring.requestGref(index);
            assertBackInvariants(back);
        }
        return true;
    }

    /** Writes responses for up to {@code n} consumed requests, then pushes them. */
    private static void answer(RxRing ring, RxRing.BackRing back, int n, int status) {
        for (int k = 0; k < n && back.rspProdPvt() != back.reqCons(); k++) {
            int index = back.rspProdPvt();
            int id = ring.requestId(index);
            ring.writeResponse(index, id, 0, 0, (short) status);
            assertThat(ring.responseId(index)).isEqualTo(id);
            assertThat(ring.responseStatus(index)).isEqualTo((short) status);
            back.setRspProdPvt(index + 1);
        }
        back.pushResponsesAndCheckNotify();
        assertThat(ring.rspProd()).isEqualTo(back.rspProdPvt());
    }

    private static void hostileBackEnd(RxRing ring, RxRing.FrontRing front, int rspProd) {
        ring.setRspProd(rspProd);
        int prod;
        try {
            prod = front.checkedRspProd();
        } catch (RingProtocolException e) {
            assertThat(e.macro()).isEqualTo("RING_RESPONSE_PROD_OVERFLOW");
            return;
        }
        assertThat(prod).isEqualTo(rspProd);
        assertWithinRing(front.unconsumedResponses(), "front end's unconsumed responses");
        while (front.unconsumedResponses() != 0) {
            int index = front.takeResponse();
            assertThat(ring.responseId(index)).isBetween(0, 0xFFFF);
            assertThat(ring.responseOffset(index)).isBetween(0, 0xFFFF);
            assertThat(ring.responseFlags(index)).isBetween(0, 0xFFFF);
            ring.responseStatus(index);
        }
        assertWithinRing(front.finalCheckForResponses(), "final check for responses");
    }

    private static void readEverything(RxRing ring, int index) {
        assertThat(RxRing.entryOffset(index))
                .isBetween(SharedRingLayout.RING_OFFSET, RxRing.PAGE_SIZE - RxRing.ENTRY_SIZE);
        assertThat(ring.requestId(index)).isBetween(0, 0xFFFF);
        ring.requestGref(index);
        assertThat(ring.responseId(index)).isBetween(0, 0xFFFF);
        assertThat(ring.responseOffset(index)).isBetween(0, 0xFFFF);
        assertThat(ring.responseFlags(index)).isBetween(0, 0xFFFF);
        ring.responseStatus(index);
        assertThat(ring.extraType(index)).isBetween(0, 0xFF);
        assertThat(ring.extraFlags(index)).isBetween(0, 0xFF);
        assertThat(ring.extraGsoSize(index)).isBetween(0, 0xFFFF);
        assertThat(ring.extraGsoType(index)).isBetween(0, 0xFF);
        ring.extraGsoFeatures(index);
        ring.extraHashType(index);
        ring.extraHashAlgorithm(index);
        ring.extraHashValue(index);
        ring.extraMcastAddress(index);
    }

    private static void assertBackInvariants(RxRing.BackRing back) {
        assertWithinRing(back.reqCons() - back.rspProdPvt(), "req_cons - rsp_prod_pvt");
        assertWithinRing(back.unconsumedRequests(), "RING_HAS_UNCONSUMED_REQUESTS");
    }

    private static void assertWithinRing(int count, String what) {
        assertThat(Integer.compareUnsigned(count, RxRing.SIZE))
                .as("%s = %s exceeds RING_SIZE %d", what, Integer.toUnsignedString(count), RxRing.SIZE)
                .isLessThanOrEqualTo(0);
    }
}
