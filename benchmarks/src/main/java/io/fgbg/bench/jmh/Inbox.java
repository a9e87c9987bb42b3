package io.fgbg.bench.jmh;

import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.runInForeground;

import java.util.concurrent.CompletableFuture;
import org.openjdk.jmh.annotations.Benchmark;

/**
 * The inbox: {@code callSoonThreadsafe} from JMH's benchmark thread to a loop that another thread
 * runs in the foreground (a task awaiting a future that the teardown completes). {@link #post}
 * posts as fast as it can: its figure is the sustained rate the loop drains at (a poster waits
 * while 4096 posts have not run). {@link #roundTrip} posts one callback and spins until the loop
 * has run it: the latency of a post to a loop that was waiting for work, its wake-up included.
 *
 * <p>Threads: the runner thread runs the loop and its callbacks, which alone write {@code acked};
 * the benchmark thread posts and reads {@code acked}.
 */
public class Inbox extends OnLoop {
  private static final Runnable NOTHING = () -> {};

  private final CompletableFuture<Void> stop = new CompletableFuture<>();
  private Thread runner;
  private volatile long acked;
  private long sent;
  private final Runnable ack = () -> acked++;

  @Override
  protected void prepare() throws InterruptedException {
    runner =
        Thread.ofPlatform()
            .name("loop-runner")
            .start(
                () -> {
                  try {
                    runInForeground(
                        () -> {
                          await(stop);
                          return null;
                        },
                        loop);
                  } catch (Exception e) {
                    throw new IllegalStateException("the loop's run failed", e);
                  }
                });
    while (!loop.isRunning()) {
      Thread.sleep(1);
    }
  }

  @Override
  protected void finish() throws InterruptedException {
    stop.complete(null);
    runner.join();
  }

  /** One empty callback posted. */
  @Benchmark
  public void post() {
    loop.callSoonThreadsafe(NOTHING);
  }

  /**
   * One callback posted and waited for.
   *
   * @return how many callbacks have run
   */
  @Benchmark
  public long roundTrip() {
    long target = ++sent;
    loop.callSoonThreadsafe(ack);
    while (acked < target) {
      Thread.onSpinWait();
    }
    return target;
  }
}
