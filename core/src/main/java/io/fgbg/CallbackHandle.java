package io.fgbg;

/**
 * A callback waiting in the loop's ready queue (asyncio's {@code Handle}).
 *
 * <p>Threads: the loop makes and runs it, holding the baton; {@link #cancel()} may come from any
 * thread. {@code cancelled} is volatile and the loop reads it right before running the callback,
 * so a cancel that happened before the loop reached the handle stops it. {@code callback} is a
 * plain field that a cancel clears from any thread: the loop reads it after the flag, and sees
 * either the callback (the cancel came too late, as it may in asyncio) or null (it runs nothing).
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
