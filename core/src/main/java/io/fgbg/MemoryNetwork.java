package io.fgbg;

import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.regex.Pattern;

/**
 * An in-memory network for tests: servers and connections that behave as fgbg's TCP ones do ({@link
 * Fgbg#startServer}, {@link Fgbg#openConnection}), with the same {@link Server}, {@link
 * Connection}, {@link StreamReader} and {@link StreamWriter}, but whose bytes never leave the loop.
 * Every delivery is a callback of the loop, so a run is deterministic on any clock, and on a
 * virtual clock the latencies cost no real time; and faults come on demand: latency, reads of a few
 * bytes, a stalled network, refused connections, resets.
 *
 * <pre>{@code
 * MemoryNetwork net = new MemoryNetwork();
 * Server server = runInForeground(net.startServer(handler, "127.0.0.1", 0));
 * net.setLatency(Duration.ofMillis(5), Duration.ofMillis(20));   // each way
 * Connection c = runInForeground(net.openConnection("127.0.0.1", server.port()));
 * c.writer().write("hello\n");
 * net.resetAfter(c.writer(), 3);    // the server reads "hel", then both ends are reset
 * }</pre>
 *
 * <p>What it keeps of TCP: a reader's limit, and its stop at twice the limit; the writer's buffer,
 * which pauses {@code drain()} over 64 KiB until it is under 16 KiB; 64 KiB in flight each way
 * (what a socket's buffers hold) before the writer's buffer grows, so a peer that does not read
 * holds its writer back and memory stays bounded; bytes in order; the end of the stream after the
 * last byte; a closing writer that stops its own reading, as {@code close()} of a socket does; and
 * resets as Linux gives them through the JDK: {@code SocketException("Connection reset")} to a
 * reader, {@code IOException("Broken pipe")} to a write after the end of the stream, a reset for
 * data sent to an endpoint that has closed, and instead of the end of the stream when an endpoint
 * closes with data it never read. Refused connections fail with {@code ConnectException("Connection
 * refused")}, a port in use with {@code BindException("Address already in use")}. Acknowledgements
 * take no time, and nothing is lost but by a reset.
 *
 * <p>Hosts are names, not looked up: a server listens on a host as given, on every host for {@code
 * ""}, null, {@code "0.0.0.0"} or {@code "::"}; {@code "localhost"} stands for {@code "127.0.0.1"}
 * and {@code "::1"}, and a client's {@code ""} or null for {@code "localhost"}, as with TCP. Port 0
 * takes a free port from 49152 up. A client appears to its server at a port of that range on the
 * host it connected to ({@code /127.0.0.1:49153}); a name that is not an IP literal gives
 * unresolved addresses.
 *
 * <p>A network belongs to the loop of the first task that starts a server or opens a connection on
 * it; from then on the tasks of other loops are refused. The other methods are called on that
 * loop's thread (inside a task, or between foreground runs: any thread may then take the idle loop
 * briefly), or on any thread before the network is used; while the loop runs in another thread they
 * throw {@link IllegalStateException}. Settings apply to the whole network, from the next byte sent
 * on.
 */
public final class MemoryNetwork {
  /** The first port that port 0 or a client gets (the IANA dynamic range). */
  private static final int FIRST_EPHEMERAL_PORT = 49152;

  /** A socket's read takes at most this much (the selector's read buffer). */
  private static final int DEFAULT_MAX_BYTES_PER_READ = 256 * 1024;

  private static final Pattern IPV4_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final List<String> LOCALHOST = List.of("127.0.0.1", "0:0:0:0:0:0:0:1");

  /** Set once, under the lock, by the first task that uses the network. */
  private volatile EventLoop loop;

  // Settings: written under the lock until the network has a loop, then by its baton holder.
  private long latencyToServer;
  private long latencyToClient;
  private int maxBytesPerRead = DEFAULT_MAX_BYTES_PER_READ;
  private boolean stalled;
  private boolean refusing;

  // The rest: the baton holder's only.
  private final Map<Integer, List<MemoryServer>> listening = new HashMap<>();
  private int nextPort = FIRST_EPHEMERAL_PORT;

  /** The two writers of every connection not closed at both ends yet. */
  private final Map<StreamWriter, MemoryTransport> connections = new IdentityHashMap<>();

  /** The links with something in flight, in the order they got it (for setStalled(false)). */
  private final LinkedHashSet<MemoryLink> active = new LinkedHashSet<>();

  /**
   * A network with no server, no latency, nothing stalled or refused; it belongs to no loop until a
   * task uses it.
   */
  public MemoryNetwork() {}

  // ------------------------------------------------------------------ servers and connections

  /**
   * A coroutine that starts a server on this network, as {@link Fgbg#startServer(ConnectionHandler,
   * String, int)} does on TCP: each connection runs {@code handler} as a new task of the loop, and
   * is closed, once what the handler wrote has been sent, when the handler returns, throws or is
   * cancelled. Its readers have the default limit of 64 KiB. The coroutine never suspends.
   *
   * @param handler the handler of each connection
   * @param host the host to listen on; {@code ""}, null, {@code "0.0.0.0"} or {@code "::"}: every
   *     host
   * @param port the port, or 0 for a free one from 49152 up
   * @return the coroutine; it throws {@link BindException} if a server of this network listens on
   *     that port and host already, and {@link IllegalStateException} if it runs outside a task or
   *     in a task of another loop than the network's
   * @throws NullPointerException if {@code handler} is null
   * @throws IllegalArgumentException if {@code port} is not in 0..65535
   */
  public Coroutine<Server> startServer(ConnectionHandler handler, String host, int port) {
    return startServer(handler, host, port, Streams.DEFAULT_LIMIT);
  }

  /**
   * The same with readers limited to {@code limit} bytes, as {@link
   * Fgbg#startServer(ConnectionHandler, String, int, int)}.
   *
   * @param handler the handler of each connection
   * @param host the host to listen on; {@code ""}, null, {@code "0.0.0.0"} or {@code "::"}: every
   *     host
   * @param port the port, or 0 for a free one from 49152 up
   * @param limit the readers' line and buffer limit in bytes
   * @return the coroutine; it throws {@link BindException} if a server of this network listens on
   *     that port and host already, and {@link IllegalStateException} if it runs outside a task or
   *     in a task of another loop than the network's
   * @throws NullPointerException if {@code handler} is null
   * @throws IllegalArgumentException if {@code port} is not in 0..65535 or {@code limit} is not
   *     positive
   */
  public Coroutine<Server> startServer(
      ConnectionHandler handler, String host, int port, int limit) {
    Objects.requireNonNull(handler, "handler");
    checkPortAndLimit(port, limit);
    return () -> {
      EventLoop l = bind(Fgbg.requireTask("startServer"), "startServer");
      return listen(l, handler, host, port, limit);
    };
  }

  /**
   * A coroutine that opens a connection to a server of this network, as {@link
   * Fgbg#openConnection(String, int)} does on TCP. It suspends for the round trip: the server
   * accepts after the latency {@code toServer}, and the connection is made after {@code toClient}
   * more (at least one loop iteration). Its reader has the default limit of 64 KiB.
   *
   * @param host the server's host; {@code ""} or null: {@code "localhost"}
   * @param port the server's port
   * @return the coroutine; its result is the connection. It throws {@link ConnectException}
   *     ("Connection refused") if no server of this network listens there or the network refuses
   *     connections, and {@link IllegalStateException} if it runs outside a task or in a task of
   *     another loop than the network's
   * @throws IllegalArgumentException if {@code port} is not in 0..65535
   */
  public Coroutine<Connection> openConnection(String host, int port) {
    return openConnection(host, port, Streams.DEFAULT_LIMIT);
  }

  /**
   * The same with the reader limited to {@code limit} bytes, as {@link Fgbg#openConnection(String,
   * int, int)}.
   *
   * @param host the server's host; {@code ""} or null: {@code "localhost"}
   * @param port the server's port
   * @param limit the reader's line and buffer limit in bytes
   * @return the coroutine; its result is the connection. It throws {@link ConnectException}
   *     ("Connection refused") if no server of this network listens there or the network refuses
   *     connections, and {@link IllegalStateException} if it runs outside a task or in a task of
   *     another loop than the network's
   * @throws IllegalArgumentException if {@code port} is not in 0..65535 or {@code limit} is not
   *     positive
   */
  public Coroutine<Connection> openConnection(String host, int port, int limit) {
    checkPortAndLimit(port, limit);
    return () -> {
      CoroutineTask<?> task = Fgbg.requireTask("openConnection");
      bind(task, "openConnection");
      return connect(task, host, port, limit);
    };
  }

  // ------------------------------------------------------------------ faults

  /**
   * Sets the latency of each direction, on the loop's clock: a byte sent from now on (and a
   * connection's handshake) arrives that long after it was sent, in order with what was sent before
   * it, so a shorter latency never overtakes. Never suspends.
   *
   * @param toServer the latency from the clients to the servers
   * @param toClient the latency from the servers to the clients
   * @throws NullPointerException if either is null
   * @throws IllegalArgumentException if either is negative
   * @throws IllegalStateException if the network's loop runs in another thread, or is closed
   */
  public void setLatency(Duration toServer, Duration toClient) {
    long up = latency(toServer, "toServer");
    long down = latency(toClient, "toClient");
    configure(
        "setLatency",
        () -> {
          latencyToServer = up;
          latencyToClient = down;
        });
  }

  /**
   * Limits how much one read gives a reader: at most {@code n} bytes arrive per loop iteration on
   * each connection, as when the network cuts a stream into small segments ({@code 1}: one byte at
   * a time). The default is 256 KiB, what a socket's read takes. Never suspends.
   *
   * @param n the most bytes per read, at least 1
   * @throws IllegalArgumentException if {@code n} is not positive
   * @throws IllegalStateException if the network's loop runs in another thread, or is closed
   */
  public void setMaxBytesPerRead(int n) {
    if (n <= 0) {
      throw new IllegalArgumentException("maxBytesPerRead must be positive: " + n);
    }
    configure("setMaxBytesPerRead", () -> maxBytesPerRead = n);
  }

  /**
   * Stalls the network, or lets it go again: while stalled, nothing sent arrives (bytes, ends of
   * stream and resets in flight wait, in order), so once the 64 KiB in flight are full a writer's
   * buffer grows and its {@code drain()} suspends; with false, what waited arrives at once (what is
   * still within its latency, counted from when it was sent, when that is up), and the writers
   * resume as their peers read. Connections are still made and refused, and {@link #reset} still
   * resets at once. Never suspends.
   *
   * @param stalled true to hold every byte, false to deliver again
   * @throws IllegalStateException if the network's loop runs in another thread, or is closed
   */
  public void setStalled(boolean stalled) {
    configure(
        "setStalled",
        () -> {
          this.stalled = stalled;
          for (MemoryLink link : List.copyOf(active)) {
            link.schedule();
          }
        });
  }

  /**
   * Makes the network refuse connections, or accept them again: while refusing, every {@link
   * #openConnection} whose handshake reaches its server fails with {@code
   * ConnectException("Connection refused")}, as a port nobody listens on gives; connections made
   * already go on. Never suspends.
   *
   * @param refusing true to refuse, false to connect again
   * @throws IllegalStateException if the network's loop runs in another thread, or is closed
   */
  public void setRefusing(boolean refusing) {
    configure("setRefusing", () -> this.refusing = refusing);
  }

  /**
   * Resets the connection of {@code side} now, at both ends, as a TCP reset does: what is in flight
   * either way is dropped, and the waiting (or the next) read, drain and {@code waitClosed()} of
   * each end throw {@code SocketException("Connection reset")}; writes are dropped, and a server
   * closes its end when its handler has finished, as for any lost connection. A connection closed
   * at both ends already is left as it is. Never suspends: the readers and writers are told in the
   * next loop iteration (a drain that starts before then throws {@code SocketException("Connection
   * lost")}, as asyncio's does when it meets a loss).
   *
   * @param side the writer of either end (a client's, or the one a handler was given)
   * @throws NullPointerException if {@code side} is null
   * @throws IllegalArgumentException if {@code side} is an open writer of no connection of this
   *     network
   * @throws IllegalStateException if the network's loop runs in another thread, or is closed
   */
  public void reset(StreamWriter side) {
    Objects.requireNonNull(side, "side");
    onLoop(
        "reset",
        () -> {
          MemoryTransport transport = transportOf(side);
          if (transport != null) {
            transport.resetConnection();
          }
        });
  }

  /**
   * Resets the connection of {@code side} once {@code side} has sent {@code bytes} more bytes,
   * counted from this call: the peer receives exactly those bytes, and its next read after them
   * throws {@code SocketException("Connection reset")} (after the latency, as a reset travels
   * behind the data); {@code side}'s own reads, drain and {@code waitClosed()} throw it from the
   * loop iteration after the last of those bytes is sent (a drain in between, asyncio's {@code
   * "Connection lost"}), and what it wrote beyond them is dropped. With 0, the reset is sent at
   * once, behind what is in flight. A later call replaces the count; a connection closed at both
   * ends already is left as it is. Never suspends.
   *
   * @param side the writer of either end (a client's, or the one a handler was given)
   * @param bytes how many more bytes {@code side} sends before the reset, 0 or more
   * @throws NullPointerException if {@code side} is null
   * @throws IllegalArgumentException if {@code bytes} is negative, or {@code side} is an open
   *     writer of no connection of this network
   * @throws IllegalStateException if the network's loop runs in another thread, or is closed
   */
  public void resetAfter(StreamWriter side, long bytes) {
    Objects.requireNonNull(side, "side");
    if (bytes < 0) {
      throw new IllegalArgumentException("bytes cannot be negative: " + bytes);
    }
    onLoop(
        "resetAfter",
        () -> {
          MemoryTransport transport = connections.get(side);
          if (transport != null) {
            transport.resetAfter(bytes);
          } else {
            transportOf(side); // refuses a stranger
          }
        });
  }

  /**
   * Describes the network.
   *
   * @return "MemoryNetwork[2 servers, 3 connections]" and the faults that are on
   */
  @Override
  public String toString() {
    EventLoop l = loop;
    String counts =
        l == null
            ? "0 servers, 0 connections"
            : l.onLoopIfFree(
                () ->
                    listening.values().stream().mapToInt(List::size).sum()
                        + " servers, "
                        + connections.size() / 2
                        + " connections");
    return "MemoryNetwork["
        + (counts == null ? "in use" : counts)
        + (stalled ? ", stalled" : "")
        + (refusing ? ", refusing" : "")
        + "]";
  }

  // ------------------------------------------------------------------ for the links and transports

  boolean isStalled() {
    return stalled;
  }

  int maxBytesPerRead() {
    return maxBytesPerRead;
  }

  long latencyNanos(boolean toServer) {
    return toServer ? latencyToServer : latencyToClient;
  }

  void active(MemoryLink link) {
    active.add(link);
  }

  void idle(MemoryLink link) {
    active.remove(link);
  }

  /** An endpoint is closed; once both are, the connection is forgotten. */
  void released(MemoryTransport transport) {
    MemoryTransport other = transport.peerTransport();
    if (other.isReleased()) {
      connections.remove(transport.writer);
      connections.remove(other.writer);
    }
  }

  /** A server stops listening. */
  void unlisten(MemoryServer server) {
    List<MemoryServer> on = listening.get(server.port());
    if (on != null && on.remove(server) && on.isEmpty()) {
      listening.remove(server.port());
    }
  }

  // ------------------------------------------------------------------ the loop

  /** The network's loop, taken from {@code task} on first use; another loop's task is refused. */
  private EventLoop bind(CoroutineTask<?> task, String call) {
    EventLoop l = loop;
    if (l == null) {
      synchronized (this) {
        if (loop == null) {
          loop = task.loop;
        }
        l = loop;
      }
    }
    if (l != task.loop) {
      throw new IllegalStateException(
          call
              + "() of a MemoryNetwork called from "
              + task.name()
              + " of another event loop: a"
              + " network belongs to the loop of the first task that used it"
              + (l.isClosed() ? " (closed since)" : ""));
    }
    return l;
  }

  /** Runs {@code change} under the lock if the network has no loop yet, else on its loop. */
  private void configure(String call, Runnable change) {
    synchronized (this) {
      if (loop == null) {
        change.run();
        return;
      }
    }
    onLoop(call, change);
  }

  /** Runs {@code action} holding the baton of the network's loop (none yet: nothing to act on). */
  private void onLoop(String call, Runnable action) {
    EventLoop l = loop;
    if (l == null) {
      synchronized (this) {
        if (loop == null) {
          action.run();
          return;
        }
        l = loop;
      }
    }
    Streams.onLoop(l, call, this, action);
  }

  /** The endpoint of {@code side}; null for a connection that has ended. Baton holder only. */
  private MemoryTransport transportOf(StreamWriter side) {
    MemoryTransport transport = connections.get(side);
    if (transport == null && !(side instanceof LoopStreamWriter w && w.isClosing())) {
      throw new IllegalArgumentException("not a connection of this MemoryNetwork: " + side);
    }
    return transport;
  }

  /** Runs {@code action} in the next iteration, or after {@code nanos} on the loop's clock. */
  private static void after(EventLoop loop, long nanos, Runnable action) {
    if (nanos == 0) {
      loop.callSoonOnLoop(action);
    } else {
      loop.callLaterOnLoop(nanos, action);
    }
  }

  // ------------------------------------------------------------------ listening

  private Server listen(EventLoop l, ConnectionHandler handler, String host, int port, int limit)
      throws Exception {
    Set<String> hosts = listenHosts(host);
    int bound = port == 0 ? freePort() : port;
    for (MemoryServer other : listening.getOrDefault(bound, List.of())) {
      if (other.overlaps(hosts)) {
        throw new BindException("Address already in use");
      }
    }
    List<InetSocketAddress> addresses = new ArrayList<>(2);
    if (hosts == null) {
      addresses.add(address(wildcard(host), bound));
    } else {
      for (String h : hosts) {
        addresses.add(address(h, bound));
      }
    }
    MemoryServer server = new MemoryServer(this, l, handler, limit, bound, hosts, addresses);
    listening.computeIfAbsent(bound, p -> new ArrayList<>(1)).add(server);
    return server;
  }

  /** The next port from 49152 up (around again after 65535) that no server listens on. */
  private int freePort() throws BindException {
    for (int tries = 0; tries <= 0xFFFF - FIRST_EPHEMERAL_PORT; tries++) {
      int port = nextPort;
      nextPort = port == 0xFFFF ? FIRST_EPHEMERAL_PORT : port + 1;
      if (!listening.containsKey(port)) {
        return port;
      }
    }
    throw new BindException("Address already in use");
  }

  // ------------------------------------------------------------------ connecting

  /** A connect on its way: the handshake arrives, then the answer comes back. */
  private static final class Attempt {
    boolean cancelled;
    MemoryTransport client;
  }

  private Connection connect(CoroutineTask<?> task, String host, int port, int limit)
      throws Exception {
    EventLoop l = task.loop;
    List<String> candidates = connectHosts(host);
    LoopFuture<MemoryTransport> made =
        new LoopFuture<>(l, "connection to " + address(candidates.get(0), port));
    Attempt attempt = new Attempt();
    long up = latencyToServer;
    long down = latencyToClient;
    after(l, up, () -> arrive(l, attempt, made, candidates, port, limit, down));
    try {
      MemoryTransport client = task.await(made);
      return new MemoryConnection(client.reader, client.writer);
    } catch (CancellationException e) { // nothing may stay open
      attempt.cancelled = true;
      if (attempt.client != null) {
        attempt.client.abort();
      }
      throw e;
    }
  }

  /** The handshake reaches the port: a server there accepts it, else it is refused. */
  private void arrive(
      EventLoop l,
      Attempt attempt,
      LoopFuture<MemoryTransport> made,
      List<String> candidates,
      int port,
      int limit,
      long down) {
    if (attempt.cancelled) {
      return;
    }
    MemoryServer server = null;
    String host = null;
    if (!refusing) {
      search:
      for (String candidate : candidates) {
        for (MemoryServer s : listening.getOrDefault(port, List.of())) {
          if (s.listensOn(candidate)) {
            server = s;
            host = candidate;
            break search;
          }
        }
      }
    }
    if (server == null) {
      after(
          l,
          down,
          () -> {
            if (!made.isDone()) {
              made.setException(new ConnectException("Connection refused"));
            }
          });
      return;
    }
    int clientPort;
    try {
      clientPort = freePort();
    } catch (BindException e) {
      after(l, down, () -> made.completeUnlessDone(null, e));
      return;
    }
    MemoryTransport client =
        MemoryTransport.connect(
            l,
            this,
            address(host, clientPort),
            address(host, port),
            limit,
            server.limit,
            server::detach);
    MemoryTransport accepted = client.peerTransport();
    connections.put(client.writer, client);
    connections.put(accepted.writer, accepted);
    attempt.client = client;
    server.serve(accepted);
    after(l, down, () -> made.setResultIfPending(client));
  }

  // ------------------------------------------------------------------ hosts and addresses

  /** The hosts a server on {@code host} listens on, as the network keys them; null: every host. */
  private static Set<String> listenHosts(String host) {
    if (host == null || host.isEmpty() || host.equals("0.0.0.0") || host.equals("::")) {
      return null;
    }
    String key = key(host);
    return key.equals("localhost")
        ? Collections.unmodifiableSet(new LinkedHashSet<>(LOCALHOST))
        : Set.of(key);
  }

  /** The hosts a client of {@code host} tries, in order. */
  private static List<String> connectHosts(String host) {
    String key = host == null || host.isEmpty() ? "localhost" : key(host);
    return key.equals("localhost") ? LOCALHOST : List.of(key);
  }

  /** An IP literal in its canonical form; a name in lower case. */
  private static String key(String host) {
    if (isIpLiteral(host)) {
      InetAddress address = literal(host);
      if (address != null) {
        return address.getHostAddress();
      }
    }
    return host.toLowerCase(Locale.ROOT);
  }

  private static boolean isIpLiteral(String host) {
    if (host.indexOf(':') >= 0) {
      return true;
    }
    if (!IPV4_LITERAL.matcher(host).matches()) {
      return false;
    }
    for (String part : host.split("\\.")) {
      if (Integer.parseInt(part) > 255) {
        return false;
      }
    }
    return true;
  }

  /** The address of an IP literal, parsed, never looked up; null if it is not one. */
  private static InetAddress literal(String host) {
    try {
      return InetAddress.getByName(host); // a literal: parsed only
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /** What a wildcard host reports, as TCP does: 0.0.0.0 for IPv4, :: otherwise. */
  private static String wildcard(String host) {
    return "0.0.0.0".equals(host) ? "0.0.0.0" : "0:0:0:0:0:0:0:0";
  }

  /** The address of a host key: resolved for an IP literal, unresolved for a name. */
  private static InetSocketAddress address(String key, int port) {
    InetAddress address = isIpLiteral(key) ? literal(key) : null;
    return address != null
        ? new InetSocketAddress(address, port)
        : InetSocketAddress.createUnresolved(key, port);
  }

  private static long latency(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative()) {
      throw new IllegalArgumentException(name + " cannot be negative: " + d);
    }
    return EventLoop.saturatedNanos(d);
  }

  private static void checkPortAndLimit(int port, int limit) {
    if (port < 0 || port > 0xFFFF) {
      throw new IllegalArgumentException("port out of range 0..65535: " + port);
    }
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be positive: " + limit);
    }
  }

  /** A client connection: the reader and writer of one endpoint. */
  private record MemoryConnection(StreamReader reader, StreamWriter writer) implements Connection {}
}
