package io.fgbg;

import java.net.InetSocketAddress;

/**
 * A UDP socket on the loop, made by {@link Fgbg#openDatagramEndpoint}: asyncio's datagram
 * transport and protocol, with the datagrams received waiting in a bounded queue instead of a
 * callback.
 *
 * <pre>{@code
 * DatagramEndpoint echo = await(openDatagramEndpoint(new InetSocketAddress("127.0.0.1", 0), null));
 * for (;;) {
 *   Datagram d = await(echo.receive());
 *   echo.send(d.data(), d.from());
 * }
 * }</pre>
 *
 * <p>The loop reads datagrams as they arrive, whether or not a task receives them: up to 1,024
 * wait in the queue; past that the oldest is dropped, and {@link #dropped()} counts it (UDP may
 * lose any datagram; a reader that lags behind loses the oldest, with memory bounded). An endpoint
 * made with a remote address is connected: it sends there by default and receives from there only,
 * and an ICMP error for it (port unreachable) fails the next {@link #receive()} with a {@link
 * java.net.PortUnreachableException}; so does an error of a send, which never throws it itself.
 *
 * <p>Its methods are called on the loop's thread: inside a task, or between foreground runs (any
 * thread may then take the idle loop briefly). While the loop runs in another thread, {@link
 * #send} and {@link #close()} throw {@link IllegalStateException}.
 */
public interface DatagramEndpoint extends AutoCloseable {
  /**
   * Sends {@code data} as one datagram to the endpoint's remote address; never suspends. A
   * datagram the system cannot take at once waits for the socket (up to 1,024 of them; past that
   * a new one is dropped, as a full network queue drops it). The array may be reused once this
   * returns.
   *
   * @param data the datagram's bytes
   * @throws NullPointerException if {@code data} is null
   * @throws IllegalStateException if the endpoint has no remote address, or is closed
   */
  void send(byte[] data);

  /**
   * Sends {@code data} as one datagram to {@code to}; never suspends, as {@link #send(byte[])}.
   *
   * @param data the datagram's bytes
   * @param to where to; null for the remote address
   * @throws NullPointerException if {@code data} is null
   * @throws IllegalArgumentException if the endpoint is connected and {@code to} is another
   *     address (as asyncio's "Invalid address")
   * @throws IllegalStateException if the endpoint is closed, or {@code to} is null and it has no
   *     remote address
   */
  void send(byte[] data, InetSocketAddress to);

  /**
   * A coroutine that returns the oldest datagram waiting, suspending until one arrives if none
   * does; it returns without yielding when one is waiting. Several tasks may wait at once: they
   * are served in the order they came.
   *
   * @return the coroutine; it throws the {@link java.io.IOException} of an ICMP error or a failed
   *     send that came before (such as {@link java.net.PortUnreachableException}), once, and
   *     {@link IllegalStateException} once the endpoint is closed (also to the tasks waiting then)
   */
  Coroutine<Datagram> receive();

  /**
   * The address the endpoint is bound to; any thread may ask.
   *
   * @return the local address, with the port chosen if 0 was asked for
   */
  InetSocketAddress localAddress();

  /**
   * How many datagrams were dropped because 1,024 were waiting already (those the system drops
   * before the loop reads them are not known, and not counted); any thread may ask.
   *
   * @return the count, since the endpoint was made
   */
  long dropped();

  /**
   * Closes the socket at once: datagrams waiting to go or to be received are dropped; tasks
   * waiting in {@link #receive()} get an {@link IllegalStateException}. Closing again does nothing.
   *
   * @throws IllegalStateException if the loop is running in another thread
   */
  @Override
  void close();
}
