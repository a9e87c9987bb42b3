package io.fgbg;

import java.net.InetSocketAddress;

/**
 * The sending end of a TCP connection: asyncio's {@code StreamWriter}.
 *
 * <pre>{@code
 * writer.write("Hello World!\n");   // buffered, never suspends
 * await(writer.drain());            // waits while the peer lags behind
 * writer.close();
 * await(writer.waitClosed());
 * }</pre>
 *
 * <p>{@link #write} sends what the socket takes at once and buffers the rest; the loop sends the
 * buffer as the peer reads. Above 64 KiB buffered, {@link #drain()} suspends its task until the
 * buffer is below 16 KiB again, so a writer that drains cannot outrun a slow reader. The methods
 * are called on the loop's thread: inside a task, or between foreground runs (any thread may then
 * take the idle loop briefly). While the loop runs in another thread, {@link #write} and {@link
 * #close()} throw {@link IllegalStateException}.
 */
public interface StreamWriter {
  /**
   * Sends {@code data}, buffering what the socket does not take at once; never suspends. The
   * array may be reused as soon as this returns. After the connection is lost the bytes are
   * dropped, and {@link #drain()} throws.
   *
   * @param data the bytes
   * @throws NullPointerException if {@code data} is null
   * @throws IllegalStateException if the writer was closed
   */
  void write(byte[] data);

  /**
   * Sends {@code text} encoded as UTF-8, as {@link #write(byte[])} does.
   *
   * @param text the text
   * @throws NullPointerException if {@code text} is null
   * @throws IllegalStateException if the writer was closed
   */
  void write(String text);

  /**
   * A coroutine that suspends while more than 64 KiB is buffered, until under 16 KiB is; it
   * returns at once (without yielding) when the buffer is below its high-water mark.
   *
   * @return the coroutine; it throws the {@link java.io.IOException} that ended the connection,
   *     if it was lost
   */
  Coroutine<Void> drain();

  /**
   * Closes the connection once what was written has been sent; stops reading at once. Closing
   * again does nothing.
   *
   * @throws IllegalStateException if the loop is running in another thread
   */
  void close();

  /**
   * A coroutine that suspends until the connection is closed.
   *
   * @return the coroutine; it throws the {@link java.io.IOException} that ended the connection,
   *     if it was lost rather than closed
   */
  Coroutine<Void> waitClosed();

  /**
   * Tells whether the connection is closed or closing.
   *
   * @return true once {@link #close()} was called or the connection was lost
   */
  boolean isClosing();

  /**
   * The peer's address.
   *
   * @return the address the connection was made with; null for a Unix domain socket
   */
  InetSocketAddress peerAddress();

  /**
   * A coroutine that upgrades the connection to TLS in place: asyncio's {@code
   * StreamWriter.start_tls}, the same as {@link Fgbg#startTls(StreamWriter,
   * javax.net.ssl.SSLContext, String)}. It drains what was written, then makes the handshake as
   * the side the connection was made on (a client if it was opened, a server if it was accepted);
   * afterwards this writer and its reader carry TLS.
   *
   * @param tls the context
   * @param serverName a client's: the name sent (SNI) and checked against the certificate; null
   *     for neither; a server's side does not use it
   * @return the coroutine; it suspends for the drain and the handshake, and throws {@link
   *     javax.net.ssl.SSLException} if the handshake fails or takes longer than 60 s (the
   *     connection is closed then), {@link IllegalStateException} if the connection is closed
   * @throws NullPointerException if {@code tls} is null
   * @throws IllegalArgumentException if this is not the writer of a socket connection made by
   *     fgbg
   */
  default Coroutine<Void> startTls(javax.net.ssl.SSLContext tls, String serverName) {
    return Fgbg.startTls(this, tls, serverName);
  }
}
