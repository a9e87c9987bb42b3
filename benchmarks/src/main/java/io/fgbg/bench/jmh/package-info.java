/**
 * JMH benchmarks of fgbg's hot paths: the task switch, {@code callSoon}, timers with many
 * pending, the await of a done task, the inbox ({@code callSoonThreadsafe} from another thread)
 * and the streams' {@code readLine} and {@code write}. {@code bin/bench-jmh} builds and runs them
 * with {@code -prof gc}, so that each reports its bytes allocated per operation ({@code
 * gc.alloc.rate.norm}) next to its time.
 *
 * <p>Each benchmark state owns one loop, made with {@link io.fgbg.EventLoop#create()} in its
 * setup and closed in its teardown, and runs it with {@code runInForeground(..., loop)} from
 * JMH's benchmark thread. A benchmark that needs the loop inside a task runs a batch of
 * operations per foreground run ({@code @OperationsPerInvocation}), so that the run's own cost
 * (a task, its virtual thread) weighs a thousandth or less on each operation.
 */
package io.fgbg.bench.jmh;
