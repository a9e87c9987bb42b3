package io.fgbg;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SSLContext;

/**
 * fgbg's {@link Server}: listening sockets on the loop's selector (asyncio's {@code Server} with
 * {@code _accept_connection}). Each accepted connection gets a {@link SocketTransport} and a task
 * that runs the handler; the task's end closes the connection once its output is sent. TCP or a
 * Unix domain socket ({@link UnixStreams} binds the path; the server removes its file at close).
 *
 * <p>With TLS, each connection's task first waits for the handshake, and the handler runs only
 * once it succeeded, as asyncio calls {@code client_connected_cb} after it. A failed handshake ends
 * that task with its {@link javax.net.ssl.SSLException} and closes that connection alone; as in
 * asyncio, where an {@code SSLError} is an {@code OSError} logged in debug mode only, it reaches
 * the loop's exception handler only in debug mode.
 *
 * <p>Invariants: as {@link BaseServer}'s, whose connections and lifecycle it shares; only the
 * thread holding the loop's baton touches the listening sockets. The addresses are fixed before the
 * server is returned, so any thread may read them.
 *
 * <p>Accepting when the process is out of descriptors: {@code accept()} fails, the failure is
 * reported, and accepting pauses for a second, as asyncio's {@code _accept_connection} does; the
 * connections wait in the kernel's backlog meanwhile, and are served once descriptors are free.
 */
final class TcpServer extends BaseServer {
  /** Connections the kernel may queue before the loop accepts them. */
  private static final int BACKLOG = 1024;
  /** How long accepting pauses after accept() failed (asyncio's ACCEPT_RETRY_DELAY). */
  private static final long ACCEPT_RETRY_NANOS = 1_000_000_000L;

  private final int limit;
  /** The TLS of every connection, or null for plain ones. */
  private final SSLContext tls;
  /** A Unix server's socket file, or null; and what identified the file it bound (its inode). */
  private Path unixPath;
  private Object unixFileKey;
  /** "unix:/tmp/s" for a Unix server (kept after close, for messages), else null. */
  private String unixName;
  private final List<SelectionKey> listening = new ArrayList<>(2);
  private final List<InetSocketAddress> addresses = new ArrayList<>(2);

  TcpServer(EventLoop loop, ConnectionHandler handler, int limit, SSLContext tls) {
    super(loop, handler);
    this.limit = limit;
    this.tls = tls;
  }

  /**
   * Listens on each of {@code hosts} (null: every interface) at {@code port}; with port 0, the
   * first gets an ephemeral port and the others the same one. Baton holder only.
   */
  static TcpServer listen(
      EventLoop loop,
      ConnectionHandler handler,
      InetAddress[] hosts,
      int port,
      int limit,
      SSLContext tls)
      throws IOException {
    TcpServer server = new TcpServer(loop, handler, limit, tls);
    try {
      for (InetAddress host : hosts) {
        server.bind(host, server.addresses.isEmpty() ? port : server.port());
      }
    } catch (IOException | RuntimeException e) {
      server.stopListening();
      throw e;
    }
    server.startServing();
    return server;
  }

  /**
   * Binds one listening socket. An IPv4 address gets an IPv4 socket, so that "0.0.0.0" listens on
   * IPv4 only, as in asyncio (a default socket is dual-stack: bound to 0.0.0.0 it would take IPv6
   * too, and report ::); null, every interface, gets the default dual-stack socket.
   */
  private void bind(InetAddress host, int port) throws IOException {
    ServerSocketChannel channel =
        host instanceof Inet4Address
            ? ServerSocketChannel.open(StandardProtocolFamily.INET)
            : host instanceof Inet6Address
                ? ServerSocketChannel.open(StandardProtocolFamily.INET6)
                : ServerSocketChannel.open();
    try {
      channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      channel.bind(new InetSocketAddress(host, port), BACKLOG);
      watch(channel);
      addresses.add((InetSocketAddress) channel.getLocalAddress());
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /** Accepts on {@code channel}, bound already, from the loop's selector. */
  private void watch(ServerSocketChannel channel) throws IOException {
    channel.configureBlocking(false);
    SelectionKey key = Streams.selector(loop).register(channel, SelectionKey.OP_ACCEPT, null);
    key.attach((Runnable) () -> acceptReady(channel));
    listening.add(key);
  }

  /**
   * Serves on {@code channel}, a Unix socket bound to {@code path}, whose file (identified by
   * {@code fileKey}, null if unknown) is removed at close if it is still that one. Baton holder
   * only; on failure the channel is closed.
   */
  void listenUnix(ServerSocketChannel channel, Path path, Object fileKey) throws IOException {
    try {
      watch(channel);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    unixPath = path;
    unixName = "unix:" + path;
    unixFileKey = fileKey;
    startServing();
  }

  /** Accepts what the kernel has queued (up to the backlog at a time), a handler task for each. */
  private void acceptReady(ServerSocketChannel channel) {
    for (int i = 0; i < BACKLOG && isServing(); i++) {
      SocketChannel connection;
      try {
        connection = channel.accept();
      } catch (IOException e) { // out of descriptors, say: as asyncio, pause for a second
        loop.reportException("Error accepting a connection on " + where(), e);
        pauseAccepting(channel);
        return;
      }
      if (connection == null) {
        return;
      }
      try {
        serve(connection);
      } catch (IOException e) { // reset before it could be set up: nothing to serve
        try {
          connection.close();
        } catch (IOException ignored) {
          // it is gone either way
        }
      }
    }
  }

  private void pauseAccepting(ServerSocketChannel channel) {
    SelectionKey key = channel.keyFor(loop.io().selector());
    if (key == null || !key.isValid()) {
      return;
    }
    key.interestOps(0);
    loop.callLaterOnLoop(
        ACCEPT_RETRY_NANOS,
        () -> {
          if (key.isValid()) {
            key.interestOps(SelectionKey.OP_ACCEPT);
          }
        });
  }

  private void serve(SocketChannel connection) throws IOException {
    connection.configureBlocking(false);
    if (unixPath == null) {
      connection.setOption(StandardSocketOptions.TCP_NODELAY, true);
    }
    StreamProtocol stream = SocketTransport.stream(loop, connection, null, limit, true, this::detach);
    SocketTransport socket = (SocketTransport) stream.transport(); // before TLS goes over it
    SSLProtocol ssl =
        tls == null
            ? null
            : Tls.install(stream, Tls.serverEngine(tls), SSLProtocol.HANDSHAKE_TIMEOUT_NANOS);
    serve(socket, stream::transport, stream.reader, stream.writer, ssl);
  }

  @Override
  public int port() {
    if (addresses.isEmpty()) {
      throw new IllegalStateException(describe() + " has no port: it is a Unix socket server");
    }
    return addresses.get(0).getPort();
  }

  @Override
  public List<InetSocketAddress> addresses() {
    return List.copyOf(addresses);
  }

  @Override
  void stopListening() {
    for (SelectionKey key : listening) {
      loop.io().release(key);
    }
    listening.clear();
    if (unixPath != null) {
      UnixStreams.removeSocketFile(loop, unixPath, unixFileKey);
      unixPath = null;
    }
  }

  @Override
  String where() {
    return unixName != null ? unixName : String.valueOf(addresses.get(0));
  }

  @Override
  public String toString() {
    return "Server[" + (unixName != null ? unixName : addresses) + (tls != null ? ", TLS" : "")
        + ", " + stateText() + "]";
  }
}
