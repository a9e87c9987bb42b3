package io.fgbg;

import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.gather;
import static io.fgbg.Fgbg.runInForeground;
import static io.fgbg.Fgbg.scheduleCoroutine;
import static io.fgbg.Fgbg.sleep;
import static io.fgbg.Fgbg.waitFor;
import static io.fgbg.Fgbg.waitTasks;
import static java.time.Duration.ZERO;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** waitTasks, waitFor and gather, on the loop's virtual clock. */
class WaitTest extends LoopTestSupport {

  private Task<String> after(int seconds, String value) {
    return scheduleCoroutine(() -> await(sleep(ofSeconds(seconds), value)));
  }

  private Task<String> failingAfter(int seconds, Exception e) {
    return scheduleCoroutine(
        () -> {
          await(sleep(ofSeconds(seconds)));
          throw e;
        });
  }

  @Test
  void waitTasksAllCompletedWaitsForEveryTask() throws Exception {
    Task<String> one = after(1, "one");
    Task<String> three = after(3, "three");
    WaitResult r = runInForeground(waitTasks(List.of(three, one)));
    assertThat(r.done()).containsExactly(three, one);
    assertThat(r.pending()).isEmpty();
    assertThat(loop.time()).isEqualTo(ofSeconds(3));
  }

  @Test
  void waitTasksFirstCompletedReturnsWhenOneIsDoneAndCancelsNothing() throws Exception {
    Task<String> one = after(1, "one");
    Task<String> three = after(3, "three");
    WaitResult r =
        runInForeground(waitTasks(List.of(one, three), null, ReturnWhen.FIRST_COMPLETED));
    assertThat(r.done()).containsExactly(one);
    assertThat(r.pending()).containsExactly(three);
    assertThat(loop.time()).isEqualTo(ofSeconds(1));
    assertThat(runInForeground(three)).as("not cancelled").isEqualTo("three");
  }

  @Test
  void waitTasksFirstExceptionReturnsAtTheFirstFailure() throws Exception {
    Task<String> ok = after(1, "ok");
    Task<String> bad = failingAfter(2, new IOException("bad"));
    Task<String> slow = after(5, "slow");
    WaitResult r =
        runInForeground(waitTasks(List.of(ok, bad, slow), null, ReturnWhen.FIRST_EXCEPTION));
    assertThat(r.done()).containsExactly(ok, bad);
    assertThat(r.pending()).containsExactly(slow);
    assertThat(loop.time()).isEqualTo(ofSeconds(2));
  }

  @Test
  void waitTasksFirstExceptionWithoutFailuresWaitsForAll() throws Exception {
    Task<String> a = after(1, "a");
    Task<String> b = after(2, "b");
    WaitResult r = runInForeground(waitTasks(List.of(a, b), null, ReturnWhen.FIRST_EXCEPTION));
    assertThat(r.done()).containsExactly(a, b);
    assertThat(loop.time()).isEqualTo(ofSeconds(2));
  }

  @Test
  void waitTasksWithATimeoutReturnsThePendingTasksWithoutCancellingThem() throws Exception {
    Task<String> one = after(1, "one");
    Task<String> ten = after(10, "ten");
    WaitResult r = runInForeground(waitTasks(List.of(one, ten), ofSeconds(4)));
    assertThat(r.done()).containsExactly(one);
    assertThat(r.pending()).containsExactly(ten);
    assertThat(loop.time()).isEqualTo(ofSeconds(4));
    assertThat(ten.isCancelled()).isFalse();
    assertThat(runInForeground(ten)).isEqualTo("ten");
  }

  @Test
  void waitTasksOfAnEmptyCollectionIsIllegal() {
    assertThatThrownBy(() -> runInForeground(waitTasks(List.of())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty");
  }

  @Test
  void waitForReturnsTheResultInTime() throws Exception {
    assertThat(runInForeground(waitFor(after(1, "quick"), ofSeconds(5)))).isEqualTo("quick");
    assertThat(runInForeground(waitFor(sleep(ofSeconds(1), "coro"), ofSeconds(5))))
        .isEqualTo("coro");
    assertThat(runInForeground(waitFor(after(1, "no limit"), null))).isEqualTo("no limit");
  }

  @Test
  void waitForCancelsOnTimeoutWaitsForTheCleanupThenThrowsTimeout() throws Exception {
    Task<String> slow =
        scheduleCoroutine(
            () -> {
              try {
                await(sleep(ofSeconds(10)));
                return "slow";
              } catch (CancellationException e) {
                await(sleep(ofSeconds(1)));
                log("cleaned up at " + loop.time().toSeconds());
                throw e;
              }
            });
    assertThatThrownBy(() -> runInForeground(waitFor(slow, ofSeconds(2))))
        .isInstanceOf(TimeoutException.class)
        .hasMessage("waitFor timed out after 2 s (" + slow.name() + " cancelled)")
        .hasCauseInstanceOf(CancellationException.class);
    assertThat(slow.isCancelled()).isTrue();
    assertThat(events).containsExactly("cleaned up at 3");
  }

  @Test
  void waitForReturnsTheValueOfATaskThatSwallowsTheCancellation() throws Exception {
    Task<String> stubborn =
        scheduleCoroutine(
            () -> {
              try {
                await(sleep(ofSeconds(10)));
                return "slow";
              } catch (CancellationException e) {
                return "swallowed";
              }
            });
    assertThat(runInForeground(waitFor(stubborn, ofSeconds(1)))).isEqualTo("swallowed");
  }

  @Test
  void waitForWithAZeroTimeoutCancelsAPendingTaskAtOnce() throws Exception {
    Task<String> pending = after(5, "late");
    assertThatThrownBy(() -> runInForeground(waitFor(pending, ZERO)))
        .isInstanceOf(TimeoutException.class)
        .hasMessageStartingWith("waitFor timed out after 0 s");
    assertThatThrownBy(() -> runInForeground(waitFor(after(5, "late"), java.time.Duration.ofMillis(1500))))
        .hasMessageStartingWith("waitFor timed out after 1.5 s");
    assertThat(pending.isCancelled()).isTrue();
    Task<String> done = scheduleCoroutine(() -> "done");
    runInForeground(done);
    assertThat(runInForeground(waitFor(done, ZERO))).isEqualTo("done");
  }

  @Test
  void cancellingTheCallerOfWaitForCancelsTheTask() throws Exception {
    Task<String> inner = after(10, "inner");
    Task<String> outer = scheduleCoroutine(() -> await(waitFor(inner, ofSeconds(100))));
    runInForeground(sleep(ZERO));
    outer.cancel();
    assertThatThrownBy(() -> runInForeground(outer)).isInstanceOf(CancellationException.class);
    assertThat(inner.isCancelled()).isTrue();
  }

  @Test
  void gatherReturnsResultsInArgumentOrder() throws Exception {
    Task<String> slow = after(3, "slow");
    Task<String> fast = after(1, "fast");
    Task<String> middle = after(2, "middle");
    List<String> results = runInForeground(gather(List.of(slow, fast, middle, fast)));
    assertThat(results).containsExactly("slow", "fast", "middle", "fast");
    assertThat(runInForeground(gather(List.<Task<String>>of()))).isEmpty();
  }

  @Test
  void gatherThrowsTheFirstFailureAndTheOtherTasksGoOn() throws Exception {
    IOException first = new IOException("first");
    Task<String> failsFirst = failingAfter(1, first);
    Task<String> failsLater = failingAfter(2, new IOException("later"));
    Task<String> fine = after(3, "fine");
    assertThatThrownBy(() -> runInForeground(gather(List.of(fine, failsLater, failsFirst))))
        .isSameAs(first);
    assertThat(loop.time()).isEqualTo(ofSeconds(1));
    assertThat(fine.isDone()).isFalse();
    assertThat(runInForeground(fine)).isEqualTo("fine");
    assertThat(failsLater.exception()).hasMessage("later");
  }

  @Test
  void cancellingTheCallerOfGatherCancelsTheTasks() throws Exception {
    Task<String> a = after(5, "a");
    Task<String> b = after(5, "b");
    Task<List<String>> gathering = scheduleCoroutine(() -> await(gather(List.of(a, b))));
    runInForeground(sleep(ZERO));
    gathering.cancel();
    assertThatThrownBy(() -> runInForeground(gathering))
        .isInstanceOf(CancellationException.class);
    assertThat(a.isCancelled()).isTrue();
    assertThat(b.isCancelled()).isTrue();
  }
}
