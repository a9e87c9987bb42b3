package io.fgbg.bench.jmh;

import io.fgbg.EventLoop;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What the JMH benchmarks share: a quiet loop of their own for each trial, the measurement in
 * nanoseconds per operation, and one fork (JMH's {@code -f} overrides it). Subclasses prepare what they need on it in {@link #prepare()} and
 * undo it in {@link #finish()}, before the loop closes. Only JMH's benchmark thread touches the
 * state, except where a subclass says otherwise.
 */
@State(Scope.Thread)
@Fork(1)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public abstract class OnLoop {
  /** Operations per foreground run in the batched benchmarks. */
  static final int BATCH = 1000;

  /** The state's loop, bound to no thread; run with {@code runInForeground(..., loop)}. */
  protected EventLoop loop;

  /**
   * Makes the loop (without job notices: a benchmark reaps its own tasks), then {@link
   * #prepare()}.
   *
   * @throws Exception if the preparation fails
   */
  @Setup
  public final void openLoop() throws Exception {
    loop = EventLoop.create();
    loop.setJobNotices(false);
    prepare();
  }

  /**
   * {@link #finish()}, then closes the loop.
   *
   * @throws Exception if the finishing fails
   */
  @TearDown
  public final void closeLoop() throws Exception {
    try {
      finish();
    } finally {
      loop.close();
    }
  }

  /** What the benchmark needs on the loop before it runs; nothing by default. */
  protected void prepare() throws Exception {}

  /** Undoes {@link #prepare()} while the loop is still open; nothing by default. */
  protected void finish() throws Exception {}
}
