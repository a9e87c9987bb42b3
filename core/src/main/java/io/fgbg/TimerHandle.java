package io.fgbg;

/**
 * A callback due at a point on the loop's clock (asyncio's {@code TimerHandle}).
 *
 * <p>Timers are ordered by deadline, ties by the order they were scheduled ({@code sequence}). A
 * deadline may lie in the past (a negative delay): the timer is due at once, and still runs in
 * deadline order with the other due timers.
 *
 * <p>On a virtual clock ({@link VirtualClock}) the heap orders ties by {@code epoch} first, the
 * iteration the timer was made in, so that a timer that ties with one made in an earlier
 * iteration lands after it; on the real clock {@code epoch} is 0 and the order is the one below.
 *
 * <p>Threads: {@code deadline}, {@code sequence} and {@code epoch} are fixed when it is made, by the thread
 * holding the loop's baton, and the heap it sits in is touched only by that thread. {@link
 * #cancel()} may be called from any thread: it only sets the volatile flag of {@link
 * CallbackHandle} and drops the callback; it touches nothing of the loop's, so it needs no lock
 * and counts nothing. A cancelled timer stays in the heap until it reaches the top (the loop drops
 * it there) or the loop sweeps the heap ({@link EventSources} says when). A cancel that races with
 * the loop running the timer either stops it or comes too late, as in asyncio.
 */
final class TimerHandle extends CallbackHandle implements Comparable<TimerHandle> {
  final long deadline; // nanoseconds on the loop's clock; may be negative
  final long sequence;
  /** On a virtual clock, the iteration it was made in (see VirtualClock); 0 on the real clock. */
  final int epoch;

  TimerHandle(long deadline, long sequence, int epoch, Runnable callback) {
    super(callback);
    this.deadline = deadline;
    this.sequence = sequence;
    this.epoch = epoch;
  }

  @Override
  public int compareTo(TimerHandle other) {
    int c = Long.compare(deadline, other.deadline);
    return c != 0 ? c : Long.compare(sequence, other.sequence);
  }

  @Override
  public String toString() {
    return "TimerHandle[at " + deadline + "ns, " + super.toString() + "]";
  }
}
