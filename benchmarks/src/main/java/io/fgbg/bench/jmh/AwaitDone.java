package io.fgbg.bench.jmh;

import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.runInForeground;
import static io.fgbg.Fgbg.scheduleCoroutine;

import io.fgbg.Task;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;

/**
 * {@code await} of a task that is already done, which returns its result without yielding: a task
 * awaits the same finished task {@value OnLoop#BATCH} times per foreground run.
 */
public class AwaitDone extends OnLoop {
  private Task<Integer> done;

  @Override
  protected void prepare() throws Exception {
    done = scheduleCoroutine(() -> 1, loop);
    runInForeground(done, loop);
  }

  /**
   * {@value OnLoop#BATCH} awaits of a done task.
   *
   * @return the sum of the results
   * @throws Exception if the run fails
   */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int awaitDoneTask() throws Exception {
    return runInForeground(
        () -> {
          int sum = 0;
          for (int i = 0; i < BATCH; i++) {
            sum += await(done);
          }
          return sum;
        },
        loop);
  }
}
