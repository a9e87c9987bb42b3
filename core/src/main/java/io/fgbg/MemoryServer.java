package io.fgbg;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;

/**
 * A {@link Server} of a {@link MemoryNetwork}: what {@link TcpServer} is over sockets, listening on
 * a port of the network. Each connection that reaches it gets a {@link MemoryTransport} and a task
 * that runs the handler; the task's end closes the connection once its output is sent.
 *
 * <p>Invariants: as {@link BaseServer}'s, whose connections and lifecycle it shares. The port,
 * hosts and addresses are fixed at construction, so any thread may read them.
 */
final class MemoryServer extends BaseServer {
  private final MemoryNetwork network;
  final int limit;
  private final int port;

  /** The hosts it listens on, as the network names them; null: every host. */
  private final Set<String> hosts;

  private final List<InetSocketAddress> addresses;

  MemoryServer(
      MemoryNetwork network,
      EventLoop loop,
      ConnectionHandler handler,
      int limit,
      int port,
      Set<String> hosts,
      List<InetSocketAddress> addresses) {
    super(loop, handler);
    this.network = network;
    this.limit = limit;
    this.port = port;
    this.hosts = hosts;
    this.addresses = List.copyOf(addresses);
    startServing();
  }

  /** True if it listens on {@code host} (a name as the network keys it). */
  boolean listensOn(String host) {
    return hosts == null || hosts.contains(host);
  }

  /** True if it listens on a host that {@code other} names too (or either on every host). */
  boolean overlaps(Set<String> other) {
    return hosts == null || other == null || other.stream().anyMatch(hosts::contains);
  }

  /** Serves a new connection (see {@link BaseServer#serve}). Baton holder only. */
  void serve(MemoryTransport transport) {
    serve(transport, () -> transport, transport.reader, transport.writer, null);
  }

  @Override
  public int port() {
    return port;
  }

  @Override
  public List<InetSocketAddress> addresses() {
    return addresses;
  }

  @Override
  String where() {
    return String.valueOf(addresses.get(0));
  }

  @Override
  void stopListening() {
    network.unlisten(this);
  }

  @Override
  public String toString() {
    return "Server[" + addresses + ", " + stateText() + "]";
  }
}
