/**
 * The backend guest-RX engine of the 2010 Linux netback ("linearise SKBs as we copy them into
 * guest memory on guest-RX"): {@link io.github.netbackrx.netback.Vif} takes packets in {@code
 * netif_be_start_xmit}, reserves ring slots against {@code rx_req_cons_peek}, stops and wakes its
 * queue, and in {@code net_rx_action} batches the grant copies of many packets into one {@code
 * GNTTABOP_copy}, writes the responses and notifies the guest. Driven by explicit calls: no
 * threads, no clock.
 */
package io.github.netbackrx.netback;
