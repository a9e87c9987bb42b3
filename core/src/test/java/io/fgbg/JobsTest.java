package io.fgbg;

import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.callInBackground;
import static io.fgbg.Fgbg.gather;
import static io.fgbg.Fgbg.job;
import static io.fgbg.Fgbg.runInBackground;
import static io.fgbg.Fgbg.runInForeground;
import static io.fgbg.Fgbg.scheduleCoroutine;
import static io.fgbg.Fgbg.sleep;
import static java.time.Duration.ZERO;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Job control: job numbers, the job table that {@code jobs()} prints, and the notices that each
 * foreground run prints for the background jobs that finished, on the virtual clock.
 */
class JobsTest extends LoopTestSupport {

  /** Something run while System.err is captured. */
  @FunctionalInterface
  interface Action {
    void run() throws Exception;
  }

  /** Runs {@code action} and returns the lines it printed on System.err: the job notices. */
  private static List<String> noticesOf(Action action) throws Exception {
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      action.run();
    } finally {
      System.setErr(err);
    }
    return captured.toString(StandardCharsets.UTF_8).lines().toList();
  }

  private List<String> table() {
    return Fgbg.jobsTable(loop).lines().toList();
  }

  private static Coroutine<Void> ticker() {
    return () -> {
      for (; ; ) {
        await(sleep(ofSeconds(1)));
      }
    };
  }

  // ------------------------------------------------------------------ notices

  @Test
  void aBackgroundJobThatFinishedIsReportedOnceWhenTheNextForegroundRunReturns() throws Exception {
    scheduleCoroutine(sleep(ofSeconds(1), 42));

    assertThat(noticesOf(() -> runInForeground(sleep(ofSeconds(2)))))
        .containsExactly("[1]+  Done  Task-1");
    assertThat(noticesOf(() -> runInForeground(sleep(ofSeconds(2))))).isEmpty();
  }

  @Test
  void aFailedJobIsReportedWithTheSimpleNameOfItsExceptionAndTheMessage() throws Exception {
    scheduleCoroutine(
        () -> {
          throw new IOException("connection reset");
        });
    scheduleCoroutine(
        () -> {
          throw new IllegalStateException();
        });
    scheduleCoroutine(
        () -> {
          throw new IllegalArgumentException("first line\nsecond line");
        });

    assertThat(noticesOf(() -> runInForeground(sleep(ZERO))))
        .containsExactly(
            "[1]   Failed  Task-1  IOException: connection reset",
            "[2]-  Failed  Task-2  IllegalStateException",
            "[3]+  Failed  Task-3  IllegalArgumentException: first line ...");
  }

  @Test
  void cancelledJobsAreReportedAndTheTwoMostRecentJobsCarryBashsMarks() throws Exception {
    Task<Void> first = scheduleCoroutine(ticker());
    Task<Void> second = scheduleCoroutine(ticker());
    Task<Void> third = scheduleCoroutine(ticker());
    third.setName("ticker");
    runInForeground(sleep(ofSeconds(1))); // Task-4

    first.cancel();
    second.cancel();
    assertThat(noticesOf(() -> runInForeground(sleep(ZERO)))) // Task-5
        .as("the third, still running, is the current job ('+')")
        .containsExactly("[1]   Cancelled  Task-1", "[2]-  Cancelled  Task-2");

    third.cancel();
    assertThat(noticesOf(() -> runInForeground(sleep(ZERO))))
        .containsExactly("[3]+  Cancelled  ticker");
  }

  @Test
  void theNoticesComeAlsoWhenTheRunThrowsAndNeverForTheTaskItRan() throws Exception {
    Task<Void> failing =
        scheduleCoroutine(
            () -> {
              throw new IOException("connection reset");
            });
    assertThat(
            noticesOf(
                () ->
                    assertThatThrownBy(() -> runInForeground(failing))
                        .isInstanceOf(IOException.class)))
        .as("the caller got the failure: no notice")
        .isEmpty();

    scheduleCoroutine(() -> 1); // Task-2
    assertThat(
            noticesOf(
                () ->
                    assertThatThrownBy(
                            () ->
                                runInForeground(
                                    () -> {
                                      await(sleep(ZERO));
                                      throw new IllegalStateException("the foreground task");
                                    }))
                        .hasMessage("the foreground task")))
        .containsExactly("[2]+  Done  Task-2");
  }

  @Test
  void aJobWhoseOutcomeWasTakenIsNotReportedAsWaitAndFgReapABashJob() throws Exception {
    Task<Integer> awaited = scheduleCoroutine(() -> 1);
    Task<Integer> gathered = scheduleCoroutine(() -> 2);
    Task<Integer> read = scheduleCoroutine(() -> 3);
    Task<Integer> calledBack = scheduleCoroutine(() -> 4);
    calledBack.addDoneCallback(t -> {});
    Task<Integer> following = scheduleCoroutine(() -> 5);
    following.toCompletableFuture();
    Task<Integer> unseen = scheduleCoroutine(() -> 6);

    assertThat(
            noticesOf(
                () ->
                    runInForeground(
                        () -> {
                          await(awaited);
                          await(gather(List.of(gathered)));
                          return read.result();
                        })))
        .containsExactly("[6]+  Done  Task-6");
    assertThat(unseen.isDone()).isTrue();
  }

  @Test
  void aTaskThatATaskMadeIsReportedOnlyWhenItFailedAndNobodyTookTheException() throws Exception {
    List<String> notices =
        noticesOf(
            () ->
                runInForeground(
                    () -> { // Task-1
                      scheduleCoroutine( // Task-2: a connection handler nobody awaits
                          () -> {
                            await(sleep(ofMillis(10)));
                            throw new IOException("connection reset");
                          });
                      scheduleCoroutine(() -> "fine"); // Task-3
                      Task<Void> cancelled = scheduleCoroutine(ticker()); // Task-4
                      Task<Void> awaited = // Task-5
                          scheduleCoroutine(
                              () -> {
                                throw new IOException("awaited");
                              });
                      Task<Void> read = // Task-6
                          scheduleCoroutine(
                              () -> {
                                throw new IOException("read");
                              });
                      await(sleep(ZERO));
                      cancelled.cancel();
                      assertThatThrownBy(() -> await(awaited)).hasMessage("awaited");
                      assertThat(read.exception()).hasMessage("read");
                      await(sleep(ofSeconds(1)));
                      return null;
                    }));

    assertThat(notices).containsExactly("[2]   Failed  Task-2  IOException: connection reset");
  }

  @Test
  void aFailureAwaitedByABackgroundJobIsReportedOnceAsTheJobsFailure() throws Exception {
    scheduleCoroutine(
        () -> {
          Task<Void> child =
              scheduleCoroutine(
                  () -> {
                    throw new IOException("connection reset");
                  });
          return await(child);
        });

    assertThat(noticesOf(() -> runInForeground(sleep(ofSeconds(1)))))
        .containsExactly("[1]+  Failed  Task-1  IOException: connection reset");
  }

  @Test
  void noticesSwitchedOffWaitForJobsToListThem() throws Exception {
    loop.setJobNotices(false);
    scheduleCoroutine(() -> 1);
    assertThat(noticesOf(() -> runInForeground(sleep(ZERO)))).isEmpty();
    assertThat(table()).containsExactly("[1]+  Done  0.0 s  Task-1");

    loop.setJobNotices(true);
    assertThat(noticesOf(() -> runInForeground(sleep(ZERO))))
        .as("listed counts as reported")
        .isEmpty();
  }

  @Test
  void finishedJobsWaitingForAReportAreBounded() throws Exception {
    List<String> notices =
        noticesOf(
            () ->
                runInForeground(
                    () -> {
                      for (int i = 0; i < Jobs.KEPT_FINISHED + 10; i++) {
                        int n = i;
                        scheduleCoroutine(
                            () -> {
                              throw new IOException("reset " + n);
                            });
                      }
                      await(sleep(ZERO));
                      return null;
                    }));

    assertThat(notices).hasSize(Jobs.KEPT_FINISHED + 1);
    assertThat(notices.get(0)).isEqualTo("[12]     Failed  Task-12    IOException: reset 10");
    assertThat(notices.get(notices.size() - 1))
        .isEqualTo("... and 10 more finished jobs, not kept (the last 1000 are kept until reported)");
  }

  // ------------------------------------------------------------------ the table

  @Test
  void jobsListsEachTaskWithItsStateAgeAndWhatItWaitsOn() throws Exception {
    loop.setJobNotices(false);
    Task<Void> ticker = scheduleCoroutine(ticker()); // Task-1
    ticker.setName("ticker");
    scheduleCoroutine( // Task-2
        () -> {
          await(sleep(ofMillis(500)));
          throw new IOException("connection reset");
        });
    scheduleCoroutine(() -> 42); // Task-3
    runInForeground(sleep(ofMillis(2500))); // Task-4
    scheduleCoroutine(() -> await(ticker)); // Task-5
    CountDownLatch release = new CountDownLatch(1);
    Task<Boolean> call = callInBackground(() -> release.await(10, TimeUnit.SECONDS)); // Task-6
    scheduleCoroutine( // Task-7
        () -> {
          for (; ; ) {
            await(sleep(ZERO));
          }
        });
    runInForeground(sleep(ZERO)); // Task-8: one step each
    scheduleCoroutine(() -> 1); // Task-9

    assertThat(table())
        .containsExactly(
            "[1]   Waiting  2.5 s  ticker  sleep of ticker",
            "[2]   Failed   2.5 s  Task-2  IOException: connection reset",
            "[3]   Done     2.5 s  Task-3",
            "[5]   Waiting  0.0 s  Task-5  ticker",
            "[6]   Running  0.0 s  Task-6  call running in fgbg-background-1",
            "[7]-  Ready    0.0 s  Task-7",
            "[9]+  Pending  0.0 s  Task-9");
    assertThat(table())
        .as("finished jobs are listed once, as bash lists them")
        .hasSize(5);

    release.countDown();
    assertThat(runInForeground(call)).isTrue();
  }

  @Test
  void insideATaskJobsShowsThatTaskRunning() throws Exception {
    scheduleCoroutine(() -> 1); // Task-1
    List<String> table =
        runInForeground(() -> Fgbg.jobsTable(loop).lines().toList()); // Task-2
    assertThat(table).containsExactly("[1]+  Pending  0.0 s  Task-1", "[2]   Running  0.0 s  Task-2");
  }

  @Test
  void aTaskThatFollowsOrAwaitsAStageWaitsOnIt() throws Exception {
    CompletableFuture<String> stage = new CompletableFuture<>();
    runInBackground(stage);
    scheduleCoroutine(() -> await(stage));
    runInForeground(sleep(ZERO));
    assertThat(table())
        .containsExactly(
            "[1]-  Waiting  0.0 s  Task-1  following a CompletableFuture",
            "[2]+  Waiting  0.0 s  Task-2  a CompletableFuture");
  }

  @Test
  void jobsPrintsTheTableOnStandardOutput() throws Exception {
    scheduleCoroutine(() -> 1);
    PrintStream out = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      Fgbg.jobs();
    } finally {
      System.setOut(out);
    }
    assertThat(captured.toString(StandardCharsets.UTF_8).lines())
        .containsExactly("[1]+  Pending  0.0 s  Task-1");
  }

  // ------------------------------------------------------------------ job numbers and names

  @Test
  void everyTaskHasAJobNumberAndJobGivesItBack() throws Exception {
    Task<Void> ticker = scheduleCoroutine(ticker());
    Task<Integer> call = callInBackground(() -> 2);
    noticesOf(() -> runInForeground(() -> await(call))); // Task-3
    Task<?> following = runInBackground(new CompletableFuture<String>());

    assertThat(job(1)).isSameAs(ticker);
    assertThat(job(2)).as("finished and reaped, still remembered").isSameAs(call);
    assertThat(job(4)).isSameAs(following);
    assertThat(following.name()).isEqualTo("Task-4");
    assertThatThrownBy(() -> job(3))
        .as("a foreground run's own task is not kept once done")
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no such job: 3");
    assertThatThrownBy(() -> job(7))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no such job: 7");
  }

  @Test
  void onlyTheLastFewReportedJobsAreRemembered() throws Exception {
    Task<Integer> first = scheduleCoroutine(() -> 0);
    for (int i = 0; i < Jobs.KEPT_REPORTED; i++) {
      scheduleCoroutine(() -> 1);
    }
    noticesOf(() -> runInForeground(sleep(ZERO)));

    assertThat(job(2).isDone()).isTrue();
    assertThatThrownBy(() -> job(1)).hasMessage("no such job: 1");
    assertThat(first.isDone()).isTrue();
  }

  @Test
  void aTaskCanBeNamedWithoutChangingItsNumber() throws Exception {
    Task<Void> ticker = scheduleCoroutine(ticker());
    ticker.setName("ticker");
    assertThat(ticker.name()).isEqualTo("ticker");
    assertThat(job(1)).isSameAs(ticker);
    assertThat(ticker.toString()).isEqualTo("Task[ticker, pending]");
    assertThatThrownBy(() -> ticker.setName(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("name");
  }

  @Test
  void taskImplementationsThatCannotBeNamedSaySo() {
    Task<Void> foreign = new ForeignTask();
    assertThatThrownBy(() -> foreign.setName("x"))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageEndingWith("cannot be named");
  }

  @Test
  void agesAreTenthsOfASecond() {
    assertThat(Jobs.age(0)).isEqualTo("0.0 s");
    assertThat(Jobs.age(12_345_000_000L)).isEqualTo("12.3 s");
    assertThat(Jobs.age(-1)).isEqualTo("0.0 s");
  }

  /** A Task that fgbg did not make. */
  private static final class ForeignTask implements Task<Void> {
    @Override
    public String name() {
      return "foreign";
    }

    @Override
    public boolean isDone() {
      return false;
    }

    @Override
    public boolean isCancelled() {
      return false;
    }

    @Override
    public boolean cancel() {
      return false;
    }

    @Override
    public Void result() {
      return null;
    }

    @Override
    public Throwable exception() {
      return null;
    }

    @Override
    public void addDoneCallback(Consumer<? super Task<Void>> callback) {}

    @Override
    public CompletableFuture<Void> toCompletableFuture() {
      return new CompletableFuture<>();
    }
  }

  @Test
  void aCancelledBackgroundCallThatIgnoresItsInterruptIsListedAsCancellingUntilItReturns()
      throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    Thread[] runner = new Thread[1];
    Task<String> call =
        callInBackground( // Task-1
            () -> {
              runner[0] = Thread.currentThread();
              for (; ; ) {
                try {
                  release.await();
                  return "returned at last";
                } catch (InterruptedException ignored) {
                  interrupted.countDown(); // and waits on: a call that does not stop
                }
              }
            });
    runInForeground(sleep(ZERO));
    call.cancel();
    assertThat(interrupted.await(10, TimeUnit.SECONDS)).as("the call was interrupted").isTrue();
    runInForeground(sleep(ofSeconds(2))); // Task-2

    assertThat(call.isCancelled()).isTrue();
    assertThat(table())
        .containsExactly(
            "[1]+  Cancelling  2.0 s  Task-1  cancelled 2.0 s ago, call still running in"
                + " fgbg-background-1: it ignores its interrupt");
    assertThat(table()).as("listed again: it is still running").hasSize(1);
    assertThat(Fgbg.allTasks(loop)).as("a cancelled call is done").isEmpty();

    release.countDown();
    runner[0].join(10_000); // the call has returned, and its outcome is posted to the loop
    runInForeground(sleep(ZERO));
    assertThat(table()).as("gone once its thread returned").isEmpty();
  }
}
