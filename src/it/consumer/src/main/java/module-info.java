/** A library user: needs nothing but the module's exported packages. */
module io.github.netbackrx.consumer {
    requires io.github.netbackrx;
}
