package io.fgbg;

/**
 * The loop's clock, in nanoseconds from the loop's creation.
 *
 * <p>The real clock follows {@link System#nanoTime()}. The virtual clock ({@link VirtualClock},
 * for tests) stands still while the loop has work and jumps straight to the next timer when the
 * loop would otherwise wait for it (trio's "autojump" clock): a ticker that sleeps one second at a
 * time runs for an hour of loop time in a few milliseconds, with the interleavings the real clock
 * would give.
 *
 * <p>Thread regime: {@link #now()} may be read from any thread; only the thread holding the
 * loop's baton moves a virtual clock.
 */
abstract class LoopClock {
  /** The time now, in nanoseconds since the loop was created. */
  abstract long now();

  /**
   * The {@link System#nanoTime()} reading at which this clock read {@code loopTime}, for a time
   * this clock has just read: its origin plus it on the real clock; on a virtual clock, which has
   * no fixed relation to real time, the real time now.
   */
  abstract long realNanosAt(long loopTime);

  static LoopClock real() {
    long origin = System.nanoTime();
    return new LoopClock() {
      @Override
      long now() {
        return System.nanoTime() - origin;
      }

      @Override
      long realNanosAt(long loopTime) {
        return origin + loopTime;
      }
    };
  }

  /** A virtual clock at 0: see {@link VirtualClock}. */
  static VirtualClock virtual() {
    return new VirtualClock();
  }
}
