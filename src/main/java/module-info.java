/**
 * netback-rx: a byte-exact model of the Xen netback guest-RX path.
 *
 * <p>{@code io.github.netbackrx.core} is the small public model (packets, the netif wire records,
 * the packing policies); {@code io.github.netbackrx.ring} the shared RX ring page and its wire
 * layouts; {@code xen}, {@code netback}, {@code netfront} and {@code trace} add the hypervisor, the
 * backend, the guest frontend and the trace formats; {@code sim} wires them into a host of guests;
 * {@code bugs}, the catalogue of historic guest-RX bugs replayed on the model, is API too. The
 * command line ({@code cli}) is not exported.
 */
module io.github.netbackrx {
    requires static info.picocli;
    requires static tools.jackson.core;
    requires static org.apache.commons.csv;
    requires org.slf4j;

    exports io.github.netbackrx.core;
    exports io.github.netbackrx.ring;
    exports io.github.netbackrx.xen;
    exports io.github.netbackrx.netback;
    exports io.github.netbackrx.netfront;
    exports io.github.netbackrx.sim;
    exports io.github.netbackrx.trace;
    exports io.github.netbackrx.bugs;

    // picocli reads the command classes reflectively when the command line runs on the module path
    opens io.github.netbackrx.cli to
            info.picocli;
}
