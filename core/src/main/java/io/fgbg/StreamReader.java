package io.fgbg;

/**
 * The receiving end of a TCP connection: asyncio's {@code StreamReader}.
 *
 * <pre>{@code
 * String line = await(reader.readLine());        // null at end of stream
 * byte[] header = await(reader.readExactly(4));  // IncompleteReadException if the stream ends first
 * }</pre>
 *
 * <p>Bytes the peer sends are buffered by the loop as they arrive, up to the reader's limit (64
 * KiB unless given to {@link Fgbg#startServer(ConnectionHandler, String, int, int)} or {@link
 * Fgbg#openConnection(String, int, int)}); while the buffer holds more than twice the limit the
 * loop stops reading the socket, so a fast peer cannot grow it without bound. Every method that
 * returns a {@link Coroutine} suspends its task while no data it can return has arrived, and never
 * suspends when it has. Only one task may wait on a reader at a time: a second one gets {@link
 * IllegalStateException}. If the connection fails (a peer's reset), every read from then on
 * throws that {@link java.io.IOException}. Once the loop is closed, reads fail with {@link
 * IllegalStateException}.
 */
public interface StreamReader {
  /**
   * Reads at most {@code maxBytes} bytes, at least one, suspending until some have arrived.
   *
   * @param maxBytes the most to return; 0 returns an empty array at once; -1 (any negative) reads
   *     until the end of the stream
   * @return the bytes; an empty array at the end of the stream
   */
  Coroutine<byte[]> read(int maxBytes);

  /**
   * Reads one line, decoded as UTF-8, without its {@code "\n"} or {@code "\r\n"}. A last line
   * that the stream ends without a terminator is returned as a line.
   *
   * @return the coroutine; its result is the line, or null at the end of the stream. It throws
   *     {@link LimitOverrunException} if the line is longer than the limit (the bytes read so far
   *     are dropped, up to the line's end if it has arrived)
   */
  Coroutine<String> readLine();

  /**
   * Reads exactly {@code n} bytes.
   *
   * @param n how many bytes; 0 returns an empty array at once
   * @return the coroutine; it throws {@link IncompleteReadException} (with the bytes that did
   *     arrive) if the stream ends first
   * @throws IllegalArgumentException if {@code n} is negative
   */
  Coroutine<byte[]> readExactly(int n);

  /**
   * Reads up to and including {@code separator}.
   *
   * @param separator the bytes that end the chunk
   * @return the coroutine; its result includes the separator. It throws {@link
   *     IncompleteReadException} (with what arrived) if the stream ends first, and {@link
   *     LimitOverrunException} if the chunk is longer than the limit (the bytes stay buffered)
   * @throws NullPointerException if {@code separator} is null
   * @throws IllegalArgumentException if {@code separator} is empty
   */
  Coroutine<byte[]> readUntil(byte[] separator);

  /**
   * Tells whether the peer has ended the stream and every byte has been read.
   *
   * @return true at the end of the stream
   */
  boolean atEof();
}
