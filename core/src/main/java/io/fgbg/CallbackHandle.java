package io.fgbg;

/**
 * A callback waiting in the loop's ready queue (asyncio's {@code Handle}).
 *
 * <p>{@code cancelled} is volatile so that {@link #cancel()} is safe from any thread; the loop
 * reads it right before running the callback.
 */
class CallbackHandle implements Handle, Runnable {
  private Runnable callback; // null once cancelled, so that a cancelled handle keeps nothing alive
  private volatile boolean cancelled;

  CallbackHandle(Runnable callback) {
    this.callback = callback;
  }

  @Override
  public void run() {
    Runnable c = callback;
    if (!cancelled && c != null) {
      c.run();
    }
  }

  @Override
  public void cancel() {
    cancelled = true;
    callback = null;
  }

  @Override
  public boolean isCancelled() {
    return cancelled;
  }

  @Override
  public String toString() {
    Runnable c = callback;
    return "Handle[" + (cancelled ? "cancelled" : String.valueOf(c)) + "]";
  }
}
