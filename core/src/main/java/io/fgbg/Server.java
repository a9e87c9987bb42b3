package io.fgbg;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * A listening TCP server made by {@link Fgbg#startServer}: it accepts connections while its loop
 * runs and serves each with its {@link ConnectionHandler}, as a task of its own.
 *
 * <pre>{@code
 * Server server = runInForeground(startServer(handler, "", 0)); // serving from now on
 * int port = server.port();
 * ...
 * server.close();                          // no more accepts; open connections go on
 * runInForeground(server.waitClosed());    // until they have finished too
 * }</pre>
 *
 * <p>Its methods are called on the loop's thread: inside a task, or between foreground runs (any
 * thread may then take the idle loop briefly). While the loop runs in another thread, {@link
 * #close()} throws {@link IllegalStateException}.
 */
public interface Server extends AutoCloseable {
  /**
   * The port the server listens on (the first one bound, if it listens on several addresses).
   *
   * @return the port, also after close
   */
  int port();

  /**
   * The addresses the server listens on.
   *
   * @return an unmodifiable list, at least one address
   */
  List<InetSocketAddress> addresses();

  /**
   * Tells whether the server accepts connections.
   *
   * @return true from the start until {@link #close()}
   */
  boolean isServing();

  /**
   * Stops accepting connections at once and releases the listening ports; connections already
   * open go on. Closing again does nothing.
   *
   * @throws IllegalStateException if the loop is running in another thread
   */
  @Override
  void close();

  /**
   * A coroutine that returns once the server is closed and every connection it accepted has
   * finished (its handler has returned and its socket is closed). Suspends until then.
   *
   * @return the coroutine, to {@code await} or run with {@code runInForeground}
   */
  Coroutine<Void> waitClosed();

  /**
   * A coroutine that suspends until the server is closed, then returns. Cancelling the task that
   * runs it closes the server.
   *
   * @return the coroutine; it throws {@link IllegalStateException} if the server is closed
   *     already, or another task serves it forever already
   */
  Coroutine<Void> serveForever();
}
