/**
 * The trace format and the canonical plan output: reading packets one per line ({@link
 * io.github.netbackrx.trace.TraceParser}), writing them back ({@link
 * io.github.netbackrx.trace.TraceWriter}), and printing how a packing policy lays each one onto the
 * guest's RX ring ({@link io.github.netbackrx.trace.PlanPrinter}).
 *
 * <p>Both formats are public interfaces of the project, described in {@code docs/plan-format.md};
 * they change only by adding new line kinds.
 */
package io.github.netbackrx.trace;
