package io.fgbg;

/**
 * A building block held by the calling task, released by {@link #close()}: what {@code async
 * with lock:} gives in asyncio, as a Java try-with-resources.
 *
 * <p>Thread regime: made on the loop by {@code hold()}; {@code close()} releases through the
 * block's own {@code release()}, so it is used from the block's loop, as the block is.
 *
 * <pre>{@code
 * try (Held held = lock.hold()) {
 *   ... // the lock is held here, across awaits
 * }
 * }</pre>
 *
 * <p>Made by {@link AsyncLock#hold()}, {@link AsyncCondition#hold()} and {@link
 * AsyncSemaphore#hold()}.
 *
 * <p>Differences from asyncio: the hold is an object; closing it twice releases once.
 */
public interface Held extends AutoCloseable {
  /**
   * Releases what {@code hold()} acquired; a second call does nothing. Never a suspension point.
   *
   * @throws IllegalStateException if the block was released meanwhile by other means (a lock
   *     that is no longer locked), or is used from another loop or thread
   */
  @Override
  void close();
}
