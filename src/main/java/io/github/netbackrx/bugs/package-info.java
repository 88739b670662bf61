/**
 * The bug catalogue: historic netback guest-RX bugs (and FreeBSD's 16-bit packet size) as named,
 * executable cases, each replayed through the packer or the engine. Each {@link io.github.netbackrx.bugs.BugCase} holds its input, the
 * generation that shows the bug and the one that fixed it, and the invariant the checker reports;
 * {@link io.github.netbackrx.bugs.BugCase#replay()} runs both. {@code docs/bugs.md} explains each
 * case with its source.
 */
package io.github.netbackrx.bugs;
