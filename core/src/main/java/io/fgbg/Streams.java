package io.fgbg;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * Opening servers and connections, behind {@link Fgbg#startServer} and {@link
 * Fgbg#openConnection}: asyncio's {@code start_server} and {@code open_connection}, with or without
 * TLS; and the check that keeps each stream, server and datagram endpoint to its own loop.
 *
 * <p>A stream or a server belongs to the loop that made it. Its methods refuse a task (or a
 * callback run by a task's thread) of another loop with an {@link IllegalStateException}, before
 * they touch anything; from a thread that runs no loop, the methods that do not suspend take the
 * baton of an idle loop, or refuse if it runs in another thread, as the loop's own methods do.
 */
final class Streams {
  static final int DEFAULT_LIMIT = 64 * 1024;

  private static final Pattern IP_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}|.*:.*");

  private Streams() {}

  static Coroutine<Server> startServer(ConnectionHandler handler, String host, int port, int limit) {
    return startServer(handler, host, port, limit, null);
  }

  static Coroutine<Connection> openConnection(String host, int port, int limit) {
    return openConnection(host, port, limit, null);
  }

  /** The same, with TLS on each connection when {@code tls} is not null. */
  static Coroutine<Server> startServer(
      ConnectionHandler handler, String host, int port, int limit, SSLContext tls) {
    Objects.requireNonNull(handler, "handler");
    checkPortAndLimit(port, limit);
    return () -> {
      CoroutineTask<?> task = Fgbg.requireTask("startServer");
      InetAddress[] hosts =
          host == null || host.isEmpty() ? new InetAddress[] {null} : resolve(task, host);
      return TcpServer.listen(task.loop, handler, hosts, port, limit, tls);
    };
  }

  static Coroutine<Connection> openConnection(String host, int port, int limit, SSLContext tls) {
    checkPortAndLimit(port, limit);
    if (tls != null && (host == null || host.isEmpty())) {
      throw new IllegalArgumentException(
          "a TLS connection needs the server's host name, to check its certificate against");
    }
    return () -> {
      CoroutineTask<?> task = Fgbg.requireTask("openConnection");
      InetAddress[] addresses =
          host == null || host.isEmpty()
              ? new InetAddress[] {InetAddress.getLoopbackAddress()}
              : resolve(task, host);
      IOException failure = null;
      StreamProtocol stream = null;
      for (InetAddress address : addresses) { // each in turn, as asyncio tries them
        try {
          InetSocketAddress to = new InetSocketAddress(address, port);
          stream = connect(task, SocketChannel.open(), to, limit);
          break;
        } catch (IOException e) {
          if (failure == null) {
            failure = e;
          } else {
            failure.addSuppressed(e);
          }
        }
      }
      if (stream == null) {
        throw failure;
      }
      if (tls != null) { // on the connection made, as asyncio's create_connection(ssl=)
        Tls.upgrade(
            task, stream, Tls.clientEngine(tls, host, port), SSLProtocol.HANDSHAKE_TIMEOUT_NANOS);
      }
      return new StreamConnection(stream.reader, stream.writer);
    };
  }

  /**
   * Connects {@code channel} (new, unconnected) to {@code address}, suspending {@code task} while
   * the connection is made, and makes a stream of it; nothing stays open if it fails.
   */
  static StreamProtocol connect(
      CoroutineTask<?> task, SocketChannel channel, SocketAddress address, int limit)
      throws Exception {
    EventLoop loop = task.loop;
    SelectionKey key = null;
    try {
      channel.configureBlocking(false);
      if (address instanceof InetSocketAddress) {
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      }
      if (!channel.connect(address)) {
        key = selector(loop).register(channel, SelectionKey.OP_CONNECT, null);
        do {
          LoopFuture<Void> ready = new LoopFuture<>(loop, "connection to " + address);
          key.attach((Runnable) () -> ready.setResultIfPending(null));
          task.await(ready);
        } while (!channel.finishConnect());
      }
      return SocketTransport.stream(loop, channel, key, limit, false, null);
    } catch (Throwable e) { // refused, out of descriptors, cancelled, ...: nothing may stay open
      if (key != null) {
        loop.io().release(key);
      } else {
        channel.close();
      }
      throw e;
    }
  }

  /** True for an IPv4 or IPv6 address written out, which is parsed rather than looked up. */
  static boolean isIpLiteral(String host) {
    return IP_LITERAL.matcher(host).matches();
  }

  /** The addresses of {@code host}; a name is resolved on a background thread, as asyncio does. */
  private static InetAddress[] resolve(CoroutineTask<?> task, String host) throws Exception {
    if (isIpLiteral(host)) {
      return InetAddress.getAllByName(host); // a literal: parsed, never looked up
    }
    CompletableFuture<InetAddress[]> lookup =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return InetAddress.getAllByName(host);
              } catch (IOException e) {
                throw new CompletionException(e);
              }
            },
            task.loop.defaultExecutor());
    return Fgbg.await(lookup);
  }

  /**
   * The loop's selector, opened for its first socket; a selector that cannot be opened (no
   * descriptor left) is the IOException of the call that needed it. Baton holder only.
   */
  static SelectorEvents selector(EventLoop loop) throws IOException {
    try {
      return loop.io();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /**
   * Runs {@code action} holding {@code loop}'s baton, once {@link #checkLoop} has let {@code call}
   * on {@code subject} through: what the public methods of a stream, a server or an endpoint that
   * change its state do.
   *
   * @throws IllegalStateException for a task of another loop, or if {@code loop} is closed or
   *     running in another thread
   */
  static void onLoop(EventLoop loop, String call, Object subject, Runnable action) {
    checkLoop(loop, call, subject);
    loop.onLoop(
        () -> {
          action.run();
          return null;
        });
  }

  /**
   * Refuses {@code call} on {@code subject} (a stream or server of {@code loop}) from a task of
   * another loop, whose thread runs that loop, before the call touches anything. Allocates nothing
   * on the way through: it is on every write.
   */
  static void checkLoop(EventLoop loop, String call, Object subject) {
    EventLoop running = EventLoop.RUNNING.get(); // a task's thread, or a caller's during its run
    if (running != null && running != loop) {
      CoroutineTask<?> task = EventLoop.TASK.get();
      throw otherLoop(call, subject, task != null && task.loop == running ? task.name() : null);
    }
  }

  /** {@link Fgbg#requireTask}, refusing a task of another loop than {@code loop}. */
  static CoroutineTask<?> requireTaskOf(EventLoop loop, String call, Object subject) {
    CoroutineTask<?> task = Fgbg.requireTask(call);
    if (task.loop != loop) {
      throw otherLoop(call, subject, task.name());
    }
    return task;
  }

  /** The refusal; {@code taskName} is the calling task's, or null for a callback of that loop. */
  private static IllegalStateException otherLoop(String call, Object subject, String taskName) {
    String named =
        switch (subject) {
          case LoopStreamReader reader -> reader.describe();
          case LoopStreamWriter writer -> writer.describe();
          case BaseServer server -> server.describe();
          case LoopDatagramEndpoint endpoint -> endpoint.describe();
          default -> String.valueOf(subject);
        };
    return new IllegalStateException(
        call
            + "() of "
            + named
            + " called from "
            + (taskName != null ? taskName : "a callback")
            + " of another event loop: streams and servers are used by the tasks of the loop"
            + " that made them; from elsewhere, post the call with that loop's"
            + " callSoonThreadsafe()");
  }

  private static void checkPortAndLimit(int port, int limit) {
    if (port < 0 || port > 0xFFFF) {
      throw new IllegalArgumentException("port out of range 0..65535: " + port);
    }
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be positive: " + limit);
    }
  }

  /** A client connection: the reader and writer of one transport. */
  record StreamConnection(StreamReader reader, StreamWriter writer) implements Connection {}
}
