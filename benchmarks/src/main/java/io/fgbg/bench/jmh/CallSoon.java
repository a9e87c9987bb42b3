package io.fgbg.bench.jmh;

import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.runInForeground;
import static io.fgbg.Fgbg.sleep;

import java.time.Duration;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;

/**
 * {@code callSoon} from a task, and the callback's run: a task schedules {@value OnLoop#BATCH}
 * callbacks, then yields once, by which time they have all run (they were ready before its own
 * next step). One operation is one callback scheduled and run. The callbacks and the counter they
 * bump are the loop's.
 */
public class CallSoon extends OnLoop {
  private long ran;
  private final Runnable bump = () -> ran++;

  /**
   * {@value OnLoop#BATCH} callbacks scheduled, then run.
   *
   * @return how many callbacks have run so far
   * @throws Exception if the run fails
   */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long scheduleAndRun() throws Exception {
    return runInForeground(
        () -> {
          for (int i = 0; i < BATCH; i++) {
            loop.callSoon(bump);
          }
          await(sleep(Duration.ZERO));
          return ran;
        },
        loop);
  }
}
