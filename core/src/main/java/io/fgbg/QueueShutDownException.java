package io.fgbg;

/**
 * Thrown by the puts and gets of an {@link AsyncQueue} that was shut down: asyncio's {@code
 * QueueShutDown} (Python 3.13).
 *
 * <p>Thread regime: an exception object; nothing in it changes after it is made.
 *
 * <p>Usage: after {@link AsyncQueue#shutdown()}, every put throws it, and so does every get once
 * the queue is empty (at once after {@link AsyncQueue#shutdown(boolean) shutdown(true)}); the tasks
 * that were waiting to put or get are woken to throw it. A consumer loop ends on it:
 *
 * <pre>{@code
 * try {
 *   for (;;) {
 *     handle(await(queue.get()));
 *   }
 * } catch (QueueShutDownException e) {
 *   // the producer said there is no more
 * }
 * }</pre>
 *
 * <p>Differences from asyncio: an {@link IllegalStateException}: the queue is in a state that
 * refuses the call.
 */
public class QueueShutDownException extends IllegalStateException {
  /**
   * An exception with {@code message}.
   *
   * @param message what was asked of which queue
   */
  public QueueShutDownException(String message) {
    super(message);
  }
}
