package io.fgbg;

import java.util.NoSuchElementException;

/**
 * Thrown by {@link AsyncQueue#getNowait()} when the queue has no item: asyncio's {@code
 * QueueEmpty}.
 *
 * <p>Thread regime: an exception object; nothing in it changes after it is made.
 *
 * <p>Usage: {@code getNowait()} is for code that must not wait; to wait for an item, await {@link
 * AsyncQueue#get()} instead.
 *
 * <p>Differences from asyncio: a {@link NoSuchElementException}, as the JDK's {@code
 * Queue.remove()} throws on an empty queue, so code written for the JDK's queues catches it.
 */
public class QueueEmptyException extends NoSuchElementException {
  /**
   * An exception with {@code message}.
   *
   * @param message what was asked of which queue
   */
  public QueueEmptyException(String message) {
    super(message);
  }
}
