package io.fgbg;

import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.callInBackground;
import static io.fgbg.Fgbg.runInForeground;
import static io.fgbg.Fgbg.scheduleCoroutine;
import static io.fgbg.Fgbg.sleep;
import static java.time.Duration.ZERO;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What crosses threads: the inbox, cancels, futures, and background calls. Real clock. */
class ThreadsTest {
  private EventLoop loop;

  @BeforeEach
  void freshLoop() {
    loop = EventLoop.create();
    EventLoop.setCurrent(loop);
  }

  @AfterEach
  void closeLoop() {
    loop.close();
    EventLoop.setCurrent(null);
  }

  @Test
  void eightThreadsPostingAHundredThousandCallbacksLoseNone() throws Exception {
    int threads = 8;
    int perThread = 12_500;
    AtomicInteger received = new AtomicInteger(); // only the loop adds, but the test thread reads
    int[] lastSeen = new int[threads];
    boolean[] outOfOrder = new boolean[1];
    CompletableFuture<Void> allIn = new CompletableFuture<>();
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> posters = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      posters.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      go.await();
                    } catch (InterruptedException e) {
                      return;
                    }
                    for (int i = 1; i <= perThread; i++) {
                      int n = i;
                      loop.callSoonThreadsafe(
                          () -> {
                            if (lastSeen[id] != n - 1) {
                              outOfOrder[0] = true;
                            }
                            lastSeen[id] = n;
                            if (received.incrementAndGet() == threads * perThread) {
                              allIn.complete(null);
                            }
                          });
                    }
                  }));
    }
    Task<Void> waiting = scheduleCoroutine(() -> await(allIn));
    go.countDown();
    runInForeground(Fgbg.waitFor(waiting, ofSeconds(60)));
    for (Thread p : posters) {
      p.join();
    }
    assertThat(received.get()).isEqualTo(threads * perThread);
    assertThat(outOfOrder[0]).as("each thread's callbacks run in the order posted").isFalse();
  }

  @Test
  void callSoonThreadsafeWakesALoopThatWaitsForAFarTimer() throws Exception {
    Thread.ofPlatform()
        .start(
            () -> {
              LoopTestSupport.awaitWaitingForWork(loop); // for the far timer
              loop.callSoonThreadsafe(() -> loop.callSoon(() -> {}));
            });
    CompletableFuture<String> fromThread = new CompletableFuture<>();
    Thread.ofPlatform().start(() -> fromThread.complete("woken"));
    long start = System.nanoTime();
    String got =
        runInForeground(
            Fgbg.waitFor(scheduleCoroutine(() -> await(fromThread)), ofSeconds(30)));
    assertThat(got).isEqualTo("woken");
    assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).isLessThan(10);
  }

  @Test
  void cancelFromAnotherThreadIsAppliedPromptlyWhileTheLoopRuns() throws Exception {
    CountDownLatch sleeping = new CountDownLatch(1);
    Task<String> sleeper =
        scheduleCoroutine(
            () -> {
              sleeping.countDown();
              await(sleep(ofSeconds(60)));
              return "slept";
            });
    Thread.ofPlatform()
        .start(
            () -> {
              try {
                sleeping.await();
                LoopTestSupport.awaitWaitingForWork(loop); // for the sleeper's timer
              } catch (InterruptedException e) {
                return;
              }
              assertThat(sleeper.cancel()).isTrue();
            });
    long start = System.nanoTime();
    assertThatThrownBy(() -> runInForeground(sleeper)).isInstanceOf(CancellationException.class);
    assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).isLessThan(10);
  }

  @Test
  void toCompletableFutureServesAnotherThread() throws Exception {
    Task<Integer> task =
        scheduleCoroutine(
            () -> {
              await(sleep(ofMillis(20)));
              return 42;
            });
    CompletableFuture<Integer> seen = new CompletableFuture<>();
    Thread other =
        Thread.ofPlatform()
            .start(
                () -> {
                  try {
                    seen.complete(task.toCompletableFuture().get(10, TimeUnit.SECONDS));
                  } catch (Exception e) {
                    seen.completeExceptionally(e);
                  }
                });
    runInForeground(task);
    other.join(10_000);
    assertThat(seen.get()).isEqualTo(42);

    Task<Void> victim =
        scheduleCoroutine(
            () -> {
              await(sleep(ofSeconds(60)));
              return null;
            });
    runInForeground(sleep(ZERO));
    Thread canceller = Thread.ofPlatform().start(() -> victim.toCompletableFuture().cancel(true));
    canceller.join();
    assertThatThrownBy(() -> runInForeground(victim)).isInstanceOf(CancellationException.class);
  }

  @Test
  void cancellingABackgroundCallInterruptsItsThreadAtOnce() throws Exception {
    CountDownLatch sleeping = new CountDownLatch(1);
    CompletableFuture<Boolean> interrupted = new CompletableFuture<>();
    Task<Void> call =
        callInBackground(
            () -> {
              sleeping.countDown();
              try {
                Thread.sleep(60_000);
                interrupted.complete(false);
              } catch (InterruptedException e) {
                interrupted.complete(true);
                throw e;
              }
              return null;
            });
    assertThat(sleeping.await(10, TimeUnit.SECONDS)).isTrue();
    long start = System.nanoTime();
    assertThat(call.cancel()).isTrue();
    assertThat(interrupted.get(10, TimeUnit.SECONDS)).isTrue();
    assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).isLessThan(5);
    assertThat(call.isCancelled()).isTrue();
    assertThatThrownBy(() -> runInForeground(call)).isInstanceOf(CancellationException.class);
  }

  @Test
  void cancellingABackgroundCallFromAnotherThreadWhileTheLoopRunsInterruptsItToo()
      throws Exception {
    CountDownLatch sleeping = new CountDownLatch(1);
    Task<Void> call =
        callInBackground(
            () -> {
              sleeping.countDown();
              Thread.sleep(60_000);
              return null;
            });
    Thread.ofPlatform()
        .start(
            () -> {
              try {
                sleeping.await();
              } catch (InterruptedException e) {
                return;
              }
              call.cancel();
            });
    long start = System.nanoTime();
    assertThatThrownBy(() -> runInForeground(call)).isInstanceOf(CancellationException.class);
    assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).isLessThan(10);
  }

  @Test
  void aGivenExecutorRunsTheCallAndACancelledQueuedCallNeverRuns() throws Exception {
    ExecutorService single = Executors.newSingleThreadExecutor();
    try {
      CountDownLatch release = new CountDownLatch(1);
      Task<String> first = callInBackground(() -> release.await(10, TimeUnit.SECONDS) ? "first" : "", single);
      AtomicBoolean secondRan = new AtomicBoolean();
      Task<String> second = callInBackground(() -> { secondRan.set(true); return "second"; }, single);
      second.cancel();
      release.countDown();
      assertThat(runInForeground(first)).isEqualTo("first");
      single.submit(() -> {}).get(10, TimeUnit.SECONDS);
      assertThat(secondRan).isFalse();
      assertThat(second.isCancelled()).isTrue();
    } finally {
      single.shutdownNow();
    }
  }

  @Test
  void awaitOfACompletionStageCompletedByAnotherThread() throws Exception {
    CompletableFuture<String> stage = new CompletableFuture<>();
    Task<String> waiting = scheduleCoroutine(() -> await(stage) + "!");
    runInForeground(sleep(ZERO));
    Thread.ofPlatform().start(() -> stage.complete("from a thread"));
    assertThat(runInForeground(waiting)).isEqualTo("from a thread!");

    CompletableFuture<String> failed = CompletableFuture.failedFuture(new IllegalStateException("x"));
    assertThatThrownBy(() -> runInForeground(() -> await(failed)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("x");
  }
}
