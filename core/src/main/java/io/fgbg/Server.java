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
 * server.closeClients();                   // close them too, once what they wrote is sent
 * runInForeground(server.waitClosed());    // until they have finished
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
   * Closes every open connection of the server, each once what was written to it has been sent
   * (asyncio 3.13's {@code close_clients}). Their readers see the end of the stream, so handlers
   * waiting to read return; after {@link #close()} it lets {@link #waitClosed()} finish. It does
   * not stop accepting: connections accepted later are not closed. Never suspends.
   *
   * @throws IllegalStateException if the loop is running in another thread
   */
  void closeClients();

  /**
   * Closes every open connection of the server at once, dropping what was not sent yet (asyncio
   * 3.13's {@code abort_clients}). Their readers see the end of the stream; a handler's later
   * {@code drain()} throws. Never suspends.
   *
   * @throws IllegalStateException if the loop is running in another thread
   */
  void abortClients();

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
