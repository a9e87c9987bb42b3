package io.fgbg.bench;

import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.callInBackground;
import static io.fgbg.Fgbg.runInForeground;

import io.fgbg.EventLoop;
import java.util.concurrent.Callable;

/**
 * W4 of {@code bin/bench-compare}: what a blocking call's round trip through the loop costs. A
 * task awaits {@code callInBackground} of a trivial callable {@code n} times in a row (each call
 * on the default executor, a virtual thread per call): the workload {@code
 * benchmarks/python/bgcall.py} runs with asyncio's {@code loop.run_in_executor(None, f)}. After
 * warm-up rounds it prints the median of the measured rounds in microseconds per round trip,
 * then every round as a comment:
 *
 * <pre>
 * fgbg 12.3
 * # fgbg rounds 12.5 12.3 12.1
 * </pre>
 *
 * <p>By hand: {@code java -cp core/target/classes:benchmarks/target/classes
 * io.fgbg.bench.BackgroundCallBenchmark [n [warmup [rounds]]]} (defaults 10000 2 5). The main
 * thread is the only one that touches the loop outside its runs.
 */
public final class BackgroundCallBenchmark {
  private BackgroundCallBenchmark() {}

  private static final String USAGE =
      "BackgroundCallBenchmark [n [warmup [rounds]]]  (defaults 10000 2 5)";
  private static final Callable<Object> TRIVIAL = () -> null;

  /**
   * Runs the benchmark.
   *
   * @param args {@code [n [warmup [rounds]]]}
   * @throws Exception if the workload fails
   */
  public static void main(String[] args) throws Exception {
    int[] values =
        Figures.positives(
            args, "BackgroundCallBenchmark", USAGE, new String[] {"n", "warmup", "rounds"}, 10_000, 2, 5);
    int n = values[0];
    double[] micros = Figures.measure(values[1], values[2], () -> round(n));
    EventLoop.current().close();
    Figures.report("fgbg", micros);
  }

  /** Microseconds per round trip over {@code n} calls, one after another. */
  private static double round(int n) throws Exception {
    return runInForeground(
        () -> {
          long start = System.nanoTime();
          for (int i = 0; i < n; i++) {
            await(callInBackground(TRIVIAL));
          }
          return (System.nanoTime() - start) / (double) n / 1000;
        });
  }
}
