package io.fgbg.inspect;

import java.net.InetSocketAddress;

/**
 * A socket of a loop that is still open: a server's listening socket, or a connection (accepted
 * by a server, or opened by a client, connected or still connecting).
 *
 * @param listening true for a server's listening socket
 * @param local the socket's own address
 * @param remote the peer's address; null for a listening socket
 */
public record OpenSocket(boolean listening, InetSocketAddress local, InetSocketAddress remote) {}
