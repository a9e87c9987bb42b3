package io.fgbg.bench.peers;

import java.util.concurrent.locks.LockSupport;

/**
 * The bare virtual-thread baton, without fgbg: two virtual threads that hand a baton to each other
 * {@code n} times each, with a volatile owner field and park/unpark, spinning {@code spins} times
 * with {@link Thread#onSpinWait()} before each park. With no spin it is the least that switching
 * between two parked virtual threads costs; with {@link #SPINS}, the budget fgbg's loop spins when
 * a task's step is next, it is the floor for that way of switching, and the vthreads peer of W1.
 * Both {@code SwitchBenchmark} and {@link VthreadsSwitchBenchmark} time it.
 *
 * <p>The caller starts and joins each round's pair; only the thread that holds the baton writes
 * its owner field.
 */
public final class BareBaton {
  private BareBaton() {}

  /** How many times a thread spins for the baton before it parks, as fgbg's loop does. */
  public static final int SPINS = 100;

  private volatile Thread owner;

  /**
   * One round: two virtual threads hand the baton on {@code n} times each, spinning {@code spins}
   * times before each park. Blocks the calling thread until both have finished.
   *
   * @param n hand-offs per thread
   * @param spins spins before each park; 0: park at once
   * @return elapsed nanoseconds, from starting the threads to both having finished
   * @throws InterruptedException if the calling thread is interrupted while it joins the pair
   */
  public static long round(int n, int spins) throws InterruptedException {
    BareBaton baton = new BareBaton();
    Thread[] pair = new Thread[2];
    for (int k = 0; k < 2; k++) {
      int self = k;
      pair[k] =
          Thread.ofVirtual().unstarted(() -> baton.pass(pair[self], pair[1 - self], n, spins));
    }
    baton.owner = pair[0];
    long start = System.nanoTime();
    pair[0].start();
    pair[1].start();
    pair[0].join();
    pair[1].join();
    return System.nanoTime() - start;
  }

  /** Waits for the baton (spinning {@code spins} times first), hands it on, {@code n} times. */
  private void pass(Thread self, Thread other, int n, int spins) {
    for (int i = 0; i < n; i++) {
      for (int s = 0; s < spins && owner != self; s++) {
        Thread.onSpinWait();
      }
      while (owner != self) {
        LockSupport.park();
      }
      owner = other;
      LockSupport.unpark(other);
    }
  }
}
