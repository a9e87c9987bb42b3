package io.fgbg;

/**
 * The loop's clock, in nanoseconds from the loop's creation.
 *
 * <p>The real clock follows {@link System#nanoTime()}. The virtual clock, for tests, stands still
 * while the loop has work and jumps straight to the next timer when the loop would otherwise wait
 * for it (trio's "autojump" clock): a ticker that sleeps one second at a time runs for an hour of
 * loop time in a few milliseconds, with exactly the interleavings the real clock would give.
 */
abstract class LoopClock {
  /** The time now, in nanoseconds since the loop was created. */
  abstract long now();

  /** The time now, without the tick a reading of a ticking virtual clock costs. */
  long peek() {
    return now();
  }

  /** True if waiting for a timer should jump the clock rather than wait. */
  abstract boolean isVirtual();

  /** Moves a virtual clock forward to {@code deadline}; the real clock ignores it. */
  void advanceTo(long deadline) {}

  static LoopClock real() {
    long origin = System.nanoTime();
    return new LoopClock() {
      @Override
      long now() {
        return System.nanoTime() - origin;
      }

      @Override
      boolean isVirtual() {
        return false;
      }
    };
  }

  /**
   * A virtual clock. With {@code tickNanos} above zero every reading of the clock moves it on by
   * that much: the loop's own work takes a little time, as on a real clock, but exactly the same
   * amount every run, so that a sleep that started later also ends later, never at the very same
   * instant.
   */
  static LoopClock virtual(long tickNanos) {
    return new LoopClock() {
      // Written only by the thread holding the loop's baton; volatile so that time() and the job
      // table may read it from any thread (a test clock: the cost does not matter).
      private volatile long now;

      @Override
      long now() {
        long t = now + tickNanos;
        now = t;
        return t;
      }

      @Override
      long peek() {
        return now;
      }

      @Override
      boolean isVirtual() {
        return true;
      }

      @Override
      void advanceTo(long deadline) {
        if (deadline > now) {
          now = deadline;
        }
      }
    };
  }
}
