package io.fgbg;

import java.io.IOException;

/**
 * A line or separator search went past the reader's limit: asyncio's {@code LimitOverrunError}.
 * The limit is what bounds a reader's memory, whatever a peer sends.
 */
public final class LimitOverrunException extends IOException {
  private static final long serialVersionUID = 1L;

  private final int consumed;

  /**
   * Makes the exception.
   *
   * @param message what went past the limit
   * @param consumed how many bytes the search looked at (or, when the separator was found, where
   *     it starts)
   */
  public LimitOverrunException(String message, int consumed) {
    super(message);
    this.consumed = consumed;
  }

  /**
   * How many bytes the search looked at before giving up.
   *
   * @return the count
   */
  public int consumed() {
    return consumed;
  }
}
