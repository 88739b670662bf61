package io.github.netbackrx.core;

import java.util.List;

/**
 * An immutable snapshot of how one packet lands on the guest's RX ring: the grant-copy operations
 * in the order they are issued and the responses in ring order. {@link RxPacker#plan(Skb)} makes
 * one; {@link PlanBuffer} is the allocation-free form.
 *
 * @param packetLength bytes in the packet
 * @param estimate the policy's worst-case slot reservation, made before packing ({@code
 *     count_skb_slots} for the 2010 rule)
 * @param ops the copy operations in issue order
 * @param slots one response per ring slot used, in ring order (slot {@code i} at index {@code i})
 */
public record RxPlan(int packetLength, int estimate, List<CopyOp> ops, List<SlotResponse> slots) {
    /**
     * Creates a plan, copying the lists.
     *
     * @param packetLength bytes in the packet
     * @param estimate the worst-case slot reservation
     * @param ops the copy operations in issue order
     * @param slots the responses in ring order
     */
    public RxPlan {
        ops = List.copyOf(ops);
        slots = List.copyOf(slots);
    }

    /** @return the ring slots the packet consumed, data and extra slots together */
    public int slotCount() {
        return slots.size();
    }
}
