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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.CancellationException;
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
 * <p>Invariants: only the thread holding the loop's baton touches its state; the public methods
 * take the baton (or refuse, if the loop runs in another thread), and refuse the tasks of other
 * loops before they touch anything. {@code clients} holds the accepted sockets not closed yet
 * (asyncio's {@code _clients}), in the order they were accepted. The addresses are fixed before the server is returned, so any thread may read them.
 *
 * <p>Accepting when the process is out of descriptors: {@code accept()} fails, the failure is
 * reported, and accepting pauses for a second, as asyncio's {@code _accept_connection} does; the
 * connections wait in the kernel's backlog meanwhile, and are served once descriptors are free.
 */
final class TcpServer implements Server {
  /** Connections the kernel may queue before the loop accepts them. */
  private static final int BACKLOG = 1024;
  /** How long accepting pauses after accept() failed (asyncio's ACCEPT_RETRY_DELAY). */
  private static final long ACCEPT_RETRY_NANOS = 1_000_000_000L;

  private final EventLoop loop;
  private final ConnectionHandler handler;
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
  /** Written by the baton holder only; volatile so that {@link #isServing} may read it anywhere. */
  private volatile boolean serving;
  /** Each open connection's socket, with the stream on it (whose transport may be TLS). */
  private final LinkedHashMap<SocketTransport, StreamProtocol> clients = new LinkedHashMap<>();
  private final ArrayList<LoopFuture<Void>> closeWaiters = new ArrayList<>(1);
  private LoopFuture<Void> servingForever;

  TcpServer(EventLoop loop, ConnectionHandler handler, int limit, SSLContext tls) {
    this.loop = loop;
    this.handler = handler;
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
      server.closeListening();
      throw e;
    }
    server.serving = true;
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
    serving = true;
  }

  /** Accepts what the kernel has queued (up to the backlog at a time), a handler task for each. */
  private void acceptReady(ServerSocketChannel channel) {
    for (int i = 0; i < BACKLOG && serving; i++) {
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
    SocketTransport socket = (SocketTransport) stream.transport();
    clients.put(socket, stream);
    SSLProtocol ssl =
        tls == null
            ? null
            : Tls.install(stream, Tls.serverEngine(tls), SSLProtocol.HANDSHAKE_TIMEOUT_NANOS);
    CoroutineTask<Void> task =
        new CoroutineTask<>(
            loop,
            () -> {
              if (ssl != null) {
                ssl.awaitHandshake(Fgbg.requireTask("handler")); // the handler gets a TLS stream
              }
              handler.handle(stream.reader, stream.writer);
              return null;
            });
    task.markObserved(); // the server takes its outcome, below: no job notice, no second report
    loop.scheduleStep(task);
    task.addCallback(
        (AbstractFuture.DoneCallback)
            done -> {
              reportIfFailed(task, ssl);
              stream.transport().close();
            });
  }

  /**
   * asyncio's (3.12) done callback of a connection's task: a handler that threw is reported
   * through the loop's exception handler at once (and only there). A failed TLS handshake, which
   * never reached the handler, is reported in debug mode only, as asyncio logs it.
   */
  private void reportIfFailed(CoroutineTask<Void> task, SSLProtocol ssl) {
    Throwable failure = task.isCancelled() ? null : task.failureNow();
    if (failure == null) {
      return;
    }
    if (ssl != null && failure == ssl.handshakeFailure()) {
      if (loop.isDebug()) {
        loop.callExceptionHandler(
            ExceptionContext.of(
                "TLS handshake failed on a connection to " + describe(), failure, task));
      }
      return;
    }
    loop.callExceptionHandler(
        ExceptionContext.of("Unhandled exception in connection handler", failure, task));
  }

  private void detach(SocketTransport transport) {
    clients.remove(transport);
    wakeUpIfFinished();
  }

  private void wakeUpIfFinished() {
    if (!serving && clients.isEmpty()) {
      for (LoopFuture<Void> waiter : closeWaiters) {
        waiter.setResultIfPending(null);
      }
      closeWaiters.clear();
    }
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
  public boolean isServing() {
    return serving;
  }

  @Override
  public void close() {
    Streams.checkLoop(loop, "close", this);
    loop.onLoop(
        () -> {
          closeOnLoop();
          return null;
        });
  }

  private void closeOnLoop() {
    if (!serving) {
      return;
    }
    serving = false;
    closeListening();
    LoopFuture<Void> forever = servingForever;
    if (forever != null) {
      forever.setResultIfPending(null);
    }
    wakeUpIfFinished();
  }

  private void closeListening() {
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
  public void closeClients() {
    Streams.checkLoop(loop, "closeClients", this);
    loop.onLoop(
        () -> {
          for (StreamProtocol client : List.copyOf(clients.values())) {
            client.transport().close(); // over TLS: close_notify, then the socket
          }
          return null;
        });
  }

  @Override
  public void abortClients() {
    Streams.checkLoop(loop, "abortClients", this);
    loop.onLoop(
        () -> {
          for (StreamProtocol client : List.copyOf(clients.values())) {
            client.transport().abort();
          }
          return null;
        });
  }

  @Override
  public Coroutine<Void> waitClosed() {
    return () -> {
      CoroutineTask<?> task = Streams.requireTaskOf(loop, "waitClosed", this);
      if (serving || !clients.isEmpty()) {
        LoopFuture<Void> waiter = new LoopFuture<>(loop, "close of server " + where());
        closeWaiters.add(waiter);
        task.await(waiter);
      }
      return null;
    };
  }

  @Override
  public Coroutine<Void> serveForever() {
    return () -> {
      CoroutineTask<?> task = Streams.requireTaskOf(loop, "serveForever", this);
      if (servingForever != null) {
        throw new IllegalStateException("server " + where() + " is already served forever");
      }
      if (!serving) {
        throw new IllegalStateException("server " + where() + " is closed");
      }
      LoopFuture<Void> forever = new LoopFuture<>(loop, "server " + where());
      servingForever = forever;
      try {
        task.await(forever);
      } catch (CancellationException e) {
        closeOnLoop(); // cancelling serveForever closes the server
        throw e;
      } finally {
        servingForever = null;
      }
      return null;
    };
  }

  /** What a refused call names: "the server on /127.0.0.1:8888", "the server on unix:/tmp/s". */
  String describe() {
    return "the server on " + where();
  }

  private String where() {
    return unixName != null ? unixName : String.valueOf(addresses.get(0));
  }

  @Override
  public String toString() {
    return "Server[" + (unixName != null ? unixName : addresses) + (tls != null ? ", TLS" : "")
        + (serving ? ", serving" : ", closed") + ", " + clients.size() + " connections]";
  }
}
