package io.fgbg.bench.peers;

import io.fgbg.bench.Figures;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ThreadFactory;

/**
 * W4 of {@code bin/bench-compare} on plain JDK virtual threads, without fgbg: a virtual thread per
 * call, waited for. A caller, itself a virtual thread as an fgbg task is, starts a virtual thread
 * running the trivial callable ({@code () -> null}) and waits for its result, {@code n} times in
 * a row: the same calls in the same order as {@link io.fgbg.bench.BackgroundCallBenchmark}'s
 * task awaiting {@code callInBackground}, which runs each call on a virtual thread of its own. The
 * call is a {@link FutureTask} run by a new virtual thread and waited for with {@link
 * FutureTask#get()}: what {@code Executors.newVirtualThreadPerTaskExecutor().submit(f).get()}
 * does, without the executor's bookkeeping of its threads. After warm-up rounds it prints the
 * median of the measured rounds in microseconds per round trip, then every round as a comment:
 *
 * <pre>
 * vthreads 3.1
 * # vthreads rounds 3.2 3.1 3.0
 * </pre>
 *
 * <p>By hand: {@code java -cp benchmarks/target/classes:$(cat benchmarks/target/peers.classpath)
 * io.fgbg.bench.peers.VthreadsBackgroundCallBenchmark [n [warmup [rounds]]]} (defaults 10000 2 5).
 * The main thread only starts and joins each round's caller; each call's thread only runs its
 * {@code FutureTask}, which hands the result to the caller.
 */
public final class VthreadsBackgroundCallBenchmark {
  private VthreadsBackgroundCallBenchmark() {}

  private static final String USAGE =
      "VthreadsBackgroundCallBenchmark [n [warmup [rounds]]]  (defaults 10000 2 5)";
  private static final Callable<Object> TRIVIAL = () -> null;
  private static final ThreadFactory CALLS = Thread.ofVirtual().factory();

  /**
   * Runs the benchmark. Blocks the calling thread until every round has run.
   *
   * @param args {@code [n [warmup [rounds]]]}
   * @throws Exception if a call fails or the main thread is interrupted
   */
  public static void main(String[] args) throws Exception {
    int[] values =
        Figures.positives(
            args, "VthreadsBackgroundCallBenchmark", USAGE, new String[] {"n", "warmup", "rounds"},
            10_000, 2, 5);
    int n = values[0];
    double[] micros = Figures.measure(values[1], values[2], () -> round(n));
    Figures.report("vthreads", micros);
  }

  /** Microseconds per round trip over {@code n} calls, one after another, made by a virtual thread. */
  private static double round(int n) throws Exception {
    FutureTask<Double> caller =
        new FutureTask<>(
            () -> {
              long start = System.nanoTime();
              for (int i = 0; i < n; i++) {
                call(TRIVIAL);
              }
              return (System.nanoTime() - start) / (double) n / 1000;
            });
    Thread.ofVirtual().start(caller);
    return caller.get();
  }

  /** Runs {@code callable} on a new virtual thread and waits for its result. */
  private static Object call(Callable<Object> callable)
      throws InterruptedException, ExecutionException {
    FutureTask<Object> call = new FutureTask<>(callable);
    CALLS.newThread(call).start();
    return call.get();
  }
}
