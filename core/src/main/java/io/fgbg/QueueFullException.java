package io.fgbg;

/**
 * Thrown by {@link AsyncQueue#putNowait(Object)} when the queue holds {@link AsyncQueue#maxSize()}
 * items: asyncio's {@code QueueFull}.
 *
 * <p>Thread regime: an exception object; nothing in it changes after it is made.
 *
 * <p>Usage: {@code putNowait()} is for code that must not wait; to wait for room, await {@link
 * AsyncQueue#put(Object)} instead.
 *
 * <p>Differences from asyncio: an {@link IllegalStateException}, as the JDK's {@code
 * Queue.add()} throws on a full queue.
 */
public class QueueFullException extends IllegalStateException {
  /**
   * An exception with {@code message}.
   *
   * @param message what was asked of which queue
   */
  public QueueFullException(String message) {
    super(message);
  }
}
