package io.fgbg.bench;

import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.runInForeground;
import static io.fgbg.Fgbg.scheduleCoroutine;
import static io.fgbg.Fgbg.sleep;

import io.fgbg.AsyncQueue;
import io.fgbg.EventLoop;
import java.time.Duration;
import java.util.Locale;

/**
 * What an {@link AsyncQueue} costs in heap: per item held (1,000,000 items put and not taken), and
 * per waiting consumer (100,000 tasks each waiting in {@code get()} on an empty queue: the task,
 * its virtual thread's parked stack, the waiter future and its slot in the queue's deque). Heap
 * is read after a full collection, before and after, so the figures are bytes retained.
 *
 * <p>Usage: {@code java -cp core/target/classes:benchmarks/target/classes
 * io.fgbg.bench.QueueMemoryBenchmark [items] [consumers]}.
 *
 * <p>Threads: the main thread runs the loop; nothing else touches the queue.
 */
public final class QueueMemoryBenchmark {
  private QueueMemoryBenchmark() {}

  /**
   * Prints the two figures.
   *
   * @param args items and consumers
   * @throws Exception if a run fails
   */
  public static void main(String[] args) throws Exception {
    int items = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int consumers = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
    EventLoop loop = EventLoop.create();
    loop.setJobNotices(false);
    EventLoop.setCurrent(loop);

    AsyncQueue<String> full = new AsyncQueue<>();
    long before = usedHeap();
    for (int i = 0; i < items; i++) {
      full.putNowait("item");
    }
    long perItem = (usedHeap() - before) / items;
    System.out.printf(Locale.ROOT, "queue: %d items held: %d bytes per item%n", items, perItem);
    for (int i = 0; i < items; i++) {
      full.getNowait();
    }

    AsyncQueue<String> empty = new AsyncQueue<>();
    before = usedHeap();
    for (int i = 0; i < consumers; i++) {
      scheduleCoroutine(() -> await(empty.get()));
    }
    runInForeground(sleep(Duration.ZERO)); // every consumer runs to its get() and waits
    long perWaiter = (usedHeap() - before) / consumers;
    System.out.printf(
        Locale.ROOT,
        "queue: %d consumers waiting in get(): %d bytes per waiting consumer"
            + " (task, parked virtual thread, waiter future, deque slot)%n",
        consumers,
        perWaiter);
    for (int i = 0; i < consumers; i++) {
      empty.putNowait("x");
    }
    runInForeground(sleep(Duration.ofMillis(1)));
    loop.close();
  }

  private static long usedHeap() throws InterruptedException {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(50);
    }
    return rt.totalMemory() - rt.freeMemory();
  }
}
