package io.fgbg;

import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.runInForeground;
import static io.fgbg.Fgbg.scheduleCoroutine;
import static io.fgbg.Fgbg.sleep;
import static java.time.Duration.ZERO;
import static java.time.Duration.ofHours;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;

/**
 * No failure is lost: a task that failed and whose exception nobody retrieved is reported through
 * the loop's exception handler as "Task exception was never retrieved", at the latest when the loop
 * closes; a job notice does not count as retrieving it.
 *
 * <p>Thread regime: one loop on the virtual clock, run by the test's thread; the test calls the
 * job table's end-of-close report itself, holding the loop (or after {@code close()}, as the last
 * thread that held it), and reads what the handler recorded from the same thread.
 */
class UnretrievedExceptionTest extends LoopTestSupport {
  private static final String NEVER_RETRIEVED = "Task exception was never retrieved";

  private final List<ExceptionContext> handled = new ArrayList<>();

  private void recordContexts() {
    loop.setExceptionHandler((l, context) -> handled.add(context));
  }

  /**
   * What close() does last: reports the failures still not retrieved. After a close() that already
   * made the report, it reports nothing, so the tests hold with and without that call in close().
   */
  private void reportUnretrieved() {
    if (loop.isClosed()) {
      loop.jobs.reportUnretrieved();
    } else {
      loop.onLoop(
          () -> {
            loop.jobs.reportUnretrieved();
            return null;
          });
    }
  }

  private static Coroutine<Void> failing(Exception failure) {
    return () -> {
      throw failure;
    };
  }

  private static ExceptionContext neverRetrieved(Exception failure, Task<?> task) {
    return ExceptionContext.of(NEVER_RETRIEVED, failure, task);
  }

  /** A child that main schedules and that fails after main has returned, as asyncio.run sees it. */
  private Task<?> mainThatLeavesAFailingChild(Exception failure) throws Exception {
    return runInForeground(() -> scheduleCoroutine(failing(failure)));
  }

  // ------------------------------------------------------------------ through the public API

  /**
   * CPython 3.11, for {@code async def main(): create_task(child())} with a child that raises
   * {@code ValueError('child failed')}, under {@code asyncio.run(main())}, logs before run returns:
   * "Task exception was never retrieved / future: &lt;Task finished name='Task-2' ...
   * exception=ValueError('child failed')&gt;" and the traceback.
   */
  @Test
  void aChildThatFailsAfterMainReturnsIsReportedWhenTheLoopCloses() throws Exception {
    recordContexts();
    IllegalStateException boom = new IllegalStateException("child failed");
    Task<?> child = mainThatLeavesAFailingChild(boom);

    loop.close();

    assertThat(child.name()).isEqualTo("Task-2");
    assertThat(handled).containsExactly(neverRetrieved(boom, child));
  }

  @Test
  void aTaskThatFailsInItsCleanupWhileCloseCancelsItIsReportedToo() throws Exception {
    recordContexts();
    IOException boom = new IOException("cleanup failed");
    Task<Void> stubborn =
        scheduleCoroutine(
            () -> {
              try {
                await(sleep(ofHours(1)));
              } catch (CancellationException e) {
                throw boom;
              }
              return null;
            });
    runInForeground(sleep(ZERO)); // it waits

    loop.close();

    assertThat(handled).containsExactly(neverRetrieved(boom, stubborn));
  }

  // ------------------------------------------------------------------ the job table's report

  @Test
  void aChildThatFailsDuringCloseIsInTheReportAtTheEndOfClose() throws Exception {
    recordContexts();
    IllegalStateException boom = new IllegalStateException("child failed");
    Task<?> child = mainThatLeavesAFailingChild(boom);
    loop.close(); // its first iteration runs the child
    reportUnretrieved();

    assertThat(handled).containsExactly(neverRetrieved(boom, child));
  }

  @Test
  void aTaskThatFailsWhileCloseCancelsItIsNotRetrievedByClose() throws Exception {
    recordContexts();
    IOException boom = new IOException("cleanup failed");
    Task<Void> stubborn =
        scheduleCoroutine(
            () -> {
              try {
                await(sleep(ofHours(1)));
              } catch (CancellationException e) {
                throw boom;
              }
              return null;
            });
    runInForeground(sleep(ZERO));
    loop.close();

    reportUnretrieved();

    assertThat(handled).containsExactly(neverRetrieved(boom, stubborn));
  }

  @Test
  void aJobNoticeIsNotARetrievalTheFailureIsStillReported() throws Exception {
    recordContexts();
    IOException boom = new IOException("connection reset");
    Task<Void> job = scheduleCoroutine(failing(boom));
    PrintStream err = System.err;
    ByteArrayOutputStream notices = new ByteArrayOutputStream();
    System.setErr(new PrintStream(notices, true, StandardCharsets.UTF_8));
    try {
      runInForeground(sleep(ZERO));
    } finally {
      System.setErr(err);
    }
    assertThat(notices.toString(StandardCharsets.UTF_8).lines())
        .containsExactly("[1]+  Failed  Task-1  IOException: connection reset");

    reportUnretrieved();

    assertThat(handled).containsExactly(neverRetrieved(boom, job));
  }

  @Test
  void aFailureRetrievedAfterItHappenedIsNotReported() throws Exception {
    recordContexts();
    Task<Void> read = scheduleCoroutine(failing(new IOException("read later")));
    Task<Void> awaited = scheduleCoroutine(failing(new IOException("awaited later")));
    Task<Void> result = scheduleCoroutine(failing(new IOException("result() later")));
    runInForeground(sleep(ZERO));

    assertThat(read.exception()).hasMessage("read later");
    assertThatThrownBy(
            () ->
                runInForeground(
                    () -> {
                      await(awaited);
                      return null;
                    }))
        .hasMessage("awaited later");
    assertThatThrownBy(result::result).hasMessage("result() later");
    reportUnretrieved();

    assertThat(handled).isEmpty();
  }

  @Test
  void theForegroundRunsOwnTaskIsNotReportedItsCallerGetsTheException() throws Exception {
    recordContexts();
    IOException made = new IOException("made by the run");
    IOException handed = new IOException("handed to the run");
    Task<Void> task = scheduleCoroutine(failing(handed));

    assertThatThrownBy(() -> runInForeground(failing(made))).isSameAs(made);
    assertThatThrownBy(() -> runInForeground(task)).isSameAs(handed);
    reportUnretrieved();

    assertThat(handled).isEmpty();
  }

  @Test
  void aCancelledTaskIsNotAFailure() throws Exception {
    recordContexts();
    Task<Void> sleeper = scheduleCoroutine(sleep(ofHours(1)));
    runInForeground(sleep(ZERO));
    sleeper.cancel();
    runInForeground(sleep(ZERO));

    reportUnretrieved();

    assertThat(sleeper.isCancelled()).isTrue();
    assertThat(handled).isEmpty();
  }

  @Test
  void theReportIsInJobOrderWhateverOrderTheyFailedInAndIsMadeOnce() throws Exception {
    recordContexts();
    IOException first = new IOException("first");
    IOException second = new IOException("second");
    Task<Void> late = scheduleCoroutine(failingAfter(ofSeconds(2), first));
    Task<Void> early = scheduleCoroutine(failingAfter(ofSeconds(1), second));
    runInForeground(sleep(ofSeconds(3)));

    reportUnretrieved();
    reportUnretrieved();

    assertThat(handled).containsExactly(neverRetrieved(first, late), neverRetrieved(second, early));
  }

  private static Coroutine<Void> failingAfter(java.time.Duration delay, Exception failure) {
    return () -> {
      await(sleep(delay));
      throw failure;
    };
  }

  @Test
  void whenTheListIsFullTheOldestFailureIsReportedAtOnce() throws Exception {
    recordContexts();
    loop.setJobNotices(false);
    List<Task<Void>> tasks = new ArrayList<>();
    List<IOException> failures = new ArrayList<>();
    for (int i = 0; i < Jobs.KEPT_UNRETRIEVED + 2; i++) {
      IOException failure = new IOException("failure " + i);
      failures.add(failure);
      tasks.add(scheduleCoroutine(failing(failure)));
    }

    runInForeground(sleep(ZERO));

    assertThat(handled)
        .containsExactly(
            neverRetrieved(failures.get(0), tasks.get(0)),
            neverRetrieved(failures.get(1), tasks.get(1)));
    handled.clear();
    reportUnretrieved();
    assertThat(handled).hasSize(Jobs.KEPT_UNRETRIEVED);
    assertThat(handled.getFirst()).isEqualTo(neverRetrieved(failures.get(2), tasks.get(2)));
    assertThat(handled.getLast()).isEqualTo(neverRetrieved(failures.getLast(), tasks.getLast()));
  }

  @Test
  void theDefaultHandlerLogsTheReportWithTheTasksNameAndTheException() throws Exception {
    IllegalStateException boom = new IllegalStateException("child failed");
    mainThatLeavesAFailingChild(boom);

    try (LogCapture log = new LogCapture()) {
      loop.close();
      reportUnretrieved();

      assertThat(log.records)
          .singleElement()
          .satisfies(
              record -> {
                assertThat(record.getMessage())
                    .isEqualTo(NEVER_RETRIEVED + System.lineSeparator() + "task: Task-2");
                assertThat(record.getThrown()).isSameAs(boom);
              });
    }
  }
}
