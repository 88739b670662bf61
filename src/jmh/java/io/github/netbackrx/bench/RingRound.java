package io.github.netbackrx.bench;

import io.github.netbackrx.ring.RxRing;

/** One ring round of 256 requests and responses (shared with nothing else; kept apart for reading). */
final class RingRound {
    private RingRound() {}

    static long run(RxRing ring, RxRing.FrontRing front, RxRing.BackRing back) {
        long sum = 0;
        // front end: fill every free slot with a request, then push
        while (!front.full()) {
            int id = front.reqProdPvt() & 0xFFFF;
            front.postRequest(id & (RxRing.SIZE - 1), 0x100 + (id & (RxRing.SIZE - 1)));
        }
        if (front.pushRequestsAndCheckNotify()) {
            sum++;
        }
        // back end: consume every request, answer each with a response
        while (back.finalCheckForRequests() != 0) {
            back.checkedReqProd();
            while (back.unconsumedRequests() != 0) {
                int req = back.takeRequest();
                int id = ring.requestId(req);
                sum += ring.requestGref(req);
                int rsp = back.rspProdPvt();
                ring.writeResponse(rsp, id, 0, 0, 1514);
                back.setRspProdPvt(rsp + 1);
            }
            if (back.pushResponsesAndCheckNotify()) {
                sum += 2;
            }
        }
        // front end: consume every response
        while (front.finalCheckForResponses() != 0) {
            front.checkedRspProd();
            while (front.unconsumedResponses() != 0) {
                int rsp = front.takeResponse();
                sum += ring.responseId(rsp) + ring.responseStatus(rsp);
            }
        }
        return sum;
    }
}
