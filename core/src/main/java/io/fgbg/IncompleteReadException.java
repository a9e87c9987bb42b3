package io.fgbg;

import java.io.EOFException;

/**
 * The stream ended before a {@link StreamReader#readExactly} or {@link StreamReader#readUntil}
 * had what it needed: asyncio's {@code IncompleteReadError}. The bytes that did arrive are in
 * {@link #partial()}.
 */
public final class IncompleteReadException extends EOFException {
  private static final long serialVersionUID = 1L;

  private final byte[] partial;
  private final int expected;

  /**
   * Makes the exception.
   *
   * @param partial the bytes read before the end of the stream (copied)
   * @param expected how many bytes were expected, or -1 when not known (a separator was sought)
   */
  public IncompleteReadException(byte[] partial, int expected) {
    super(
        partial.length
            + " bytes read on a total of "
            + (expected < 0 ? "undefined" : String.valueOf(expected))
            + " expected bytes");
    this.partial = partial.clone();
    this.expected = expected;
  }

  /**
   * The bytes that arrived before the end of the stream.
   *
   * @return a copy of them
   */
  public byte[] partial() {
    return partial.clone();
  }

  /**
   * How many bytes were expected.
   *
   * @return the count, or -1 if the read sought a separator
   */
  public int expected() {
    return expected;
  }
}
