package io.fgbg;

import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.callInBackground;
import static io.fgbg.Fgbg.currentTask;
import static io.fgbg.Fgbg.job;
import static io.fgbg.Fgbg.runInForeground;
import static io.fgbg.Fgbg.scheduleCoroutine;
import static io.fgbg.Fgbg.sleep;
import static io.fgbg.Fgbg.untilIdle;
import static java.time.Duration.ZERO;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * {@link Task#setName(String)}, asyncio's {@code set_name}: the name everything shows, the job
 * number that stays, and the task's thread that follows.
 */
class TaskNameTest extends LoopTestSupport {

  private Coroutine<Void> recordsItsThreadsName() {
    return () -> {
      for (; ; ) {
        log(Thread.currentThread().getName());
        await(sleep(ofSeconds(1)));
      }
    };
  }

  @Test
  void theNameIsShownEverywhereAndTheNumberStays() throws Exception {
    Task<Void> ticker = scheduleCoroutine(recordsItsThreadsName());
    ticker.setName("ticker");
    assertThat(ticker.name()).isEqualTo("ticker");
    assertThat(ticker).hasToString("Task[ticker, pending]");
    assertThat(job(1)).isSameAs(ticker);
    runInForeground(sleep(ofSeconds(1)));
    assertThat(Fgbg.jobsTable(loop)).startsWith("[1]+  Waiting  1.0 s  ticker  sleep of ticker");
    assertThat(Ps.text(loop)).startsWith("[1]  Waiting  ");
    assertThat(Ps.text(loop)).contains("  ticker  sleep until 1.000 s");
  }

  @Test
  void aRenameWhileASleepIsUnderWayShowsInWhatTheSleepSays() throws Exception {
    Task<Void> ticker = scheduleCoroutine(recordsItsThreadsName());
    runInForeground(sleep(ZERO));
    ticker.setName("ticker");
    assertThat(Fgbg.jobsTable(loop)).contains("  ticker  sleep of ticker");
    ticker.cancel();
    runInForeground(sleep(ZERO));
    assertThatThrownBy(ticker::result)
        .isExactlyInstanceOf(CancellationException.class)
        .hasMessage("sleep of ticker was cancelled");
  }

  @Test
  void theTasksThreadTakesTheNameBeforeItStartsAndAfter() throws Exception {
    Task<Void> ticker = scheduleCoroutine(recordsItsThreadsName());
    ticker.setName("before its start");
    runInForeground(sleep(ZERO));
    ticker.setName("between runs");
    runInForeground(sleep(ofSeconds(1)));
    runInForeground(
        () -> {
          ticker.setName("from a task");
          return null;
        });
    runInForeground(sleep(ofSeconds(1)));
    assertThat(events).containsExactly("before its start", "between runs", "from a task");
  }

  @Test
  void aRenameFromAnotherThreadWhileTheLoopRunsReachesTheThreadThroughTheLoop()
      throws Exception {
    Task<Void> ticker = scheduleCoroutine(recordsItsThreadsName());
    CountDownLatch renamed = new CountDownLatch(1);
    runInForeground(
        () -> {
          await(sleep(ZERO)); // the ticker has started
          Thread.ofPlatform()
              .start(
                  () -> {
                    ticker.setName("renamed elsewhere");
                    renamed.countDown();
                  })
              .join();
          assertThat(ticker.name()).isEqualTo("renamed elsewhere");
          await(sleep(ofSeconds(1)));
          return null;
        });
    assertThat(renamed.getCount()).isZero();
    assertThat(events).containsExactly("Task-1", "renamed elsewhere");
  }

  @Test
  void aThreadThatGoesOnWithAnotherTaskTakesThatTasksName() throws Exception {
    Task<Void> first = scheduleCoroutine(() -> null);
    Task<String> second = scheduleCoroutine(() -> Thread.currentThread().getName());
    second.setName("second");
    runInForeground(second);
    assertThat(first.isDone()).isTrue();
    assertThat(second.result()).isEqualTo("second");
  }

  @Test
  void theRunsOwnTaskRunsOnAThreadOfItsName() throws Exception {
    assertThat(
            runInForeground(
                () -> {
                  currentTask().setName("main");
                  return Thread.currentThread().getName();
                }))
        .isEqualTo("main");
  }

  @Test
  void aBackgroundCallIsRenamedButItsExecutorsThreadKeepsItsName() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Task<String> call =
        callInBackground(
            () -> {
              release.await();
              return Thread.currentThread().getName();
            });
    call.setName("loader");
    runInForeground(untilIdle());
    assertThat(Fgbg.jobsTable(loop)).contains("  loader  call running in fgbg-background-");
    release.countDown();
    assertThat(runInForeground(call)).startsWith("fgbg-background-");
  }

  @Test
  void nullIsRefusedNamingTheParameterAndTheNameStays() {
    Task<Void> ticker = scheduleCoroutine(recordsItsThreadsName());
    assertThatThrownBy(() -> ticker.setName(null))
        .isExactlyInstanceOf(NullPointerException.class)
        .hasMessage("name");
    assertThat(ticker.name()).isEqualTo("Task-1");
  }
}
