/**
 * The guest side of the RX path: a model of Linux netfront ({@code xen-netfront.c}) that posts
 * granted buffers on the RX ring, consumes the backend's responses under netfront's acceptance
 * rules ({@code xennet_get_responses}) and hands received packets to its user.
 */
package io.github.netbackrx.netfront;
