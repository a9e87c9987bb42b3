package io.fgbg;

import java.util.function.BooleanSupplier;

/**
 * The simplest loop over {@link EventSources} and a {@link ReadyQueue}, for testing them without
 * {@link EventLoop}: asyncio's {@code _run_once} (collect, then run the callbacks that were ready
 * when the iteration began, trim and wait when nothing is) and {@code call_soon} (drain the inbox,
 * then append, as {@code EventLoop.appendReady} does), with no tasks.
 *
 * <p>Threads: the thread inside {@link #run} holds the baton: only it touches {@code ready} and
 * calls the baton-only methods of {@code sources}; between runs, the thread that made the driver or
 * joined the last runner may. {@code running} and {@code stopRequested} are volatile: posters read
 * the first (it is what lets them wait), any thread sets the second through {@link #stop}.
 */
final class SourcesDriver implements AutoCloseable {
  final EventSources sources;
  final ReadyQueue ready = new ReadyQueue();
  /** Never run: waitForWork asks it whether it must stop now. */
  private final EventLoop idleLoop = EventLoop.create();
  private volatile boolean running;
  private volatile boolean stopRequested;

  SourcesDriver(LoopClock clock, int highWater) {
    sources =
        new EventSources(
            clock, () -> running, highWater, (message, e) -> { throw new AssertionError(message, e); });
  }

  boolean isRunning() {
    return running;
  }

  /** asyncio's call_soon: after everything posted before it. Baton holder only. */
  void callSoon(Runnable callback) {
    sources.drainInbox(ready);
    ready.addLast(callback);
  }

  /** Runs iterations in the calling thread until {@link #stop} or {@code done} answers true. */
  void run(BooleanSupplier done) {
    running = true;
    try {
      while (!stopRequested && !done.getAsBoolean()) {
        long next = sources.collect(ready);
        if (ready.isEmpty()) {
          ready.trim();
          sources.waitForWork(idleLoop, next);
          continue;
        }
        for (int n = ready.size(); n > 0; n--) {
          ((Runnable) ready.pollFirst()).run();
        }
      }
    } finally {
      running = false;
      stopRequested = false;
    }
  }

  /** One iteration without waiting, as the loop's first iteration of close() does. */
  void runOnce() {
    sources.collect(ready);
    for (int n = ready.size(); n > 0; n--) {
      ((Runnable) ready.pollFirst()).run();
    }
  }

  /** Ends {@link #run} at the end of its iteration; from any thread (a post wakes a waiting run). */
  void stop() {
    stopRequested = true;
    sources.post(() -> {});
  }

  @Override
  public void close() {
    idleLoop.close();
    sources.clear();
  }
}
