package io.fgbg;

/**
 * Work posted to a loop's inbox that must learn when the loop closes before running it, so that
 * whoever waits for it is told instead of waiting for ever (a submitted coroutine's future).
 *
 * <p>Thread regime: {@link #droppedAtClose} runs once, on the thread that releases the closed
 * loop, holding its baton; the work itself never runs then.
 */
interface DroppedAtClose {
  /** The loop closed with this work still in its inbox: it will never run. */
  void droppedAtClose();
}
