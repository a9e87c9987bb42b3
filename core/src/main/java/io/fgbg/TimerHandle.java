package io.fgbg;

/**
 * A callback due at a point on the loop's clock (asyncio's {@code TimerHandle}).
 *
 * <p>Timers are ordered by deadline, ties by the order they were scheduled ({@code sequence}).
 * A cancelled timer stays in the heap until it is popped or the loop sweeps it out.
 */
final class TimerHandle extends CallbackHandle implements Comparable<TimerHandle> {
  final long deadline; // nanoseconds on the loop's clock
  final long sequence;
  private final EventSources sources;

  TimerHandle(EventSources sources, long deadline, long sequence, Runnable callback) {
    super(callback);
    this.sources = sources;
    this.deadline = deadline;
    this.sequence = sequence;
  }

  @Override
  public void cancel() {
    if (!isCancelled()) {
      super.cancel();
      sources.timerCancelled();
    }
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
