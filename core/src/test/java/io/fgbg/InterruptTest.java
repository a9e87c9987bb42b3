package io.fgbg;

import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.runInForeground;
import static io.fgbg.Fgbg.scheduleCoroutine;
import static io.fgbg.Fgbg.sleep;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Interrupting the thread in runInForeground, as Ctrl-C does in a shell. These run on the real
 * clock: the interrupt comes from another thread while the loop is really running.
 */
class InterruptTest {
  private EventLoop loop;
  private final List<String> events = new CopyOnWriteArrayList<>();

  @BeforeEach
  void freshLoop() {
    loop = EventLoop.create();
    EventLoop.setCurrent(loop);
  }

  @AfterEach
  void closeLoop() {
    Thread.interrupted();
    loop.close();
    EventLoop.setCurrent(null);
  }

  /** Interrupts {@code target} once {@code latch} opens (from inside the loop's work). */
  private static void interruptWhen(CountDownLatch latch, Thread target) {
    Thread.ofPlatform()
        .daemon()
        .start(
            () -> {
              try {
                if (latch.await(10, TimeUnit.SECONDS)) {
                  target.interrupt();
                }
              } catch (InterruptedException ignored) {
                // the test is over
              }
            });
  }

  private Coroutine<Void> ticker(String name, CountDownLatch ticked) {
    return () -> {
      for (int i = 0; ; i++) {
        events.add(name + i);
        ticked.countDown();
        await(sleep(ofMillis(20)));
      }
    };
  }

  @Test
  void anInterruptCancelsTheForegroundTaskItMadeRunsItsCleanupAndKeepsTheBackground()
      throws Exception {
    CountDownLatch tickedTwice = new CountDownLatch(2);
    Task<Void> ticker = scheduleCoroutine(ticker("tick", tickedTwice));
    CountDownLatch fgStarted = new CountDownLatch(1);
    interruptWhen(tickedTwice, Thread.currentThread());
    assertThatThrownBy(
            () ->
                runInForeground(
                    () -> {
                      try {
                        fgStarted.countDown();
                        await(sleep(ofSeconds(60)));
                        return "finished";
                      } catch (CancellationException e) {
                        await(sleep(ofMillis(10))); // cleanup that awaits
                        events.add("fg cleanup");
                        throw e;
                      }
                    }))
        .isInstanceOf(InterruptedException.class);
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
    assertThat(events).contains("fg cleanup");
    assertThat(loop.isRunning()).isFalse();
    assertThat(ticker.isDone()).as("the background job keeps its state").isFalse();

    // the ticker resumes at the next foreground run
    int before = events.size();
    runInForeground(sleep(ofMillis(100)));
    assertThat(events.size()).isGreaterThan(before);
    assertThat(events.get(events.size() - 1)).startsWith("tick");
  }

  @Test
  void anInterruptOfARunOnAnExistingTaskCancelsThatTaskAsBashKillsTheJobInTheForeground()
      throws Exception {
    CountDownLatch ticked = new CountDownLatch(3);
    Task<Void> ticker = scheduleCoroutine(ticker("tick", ticked));
    Task<Void> other = scheduleCoroutine(ticker("other", new CountDownLatch(1)));
    interruptWhen(ticked, Thread.currentThread());
    assertThatThrownBy(() -> runInForeground(ticker))
        .isInstanceOf(InterruptedException.class)
        .hasMessage("foreground run of " + ticker.name() + " interrupted (cancelled)");
    assertThat(ticker.isCancelled()).as("the job in the foreground is killed").isTrue();
    assertThat(other.isDone()).as("the other job keeps its state").isFalse();
    assertThat(loop.isRunning()).isFalse();
    int before = events.size();
    runInForeground(sleep(ofMillis(100)));
    assertThat(events.subList(before, events.size())).as("only the other one resumes")
        .isNotEmpty()
        .allMatch(e -> e.startsWith("other"));
    other.cancel();
  }

  @Test
  void aSecondInterruptLeavesAtOnceAndTheLoopStaysConsistent() throws Exception {
    CountDownLatch inCleanup = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    Thread caller = Thread.currentThread();
    interruptWhen(started, caller);
    interruptWhen(inCleanup, caller);
    long start = System.nanoTime();
    assertThatThrownBy(
            () ->
                runInForeground(
                    () -> {
                      try {
                        started.countDown();
                        await(sleep(ofSeconds(60)));
                        return null;
                      } catch (CancellationException e) {
                        inCleanup.countDown();
                        await(sleep(ofSeconds(60))); // a cleanup that would take a minute
                        events.add("cleanup finished");
                        throw e;
                      }
                    }))
        .isInstanceOf(InterruptedException.class);
    assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).isLessThan(30);
    assertThat(events).doesNotContain("cleanup finished");
    // the loop is usable again from this thread
    assertThat(runInForeground(sleep(ofMillis(10), "again"))).isEqualTo("again");
  }

  @Test
  void anInterruptBeforeTheRunThrowsAtOnce() {
    Thread.currentThread().interrupt();
    assertThatThrownBy(() -> runInForeground(sleep(ofSeconds(60))))
        .isInstanceOf(InterruptedException.class);
    assertThat(Fgbg.allTasks()).isEmpty();
  }
}
