package io.fgbg;

/**
 * Both ends of a client connection made by {@link Fgbg#openConnection}: asyncio's {@code (reader,
 * writer)} pair.
 *
 * <pre>{@code
 * Connection c = await(openConnection("localhost", port));
 * c.writer().write("Hello World!\n");
 * String echoed = await(c.reader().readLine());
 * c.writer().close();
 * }</pre>
 */
public interface Connection {
  /**
   * The bytes the peer sends.
   *
   * @return the reader, the same one at every call
   */
  StreamReader reader();

  /**
   * The way to the peer.
   *
   * @return the writer, the same one at every call
   */
  StreamWriter writer();
}
