package io.github.netbackrx.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RxRingProtocolTest {

    /** Pushes responses old -> new through the real back view with rsp_event = event. */
    private static boolean pushResponses(int oldProd, int newProd, int event) {
        RxRing ring = RxRing.startingAt(oldProd);
        RxRing.BackRing back = ring.attachBack(oldProd);
        ring.setRspEvent(event);
        back.setRspProdPvt(newProd);
        boolean notify = back.pushResponsesAndCheckNotify();
        assertThat(ring.rspProd()).isEqualTo(newProd);
        return notify;
    }

    private static boolean pushRequests(int oldProd, int newProd, int event) {
        RxRing ring = RxRing.startingAt(oldProd);
        RxRing.FrontRing front = ring.attachFront(oldProd);
        ring.setReqEvent(event);
        front.setReqProdPvt(newProd);
        boolean notify = front.pushRequestsAndCheckNotify();
        assertThat(ring.reqProd()).isEqualTo(newProd);
        return notify;
    }

    @ParameterizedTest(name = "old={0} new={1} event={2} -> {3}")
    @CsvSource({
        // worked cases of xen-protocol.md section 1
        "5, 8, 6, true",
        "5, 8, 9, false",
        "5, 8, 5, false",
        "0xFFFFFFFE, 1, 0xFFFFFFFF, true",
        "7, 7, 7, false",
        "7, 7, 8, false",
        // window edges
        "5, 8, 8, true",
        "5, 8, 7, true",
        "5, 6, 6, true",
        "0xFFFFFFFE, 1, 0, true",
        "0xFFFFFFFE, 1, 1, true",
        "0xFFFFFFFE, 1, 2, false",
        "0xFFFFFFFE, 1, 0xFFFFFFFE, false",
        "0, 256, 1, true",
        "0, 256, 257, false",
        "0x7FFFFFFF, 0x80000000, 0x80000000, true",
    })
    void notifyTruthTable(String oldS, String newS, String eventS, boolean expected) {
        int oldProd = u32(oldS);
        int newProd = u32(newS);
        int event = u32(eventS);
        assertThat(RxRing.needsNotify(oldProd, newProd, event)).isEqualTo(expected);
        assertThat(pushResponses(oldProd, newProd, event)).isEqualTo(expected);
        assertThat(pushRequests(oldProd, newProd, event)).isEqualTo(expected);
    }

    private static int u32(String s) {
        return (int) Long.decode(s.trim()).longValue();
    }

    @Test
    void plainPushPublishesWithoutNotifyCheck() {
        RxRing ring = RxRing.create();
        RxRing.FrontRing front = ring.attachFront(0);
        RxRing.BackRing back = ring.attachBack(0);
        front.postRequest(1, 100);
        assertThat(ring.reqProd()).isZero();
        front.pushRequests();
        assertThat(ring.reqProd()).isEqualTo(1);
        back.setRspProdPvt(1);
        back.pushResponses();
        assertThat(ring.rspProd()).isEqualTo(1);
    }

    @Test
    void finalCheckForRequestsRearmsThenRechecks() {
        RxRing ring = RxRing.startingAt(0xFFFFFFF0);
        RxRing.FrontRing front = ring.attachFront(0xFFFFFFF0);
        RxRing.BackRing back = ring.attachBack(0xFFFFFFF0);
        // work pending: no re-arm
        front.postRequest(1, 1);
        front.postRequest(2, 2);
        assertThat(front.pushRequestsAndCheckNotify()).isTrue(); // req_event = start + 1
        ring.setReqEvent(12345);
        assertThat(back.finalCheckForRequests()).isEqualTo(2);
        assertThat(ring.reqEvent()).as("not re-armed while work remains").isEqualTo(12345);
        back.takeRequest();
        back.takeRequest();
        back.setRspProdPvt(back.reqCons());
        back.pushResponses();
        assertThat(back.finalCheckForRequests()).isZero();
        assertThat(ring.reqEvent()).isEqualTo(0xFFFFFFF3);
        // the very next request notifies, the one after does not
        front.postRequest(3, 3);
        assertThat(front.pushRequestsAndCheckNotify()).isTrue();
        front.postRequest(4, 4);
        assertThat(front.pushRequestsAndCheckNotify()).isFalse();
        assertThat(back.finalCheckForRequests()).isEqualTo(2);
    }

    @Test
    void finalCheckForResponsesRearmsThenRechecks() {
        RxRing ring = RxRing.startingAt(-3);
        RxRing.FrontRing front = ring.attachFront(-3);
        RxRing.BackRing back = ring.attachBack(-3);
        assertThat(front.finalCheckForResponses()).isZero();
        assertThat(ring.rspEvent()).isEqualTo(-2);
        for (int i = 0; i < 4; i++) {
            front.postRequest(i, i);
        }
        front.pushRequests();
        for (int i = 0; i < 4; i++) {
            int idx = back.takeRequest();
            ring.writeResponse(idx, ring.requestId(idx), 0, 0, 100 + i);
        }
        back.setRspProdPvt(back.reqCons());
        assertThat(back.pushResponsesAndCheckNotify()).isTrue();
        assertThat(front.unconsumedResponses()).isEqualTo(4);
        assertThat(front.finalCheckForResponses()).isEqualTo(4);
        assertThat(ring.rspEvent()).isEqualTo(-2);
        for (int i = 0; i < 4; i++) {
            int idx = front.takeResponse();
            assertThat(ring.responseStatus(idx)).isEqualTo(100 + i);
        }
        assertThat(front.rspCons()).isEqualTo(1);
        assertThat(front.finalCheckForResponses()).isZero();
        assertThat(ring.rspEvent()).isEqualTo(2);
    }

    @Test
    void freeRequestsFullAndConsOverflow() {
        RxRing ring = RxRing.startingAt(0xFFFFFF80);
        RxRing.FrontRing front = ring.attachFront(0xFFFFFF80);
        RxRing.BackRing back = ring.attachBack(0xFFFFFF80);
        assertThat(front.freeRequests()).isEqualTo(256);
        for (int i = 0; i < 256; i++) {
            assertThat(front.full()).isFalse();
            front.postRequest(i, i);
        }
        assertThat(front.full()).isTrue();
        front.pushRequests();
        assertThat(back.unconsumedRequests()).isEqualTo(256);
        assertThat(back.requestConsOverflow(back.reqCons())).isFalse();
        assertThat(back.requestConsOverflow(back.reqCons() + 255)).isFalse();
        assertThat(back.requestConsOverflow(back.reqCons() + 256)).isTrue();
        for (int i = 0; i < 256; i++) {
            back.takeRequest();
        }
        assertThat(back.unconsumedRequests()).isZero();
        // the count is bounded by the unanswered slots even if req_prod ran ahead
        ring.setReqProd(ring.reqProd() + 10);
        assertThat(back.unconsumedRequests()).isZero();
        back.setRspProdPvt(back.reqCons() - 253);
        assertThat(back.unconsumedRequests()).as("room for 3 more").isEqualTo(3);
        back.setRspProdPvt(back.reqCons());
        assertThat(back.unconsumedRequests()).as("all answered: the 10 posted").isEqualTo(10);
    }

    @Test
    void requestProdOverflowIsDetected() {
        RxRing ring = RxRing.create();
        RxRing.BackRing back = ring.attachBack(0);
        ring.setReqProd(256);
        assertThat(back.requestProdOverflow(256)).isFalse();
        assertThat(back.checkedReqProd()).isEqualTo(256);
        ring.setReqProd(257);
        assertThat(back.requestProdOverflow(257)).isTrue();
        assertThatThrownBy(back::checkedReqProd)
                .isInstanceOf(RingProtocolException.class)
                .hasMessage("RING_REQUEST_PROD_OVERFLOW: req_prod 0x00000101 (257) - rsp_prod_pvt 0x00000000 (0)"
                        + " = 257 > RING_SIZE 256 (ill-behaved front end; req_cons 0x00000000 (0))")
                .extracting(e -> ((RingProtocolException) e).macro())
                .isEqualTo("RING_REQUEST_PROD_OVERFLOW");
        // a peer moving req_prod backwards is also more than a ring ahead, modulo 2^32
        ring.setReqProd(-1);
        assertThatThrownBy(back::checkedReqProd)
                .hasMessageContaining("req_prod 0xffffffff (4294967295)")
                .hasMessageContaining("= 4294967295 > RING_SIZE 256");
        // across the wrap: rsp_prod_pvt just below 2^32
        back.setRspProdPvt(0xFFFFFFF0);
        back.setReqCons(0xFFFFFFF0);
        ring.setReqProd(0xF0);
        assertThat(back.checkedReqProd()).isEqualTo(0xF0);
        ring.setReqProd(0xF1);
        assertThatThrownBy(back::checkedReqProd).hasMessageContaining("= 257 > RING_SIZE 256");
    }

    @Test
    void responseProdOverflowIsDetected() {
        RxRing ring = RxRing.startingAt(100);
        RxRing.FrontRing front = ring.attachFront(100);
        ring.setRspProd(356);
        assertThat(front.checkedRspProd()).isEqualTo(356);
        ring.setRspProd(357);
        assertThat(front.responseProdOverflow(357)).isTrue();
        assertThatThrownBy(front::checkedRspProd)
                .isInstanceOf(RingProtocolException.class)
                .hasMessage("RING_RESPONSE_PROD_OVERFLOW: rsp_prod 0x00000165 (357) - rsp_cons 0x00000064 (100)"
                        + " = 257 > RING_SIZE 256 (ill-behaved back end)");
    }

    @Test
    void viewsDescribeThemselves() {
        RxRing ring = RxRing.create();
        assertThat(ring.attachBack(-1).toString())
                .isEqualTo("BackRing[rsp_prod_pvt=0xffffffff (4294967295), req_cons=0xffffffff (4294967295)]");
        assertThat(ring.attachFront(16).toString())
                .isEqualTo("FrontRing[req_prod_pvt=0x00000010 (16), rsp_cons=0x00000010 (16)]");
        assertThat(ring.attachFront(0).ring()).isSameAs(ring);
        assertThat(ring.attachBack(0).size()).isEqualTo(256);
    }
}
