package io.fgbg.bench.jmh;

import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.runInForeground;
import static io.fgbg.Fgbg.sleep;

import java.time.Duration;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;

/**
 * Timers with {@code pending} others in the heap (1, 100, 10,000, 100,000 timers an hour away,
 * set in the setup): {@code callLater} then {@code cancel} ({@link #scheduleCancel}), and {@code
 * callLater(ZERO)} then its firing ({@link #scheduleFire}), from a task, {@value OnLoop#BATCH} per
 * foreground run. Cancelled timers stay in the heap until it is swept, so the cancel figure
 * includes the sweeps' share. The timers and the counter they bump are the loop's.
 */
public class Timers extends OnLoop {
  /** Timers fired per yield in {@link #scheduleFire}: they are due at the next iteration. */
  static final int FIRED_PER_YIELD = 100;

  /** Timers an hour away that stay in the heap for the whole trial. */
  @Param({"1", "100", "10000", "100000"})
  public int pending;

  private long fired;
  private final Runnable bump = () -> fired++;
  private static final Runnable NOTHING = () -> {};

  @Override
  protected void prepare() {
    for (int i = 0; i < pending; i++) {
      loop.callLater(Duration.ofHours(1), NOTHING);
    }
  }

  /**
   * A timer a second away, scheduled and cancelled.
   *
   * @return the last handle's state, for JMH to consume
   * @throws Exception if the run fails
   */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public boolean scheduleCancel() throws Exception {
    return runInForeground(
        () -> {
          boolean cancelled = false;
          for (int i = 0; i < BATCH; i++) {
            var handle = loop.callLater(Duration.ofSeconds(1), NOTHING);
            handle.cancel();
            cancelled = handle.isCancelled();
          }
          return cancelled;
        },
        loop);
  }

  /**
   * A timer due at once, scheduled, then fired at the next iteration ({@value #FIRED_PER_YIELD}
   * per yield of the task: the yield's cost is shared by as many timers).
   *
   * @return how many timers have fired so far
   * @throws Exception if the run fails
   */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long scheduleFire() throws Exception {
    return runInForeground(
        () -> {
          for (int i = 0; i < BATCH / FIRED_PER_YIELD; i++) {
            for (int k = 0; k < FIRED_PER_YIELD; k++) {
              loop.callLater(Duration.ZERO, bump);
            }
            await(sleep(Duration.ZERO));
          }
          return fired;
        },
        loop);
  }
}
