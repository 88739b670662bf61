package io.github.netbackrx.ring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.netbackrx.core.AllocationMeter;
import io.github.netbackrx.core.Netif;
import org.junit.jupiter.api.Test;

/**
 * A steady-state ring round allocates nothing: the front end posts a full ring of requests and
 * pushes them, the back end consumes them and answers each, the front end consumes the responses.
 * Measured with {@link AllocationMeter}.
 */
class RingRoundAllocationTest {
    private static final int ROUNDS = 20_000;

    private static long round(RxRing ring, RxRing.FrontRing front, RxRing.BackRing back) {
        long sum = 0;
        while (!front.full()) {
            int id = front.reqProdPvt() & (RxRing.SIZE - 1);
            front.postRequest(id, 0x100 + id);
        }
        if (front.pushRequestsAndCheckNotify()) {
            sum++;
        }
        while (back.finalCheckForRequests() != 0) {
            back.checkedReqProd();
            while (back.unconsumedRequests() != 0) {
                int req = back.takeRequest();
                sum += ring.requestGref(req);
                int rsp = back.rspProdPvt();
                ring.writeResponse(rsp, ring.requestId(req), 0, Netif.RXF_MORE_DATA, 1514);
                back.setRspProdPvt(rsp + 1);
            }
            if (back.pushResponsesAndCheckNotify()) {
                sum++;
            }
        }
        while (front.finalCheckForResponses() != 0) {
            front.checkedRspProd();
            while (front.unconsumedResponses() != 0) {
                int rsp = front.takeResponse();
                sum += ring.responseId(rsp) + ring.responseStatus(rsp) + ring.responseFlags(rsp);
            }
        }
        return sum;
    }

    @Test
    void aSteadyStateRoundDoesNotAllocate() throws ReflectiveOperationException {
        AllocationMeter meter = AllocationMeter.forCurrentThread();

        // start just below 2^32 so that the measured rounds also cross the index wrap
        int start = -RxRing.SIZE * (ROUNDS / 2);
        RxRing ring = RxRing.startingAt(start);
        RxRing.FrontRing front = ring.attachFront(start);
        RxRing.BackRing back = ring.attachBack(start);
        long sum = 0;
        for (int i = 0; i < ROUNDS / 4; i++) { // warm-up
            sum += round(ring, front, back);
        }
        long before = meter.bytes();
        for (int i = 0; i < ROUNDS; i++) {
            sum += round(ring, front, back);
        }
        long allocated = meter.bytes() - before;

        assertThat(sum).isPositive();
        assertThat(front.rspCons()).isEqualTo(start + RxRing.SIZE * (ROUNDS + ROUNDS / 4));
        assertThat(back.reqCons()).isEqualTo(front.rspCons());
        assertThat(allocated).as("bytes allocated by %d ring rounds", ROUNDS).isLessThan(1024);

        // the meter works: a page copy allocates its 4096 bytes
        long mark = meter.bytes();
        byte[] copy = ring.pageCopy();
        assertThat(meter.bytes() - mark).isGreaterThanOrEqualTo(RxRing.PAGE_SIZE);
        assertThat(copy).hasSize(RxRing.PAGE_SIZE);
    }
}
