package io.fgbg;

import java.util.Comparator;

/**
 * The clock of a loop made by {@link EventLoop#createVirtual()}: virtual time, exact, that moves
 * only when the loop has nothing to do (trio's autojump clock, as its {@code MockClock} with a
 * threshold of zero while nothing from outside is awaited).
 *
 * <p>The rules (docs/design.md §7 lists them with their reasons):
 *
 * <ol>
 *   <li>The clock starts at 0 and reads exactly the deadlines it has reached: it never moves by
 *       itself, only when the loop, with nothing ready, jumps to the next timer.
 *   <li>Timers fire in deadline order. Timers with the same deadline form groups, one per
 *       iteration they were scheduled in: a group scheduled in a later iteration is reached by a
 *       jump of its own, after the earlier groups, so one iteration after them at the soonest,
 *       once nothing else is ready; the timers of one group fire together, in the order made. So
 *       a timer that ties with one scheduled earlier lands after it and after what it woke, as on
 *       the real clock, where the later one is always a little later. A timer due already when it
 *       is made (a zero or negative delay) is due at the next iteration, as on the real clock.
 *   <li>How the loop waits before a jump is {@link EventSources}'s to say: in real time while a
 *       background call of the loop runs; after 10 ms of quiet while something from outside may
 *       still come; else at once.
 * </ol>
 *
 * <p>The tie rule is kept by the heap's order ({@link #TIMER_ORDER}): deadline, then the epoch a
 * timer was made in (the number of iterations begun by then), then the order made; and by what is
 * due: a timer is due if its deadline is before the clock's, or equal to it and its epoch not
 * after the clock's {@code mark}, the epoch of the group the last jump reached.
 *
 * <p>Thread regime: only the thread holding the loop's baton moves the clock and touches the
 * fields below {@code now}; {@code now} is volatile so that {@link EventLoop#time()}, the job table
 * and {@code ps()} may read it from any thread.
 */
final class VirtualClock extends LoopClock {
  /**
   * The timers' heap order on a virtual clock: by deadline, then by epoch (compared so that it may
   * wrap), then in the order made. Without ties it is the real clock's order.
   */
  static final Comparator<TimerHandle> TIMER_ORDER =
      (a, b) -> {
        int c = Long.compare(a.deadline, b.deadline);
        if (c != 0) {
          return c;
        }
        int e = a.epoch - b.epoch;
        if (e != 0) {
          return e < 0 ? -1 : 1;
        }
        return Long.compare(a.sequence, b.sequence);
      };

  private volatile long now;
  /** The epoch of the group of timers at {@code now} that the last jump reached. */
  private int mark;
  /** Iterations begun: the epoch of a timer made now. */
  private int epoch;
  /** True while the loop waits in real time for a background call (see {@link #realNanosUntil}). */
  private boolean pacing;
  /** While pacing: the clock's reading, and the real time that reading stands for. */
  private long paceVirtual;

  private long paceReal;

  @Override
  long now() {
    return now;
  }

  @Override
  long realNanosAt(long loopTime) {
    return System.nanoTime();
  }

  /** An iteration begins: timers made from now on belong to a new epoch. */
  void beginIteration() {
    epoch++;
  }

  /** The epoch of a timer made now with {@code deadline}: the mark if it is due already. */
  int epochFor(long deadline) {
    return deadline <= now ? mark : epoch;
  }

  /** True if {@code timer} is due now. */
  boolean isDue(TimerHandle timer) {
    long d = timer.deadline;
    return d < now || (d == now && timer.epoch - mark <= 0);
  }

  /** Jumps to {@code timer}'s group: its deadline and epoch; not paced. */
  void jumpTo(TimerHandle timer) {
    pacing = false;
    reach(timer);
  }

  /** Reaches {@code timer}'s group after waiting for it in real time (see realNanosUntil). */
  void reachPaced(TimerHandle timer) {
    paceReal += timer.deadline - paceVirtual;
    paceVirtual = timer.deadline;
    reach(timer);
  }

  private void reach(TimerHandle timer) {
    if (timer.deadline > now) {
      now = timer.deadline;
    }
    mark = timer.epoch;
  }

  /**
   * The real nanoseconds left before the loop, waiting in real time as if time passed at its real
   * pace, reaches {@code deadline}; the pace is counted from when the loop began to wait so, and
   * goes on across the wake-ups and the timers it reaches meanwhile.
   */
  long realNanosUntil(long deadline) {
    long real = System.nanoTime();
    if (!pacing) {
      pacing = true;
      paceVirtual = now;
      paceReal = real;
    }
    return EventSources.saturatedAdd(deadline - paceVirtual, -(real - paceReal));
  }

  /** The loop no longer waits in real time: the next such wait counts its pace afresh. */
  void stopPacing() {
    pacing = false;
  }

  @Override
  public String toString() {
    return "VirtualClock[" + now + " ns]";
  }
}
