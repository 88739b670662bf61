/**
 * The bug catalogue: the historic netback guest-RX bugs of {@code research/linux-netback-rx.md}
 * §2 as named, executable cases. Each {@link io.github.netbackrx.bugs.BugCase} holds its input, the
 * generation that shows the bug and the one that fixed it, and the invariant the checker reports;
 * {@link io.github.netbackrx.bugs.BugCase#replay()} runs both. {@code docs/bugs.md} explains each
 * case with its source.
 */
package io.github.netbackrx.bugs;
