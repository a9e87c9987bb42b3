package io.fgbg;

/**
 * A callback scheduled with {@link EventLoop#callSoon} or {@link EventLoop#callLater}: it can be
 * cancelled until it runs.
 */
public interface Handle {
  /**
   * Cancels the callback: if it has not run yet, it never will. Does nothing if it already ran
   * or was cancelled. Safe from any thread, though a cancel that races with the loop may come
   * too late to stop the callback.
   */
  void cancel();

  /**
   * Tells whether {@link #cancel()} was called.
   *
   * @return true once cancelled
   */
  boolean isCancelled();
}
