package io.fgbg;

/**
 * A callback due at a point on the loop's clock (asyncio's {@code TimerHandle}).
 *
 * <p>Timers are ordered by deadline, ties by the order they were scheduled ({@code sequence}). A
 * deadline may lie in the past (a negative delay): the timer is due at once, and still runs in
 * deadline order with the other due timers.
 *
 * <p>Threads: {@code deadline} and {@code sequence} are fixed when it is made, by the thread
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

  TimerHandle(long deadline, long sequence, Runnable callback) {
    super(callback);
    this.deadline = deadline;
    this.sequence = sequence;
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
