package io.fgbg;

import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.allTasks;
import static io.fgbg.Fgbg.callInBackground;
import static io.fgbg.Fgbg.runInBackground;
import static io.fgbg.Fgbg.runInForeground;
import static io.fgbg.Fgbg.scheduleCoroutine;
import static io.fgbg.Fgbg.sleep;
import static java.time.Duration.ZERO;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The sessions of the original proposal ("Background tasks in Python 3.5"), typed as a user would
 * at the prompt. The ticker session runs on a virtual clock (exact) and on the real clock (with
 * the user's pauses between commands); the threaded sessions run on the real clock.
 */
class ProposalSessionsTest {
  /** What the session printed, one entry per line. */
  private final List<String> printed = new CopyOnWriteArrayList<>();

  @AfterEach
  void closeTheThreadsLoop() {
    EventLoop.current().close();
    EventLoop.setCurrent(null);
  }

  private Coroutine<Void> ticker(String prefix) {
    return ticker(prefix, ofSeconds(1));
  }

  private Coroutine<Void> ticker(String prefix, Duration period) {
    return () -> {
      for (int i = 0; ; i++) {
        printed.add(prefix + i);
        await(sleep(period));
      }
    };
  }

  private static void userTypesNextCommand() throws InterruptedException {
    Thread.sleep(100);
  }

  /**
   * The whole ticker session, on a virtual clock: exact, so the printed lines are the same
   * whatever the machine's load, and the 19 s of the session pass in milliseconds. The ticker's
   * timer that ties with the end of a foreground sleep was set in a later iteration than the
   * sleep's, so it fires after the run has ended, as on the real clock, where it lands a little
   * later: 0..4 for 5 s, 5..7 for the next 3.
   */
  @Test
  void aTickerRunsOnlyInTheForegroundAndResumesWhereItLeftOff() throws Exception {
    long start = System.nanoTime();
    EventLoop.setCurrent(EventLoop.createVirtual());
    Task<Void> ticker1 = scheduleCoroutine(ticker(""));
    assertThat(printed).as("a scheduled coroutine waits for the loop").isEmpty();
    assertThat(ticker1.isDone()).isFalse();

    runInForeground(sleep(ofSeconds(5)));
    assertThat(printed).containsExactly("0", "1", "2", "3", "4");

    runInForeground(sleep(ofSeconds(3)));
    assertThat(printed).containsExactly("0", "1", "2", "3", "4", "5", "6", "7");

    // a second ticker interleaves with the first, each printing once a second. The new ticker's
    // first step is ready before the old one's timer is due, so it prints first (CPython asyncio
    // prints the same session in the same order, also when the user pauses between commands)
    printed.clear();
    Task<Void> ticker2 = scheduleCoroutine(ticker("b"));
    runInForeground(sleep(ofSeconds(3)));
    assertThat(printed).containsExactly("b0", "8", "b1", "9", "b2", "10");
    assertThat(allTasks()).containsExactly(ticker1, ticker2);

    // cancelling each stops it; a single step lets the cancellation take effect
    assertThat(ticker1.cancel()).isTrue();
    runInForeground(sleep(ZERO));
    assertThat(ticker1.isCancelled()).isTrue();
    assertThat(allTasks()).containsExactly(ticker2);
    assertThat(ticker2.cancel()).isTrue();
    runInForeground(sleep(ZERO));
    assertThat(ticker2.isCancelled()).isTrue();
    assertThat(allTasks()).isEmpty();

    printed.clear();
    runInForeground(sleep(ofSeconds(10)));
    assertThat(printed).as("cancelled tickers print no more").isEmpty();
    assertThat(EventLoop.current().time()).isEqualTo(ofSeconds(21));
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .as("21 s of loop time in real time")
        .isLessThan(ofSeconds(5));
  }

  /**
   * The same session on the real clock, five times faster (a tick every 200 ms), with the user's
   * pauses between commands. A run ends at the end of the iteration in which its sleep ended; if
   * the machine wakes the loop late, the ticker's timer may come due in that same iteration and
   * print one more line (asyncio does the same), so this checks the pace and the resumption, not
   * the last line.
   */
  @Test
  void onTheRealClockTheTickerKeepsItsPaceAndResumesWhereItLeftOff() throws Exception {
    scheduleCoroutine(ticker("", ofMillis(200)));
    userTypesNextCommand();
    assertThat(printed).isEmpty();
    long start = System.nanoTime();
    runInForeground(sleep(ofMillis(1000)));
    double firstRun = (System.nanoTime() - start) / 1e9;
    assertThat(printed).startsWith("0", "1", "2", "3", "4").hasSizeBetween(5, 6);
    int afterFirst = printed.size();
    userTypesNextCommand();
    runInForeground(sleep(ofMillis(600)));
    assertThat(printed.size() - afterFirst).isBetween(2, 4);
    for (int i = 0; i < printed.size(); i++) {
      assertThat(printed.get(i)).as("resumed where it left off").isEqualTo(String.valueOf(i));
    }
    assertThat(firstRun).isBetween(1.0, 1.4);
  }

  @Test
  void sleepZeroInTheForegroundSingleStepsTheLoop() throws Exception {
    Coroutine<Void> stepper =
        () -> {
          for (int i = 0; ; i++) {
            printed.add("s" + i);
            await(sleep(ZERO));
          }
        };
    Coroutine<Void> other =
        () -> {
          for (int i = 0; ; i++) {
            printed.add("o" + i);
            await(sleep(ZERO));
          }
        };
    scheduleCoroutine(stepper);
    scheduleCoroutine(other);
    runInForeground(sleep(ZERO));
    assertThat(printed).containsExactly("s0", "o0");
    runInForeground(sleep(ZERO));
    assertThat(printed).containsExactly("s0", "o0", "s1", "o1");
    runInForeground(sleep(ZERO));
    assertThat(printed).containsExactly("s0", "o0", "s1", "o1", "s2", "o2");
  }

  @Test
  void aBlockingCallInTheBackgroundStartsAtOnceWithoutTheLoop() throws Exception {
    CountDownLatch finished = new CountDownLatch(1);
    Callable<Void> tick5Sync =
        () -> {
          for (int i = 0; i < 5; i++) {
            printed.add(String.valueOf(i));
            Thread.sleep(20); // blocking work
          }
          printed.add("Finishing");
          finished.countDown();
          return null;
        };
    Task<Void> call = callInBackground(tick5Sync);
    // nobody runs the loop: the thread ticks on its own
    assertThat(finished.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(printed).containsExactly("0", "1", "2", "3", "4", "Finishing");
    // the outcome comes back through the loop
    assertThat(call.isDone()).isFalse();
    assertThat(runInForeground(call)).isNull();
    assertThat(call.isDone()).isTrue();
  }

  @Test
  void callInBackgroundCallsGoOnWhileTheCallerBlocksWithoutTheLoop() throws Exception {
    CountDownLatch bothStarted = new CountDownLatch(2);
    Callable<String> waitForTheOther =
        () -> {
          bothStarted.countDown();
          return bothStarted.await(10, TimeUnit.SECONDS) ? "met" : "alone";
        };
    Task<String> first = callInBackground(waitForTheOther);
    Task<String> second = callInBackground(waitForTheOther);
    assertThat(bothStarted.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(runInForeground(first)).isEqualTo("met");
    assertThat(runInForeground(second)).isEqualTo("met");
  }

  @Test
  void runInBackgroundDispatchesEachKindOfTarget() throws Exception {
    Task<Integer> coroutineTask = scheduleCoroutine(() -> 1);
    assertThat(runInBackground(coroutineTask)).isSameAs(coroutineTask);

    Task<?> fromCoroutine = runInBackground((Coroutine<Integer>) () -> 2);
    Task<?> fromCallable = runInBackground((Callable<Integer>) () -> 3);
    Task<?> fromSupplier = runInBackground((Supplier<Integer>) () -> 4);
    Task<?> fromRunnable = runInBackground((Runnable) () -> printed.add("ran"));
    CompletableFuture<Integer> stage = new CompletableFuture<>();
    Task<?> fromStage = runInBackground(stage);
    FutureTask<Integer> plainFuture = new FutureTask<>(() -> 6);
    Task<?> fromFuture = runInBackground(plainFuture);

    stage.complete(5);
    plainFuture.run();
    assertThat(runInForeground(fromCoroutine)).isEqualTo(2);
    assertThat(runInForeground(fromCallable)).isEqualTo(3);
    assertThat(runInForeground(fromSupplier)).isEqualTo(4);
    assertThat(runInForeground(fromRunnable)).isNull();
    assertThat(printed).containsExactly("ran");
    assertThat(runInForeground(fromStage)).isEqualTo(5);
    assertThat(runInForeground(fromFuture)).isEqualTo(6);
    assertThat(runInForeground(coroutineTask)).isEqualTo(1);

    assertThatThrownBy(() -> runInBackground("not a job"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("background task must be future, coroutine or callable, not java.lang.String");
    assertThatThrownBy(() -> runInBackground(42))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "background task must be future, coroutine or callable, not java.lang.Integer");
  }

  @Test
  void parallelLoadsTakeAsLongAsTheSlowerOneNotTheSum() throws Exception {
    Callable<String> loadOne =
        () -> {
          Thread.sleep(300);
          return "one";
        };
    Callable<String> loadTwo =
        () -> {
          Thread.sleep(600);
          return "two";
        };
    long start = System.nanoTime();
    Task<String> first = callInBackground(loadOne);
    Task<String> second = callInBackground(loadTwo);
    assertThat(runInForeground(first)).isEqualTo("one");
    assertThat(runInForeground(second)).isEqualTo("two");
    long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(elapsedMillis).isBetween(580L, 870L); // the sum would be 900
  }
}
