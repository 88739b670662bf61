package io.github.netbackrx.cli;

import io.github.netbackrx.core.Finding;
import io.github.netbackrx.core.PackingPolicy;
import io.github.netbackrx.core.PlanBuffer;
import io.github.netbackrx.core.PlanChecker;
import io.github.netbackrx.core.PolicyViolationException;
import io.github.netbackrx.core.RxPacker;
import io.github.netbackrx.core.RxPlan;
import io.github.netbackrx.trace.LineError;
import io.github.netbackrx.trace.ParsedTrace;
import io.github.netbackrx.trace.TracePacket;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Plans a whole trace under one policy, validating everything before anything is printed: a bad
 * line and a packet the policy refuses are both input errors reported as {@code line N: reason}.
 */
final class TracePlanner {

    /** One planned packet and what the checker found in its plan. */
    record Planned(int index, TracePacket packet, RxPlan plan, List<Finding> findings) {}

    /** The result: either errors (nothing planned is to be printed) or every packet's plan. */
    record Result(List<LineError> errors, List<Planned> packets) {
        boolean hasFindings() {
            return packets.stream().anyMatch(p -> !p.findings().isEmpty());
        }
    }

    private TracePlanner() {}

    static Result plan(ParsedTrace trace, PackingPolicy policy) {
        return plan(trace, RxPacker.of(policy));
    }

    static Result plan(ParsedTrace trace, RxPacker packer) {
        PackingPolicy policy = packer.policy();
        List<LineError> errors = new ArrayList<>(trace.errors());
        List<Planned> planned = new ArrayList<>(trace.packets().size());
        PlanBuffer buffer = new PlanBuffer();
        int index = 0;
        for (TracePacket packet : trace.packets()) {
            try {
                packer.plan(packet.skb(), buffer);
                // checked on the buffer, which carries what the immutable plan cannot (PlanChecker)
                List<Finding> findings = PlanChecker.check(packet.skb(), buffer);
                planned.add(new Planned(index, packet, buffer.toPlan(), findings));
            } catch (PolicyViolationException e) {
                errors.add(new LineError(packet.lineNumber(), refusal(policy, e)));
            }
            index++;
        }
        errors.sort(Comparator.comparingInt(LineError::lineNumber));
        return new Result(List.copyOf(errors), List.copyOf(planned));
    }

    /** The reason given for a packet a policy refuses: the policy's name and its own message. */
    static String refusal(PackingPolicy policy, PolicyViolationException e) {
        return "policy " + policy.label() + " refuses the packet: " + e.getMessage();
    }

    /** The canonical report of one finding: {@code packet I: NAME: details}. */
    static String finding(int index, Finding finding) {
        return "packet " + index + ": " + finding.describe();
    }
}
