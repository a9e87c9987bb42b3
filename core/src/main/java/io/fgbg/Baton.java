package io.fgbg;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * Who may touch a loop: the baton. Exactly one thread at a time holds it, and only that thread
 * touches the loop's ready queue, timers, job table and futures (see {@link Dispatcher}).
 *
 * <p>How the baton moves:
 *
 * <ul>
 *   <li>Nobody holds it ({@code owner == null}) between foreground runs. Any thread may then take
 *       it with a compare-and-set ({@link #tryTake}), for a run or for one short operation (a
 *       {@code callSoon} at the prompt), and gives it back with {@link #release}.
 *   <li>During a run the holder hands it on with {@link #handTo}: it writes {@code owner}, then
 *       unparks the new holder, and from then on touches nothing of the loop's. The new holder
 *       reads {@code owner} in {@link #await} and, seeing itself, owns everything the previous
 *       holder wrote (the volatile write and read publish them).
 * </ul>
 *
 * <p>Thread regime: {@code owner} is written by the holder (hand-off, release) or by a thread
 * taking a free baton (CAS from null); {@code running} and {@code detachedCaller} by the thread
 * whose run it is, and read by every thread that wants the loop.
 */
final class Baton {
  private static final VarHandle OWNER;

  static {
    try {
      OWNER = MethodHandles.lookup().findVarHandle(Baton.class, "owner", Thread.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /**
   * How long a thread spins for the baton, in spin-wait hints (a few microseconds at most), before
   * it parks, when its own step is the next one after the step it handed the baton to. Two tasks
   * that hand work to each other then switch without parking at all, where park and unpark would
   * wake the scheduler's other carrier thread each time; with more tasks ready, a thread parks at
   * once, so that spinning never holds a carrier another task needs.
   *
   * <p>Whether to spin is decided per switch ({@link CoroutineTask#shouldSpin}): a task spins
   * when the task it hands the baton to is spinning itself, and so takes it at once; a parked one
   * must first be woken and scheduled, which takes longer than a spin lasts. Two tasks whose
   * threads run on two carriers thus both spin and never park, and a pair that cannot (both on
   * one carrier, a machine whose other cores are busy) both park, paying no spin, and look again
   * once in 64 switches. A spin that fails all the same skips the next 16.
   */
  static final int SPINS_WHEN_NEXT = 100;

  /**
   * Spinning pays only when the task handed the baton can run on another carrier meanwhile: with
   * one carrier (one CPU, or the scheduler's parallelism set to 1) it would wait for the spin.
   */
  private static final boolean SPIN =
      Integer.getInteger(
              "jdk.virtualThreadScheduler.parallelism", Runtime.getRuntime().availableProcessors())
          > 1;

  /** The thread holding the baton, or null when nobody runs the loop. */
  private volatile Thread owner;
  /** True while a foreground run (or close) is in progress: from its acquire to its release. */
  private volatile boolean running;
  /** A thread that left its run at once (second interrupt) and whose run has not ended yet. */
  private volatile Thread detachedCaller;

  /** The holder, or null. */
  Thread owner() {
    return owner;
  }

  boolean isHeldBy(Thread thread) {
    return owner == thread;
  }

  boolean isRunning() {
    return running;
  }

  /** Takes the free baton: true if the calling thread now holds it. */
  boolean tryTake(Thread self) {
    return OWNER.compareAndSet(this, null, self);
  }

  /** Marks a foreground run as started; by the thread that has just taken the baton for it. */
  void beginRun() {
    running = true;
  }

  /** Gives up a baton taken with {@link #tryTake} for one short operation. */
  void release() {
    owner = null;
  }

  /** Ends a run: the loop is free again. By the holder. */
  void endRun() {
    running = false;
    owner = null;
    detachedCaller = null; // last: a caller waiting for its detached run sees the loop free first
  }

  /** Notes that {@code caller} has left its run before the end (second interrupt, or a stop). */
  void detached(Thread caller) {
    detachedCaller = caller;
  }

  /** True while a run whose caller has left is still going: its holder has not reached a callback. */
  boolean hasDetachedCaller() {
    return detachedCaller != null;
  }

  /** The holder hands the baton to {@code thread} and touches the loop no more. */
  void handTo(Thread thread) {
    owner = thread;
    LockSupport.unpark(thread);
  }

  /**
   * Makes {@code thread} the holder without waking it: for a thread about to be started, which
   * finds the baton its own when it first looks.
   */
  void passTo(Thread thread) {
    owner = thread;
  }

  /**
   * {@link #await}, spinning briefly first if {@code spinner} is not null (the task of this
   * thread, whose step is next), and telling others meanwhile that it spins; once the baton is
   * back, the task learns whether the spin got it ({@link CoroutineTask#spinEnded}). The park is
   * in this frame, not one more: a suspended task's thread parks here.
   */
  void await(Thread self, CoroutineTask<?> spinner) {
    if (spinner != null) {
      if (SPIN) {
        spinner.spinning = true;
        for (int i = 0; i < SPINS_WHEN_NEXT; i++) {
          if (owner == self) {
            spinner.spinning = false;
            spinner.spinEnded(true);
            return;
          }
          Thread.onSpinWait();
        }
      }
      spinner.spinning = false;
    }
    boolean interrupted = false;
    while (owner != self) {
      LockSupport.park(this);
      if (Thread.interrupted()) {
        interrupted = true;
      }
    }
    if (interrupted) {
      self.interrupt();
    }
    if (spinner != null) {
      spinner.spinEnded(false); // the baton is back: the task's spin fields are ours again
    }
  }

  /** Parks until this thread holds the baton. Interrupts do not end the wait; they are kept. */
  void await(Thread self) {
    await(self, null);
  }
}
