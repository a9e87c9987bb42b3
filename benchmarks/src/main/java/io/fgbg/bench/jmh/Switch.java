package io.fgbg.bench.jmh;

import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.gather;
import static io.fgbg.Fgbg.runInForeground;
import static io.fgbg.Fgbg.scheduleCoroutine;
import static io.fgbg.Fgbg.sleep;

import io.fgbg.Coroutine;
import java.time.Duration;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.OperationsPerInvocation;

/**
 * The task switch: two tasks that yield to each other with {@code sleep(ZERO)}, {@value #YIELDS}
 * times each, gathered in the foreground (W1 of bin/bench-compare, in JMH). One operation is one
 * switch. The two tasks and the foreground run are made per invocation, a cost spread over 20,000
 * switches.
 *
 * <p>Three forks: now and then a JVM runs every switch many times slower for its whole life (the
 * default virtual-thread scheduler's start, more often when other processes contend for the
 * cores), and with one fork that JVM's figure would pass for the switch's; with three, it shows
 * as a wide error.
 */
@Fork(3)
public class Switch extends OnLoop {
  static final int YIELDS = 10_000;
  private static final Coroutine<Void> YIELDER =
      () -> {
        for (int i = 0; i < YIELDS; i++) {
          await(sleep(Duration.ZERO));
        }
        return null;
      };

  /**
   * Two tasks yielding to each other.
   *
   * @return the gathered results, for JMH to consume
   * @throws Exception if a task fails
   */
  @Benchmark
  @OperationsPerInvocation(2 * YIELDS)
  public Object twoTasksYielding() throws Exception {
    return runInForeground(
        gather(List.of(scheduleCoroutine(YIELDER, loop), scheduleCoroutine(YIELDER, loop))), loop);
  }
}
