package io.fgbg;

import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.runInForeground;
import static io.fgbg.Fgbg.scheduleCoroutine;
import static io.fgbg.Fgbg.sleep;
import static java.time.Duration.ZERO;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Every cancellation case of the contract, with asyncio's Task.cancel() semantics. */
class CancellationTest extends LoopTestSupport {

  @Test
  void aTaskCancelledBeforeItsFirstStepNeverRunsAndIsDoneWhenThatStepComesUp() throws Exception {
    Task<Void> victim =
        scheduleCoroutine(
            () -> {
              log("body ran");
              return null;
            });
    Task<Void> before = scheduleCoroutine(() -> { log("before"); return null; });
    assertThat(victim.cancel()).isTrue();
    assertThat(victim.isDone()).as("done only when its step comes up").isFalse();
    assertThat(victim.cancel()).as("true until done").isTrue();
    runInForeground(sleep(ZERO));
    assertThat(victim.isCancelled()).isTrue();
    assertThat(before.isDone()).isTrue();
    assertThat(events).containsExactly("before");
    assertThat(victim.cancel()).as("false once done").isFalse();
    assertThatThrownBy(victim::result).isInstanceOf(CancellationException.class);
    assertThat(victim.exception()).isInstanceOf(CancellationException.class);
  }

  @Test
  void aTaskSuspendedInSleepGetsCancellationOutOfAwaitOneIterationLater() throws Exception {
    Task<Void> sleeper =
        scheduleCoroutine(
            () -> {
              try {
                await(sleep(ofSeconds(100)));
              } catch (CancellationException e) {
                log("cancelled at " + loop.time().toSeconds() + "s");
                throw e;
              }
              return null;
            });
    runInForeground(sleep(ZERO));
    assertThat(sleeper.cancel()).isTrue();
    assertThat(sleeper.isDone()).isFalse();
    runInForeground(sleep(ZERO));
    assertThat(sleeper.isCancelled()).isTrue();
    assertThat(events).containsExactly("cancelled at 0s");
  }

  @Test
  void aTaskSuspendedInAYieldIsCancelledAtItsNextStep() throws Exception {
    Task<Void> yielder =
        scheduleCoroutine(
            () -> {
              for (int i = 0; ; i++) {
                log("step" + i);
                await(sleep(ZERO));
              }
            });
    runInForeground(sleep(ZERO));
    yielder.cancel();
    runInForeground(sleep(ZERO));
    assertThat(yielder.isCancelled()).isTrue();
    assertThat(events).containsExactly("step0");
  }

  @Test
  void cancellingATaskCancelsTheTaskItAwaits() throws Exception {
    Task<Void> inner =
        scheduleCoroutine(
            () -> {
              await(sleep(ofSeconds(100)));
              return null;
            });
    Task<Void> outer =
        scheduleCoroutine(
            () -> {
              await(inner);
              return null;
            });
    runInForeground(sleep(ZERO));
    outer.cancel();
    runInForeground(sleep(ZERO));
    assertThat(inner.isCancelled()).isTrue();
    assertThat(outer.isDone()).as("one hop after the inner task").isFalse();
    runInForeground(sleep(ZERO));
    assertThat(outer.isCancelled()).isTrue();
  }

  @Test
  void aTaskAwaitingATaskThatSwallowsTheCancellationGetsThatTasksResult() throws Exception {
    Task<String> stubborn =
        scheduleCoroutine(
            () -> {
              try {
                await(sleep(ofSeconds(100)));
                return "slept";
              } catch (CancellationException e) {
                return "refused";
              }
            });
    Task<String> outer = scheduleCoroutine(() -> "outer got " + await(stubborn));
    runInForeground(sleep(ZERO));
    assertThat(outer.cancel()).isTrue();
    assertThat(runInForeground(outer)).isEqualTo("outer got refused");
    assertThat(outer.isCancelled()).isFalse();
  }

  @Test
  void aBodyThatSwallowsTheCancellationAndReturnsCompletesWithThatValue() throws Exception {
    Task<String> task =
        scheduleCoroutine(
            () -> {
              try {
                await(sleep(ofSeconds(100)));
                return "slept";
              } catch (CancellationException e) {
                await(sleep(ofSeconds(1))); // cleanup may await too
                return "cleaned up";
              }
            });
    runInForeground(sleep(ZERO));
    task.cancel();
    assertThat(runInForeground(task)).isEqualTo("cleaned up");
    assertThat(task.isCancelled()).isFalse();
  }

  @Test
  void aTaskThatCancelsItselfAndReturnsEndsCancelled() throws Exception {
    Task<String> task =
        scheduleCoroutine(
            () -> {
              Fgbg.currentTask().cancel();
              return "ignored";
            });
    assertThatThrownBy(() -> runInForeground(task)).isInstanceOf(CancellationException.class);
    assertThat(task.isCancelled()).isTrue();
  }

  @Test
  void cancellingATaskCancelsTheCompletionStageItAwaits() throws Exception {
    CompletableFuture<String> stage = new CompletableFuture<>();
    Task<String> task = scheduleCoroutine(() -> await(stage));
    runInForeground(sleep(ZERO));
    task.cancel();
    runInForeground(sleep(ZERO));
    runInForeground(sleep(ZERO));
    assertThat(task.isCancelled()).isTrue();
    assertThat(stage.isCancelled()).isTrue();
  }

  @Test
  void cancelledRunInForegroundThrowsCancellationException() throws Exception {
    Task<Void> task =
        scheduleCoroutine(
            () -> {
              await(sleep(ofSeconds(10)));
              return null;
            });
    runInForeground(sleep(ZERO));
    task.cancel();
    assertThatThrownBy(() -> runInForeground(task))
        .isInstanceOf(CancellationException.class)
        .hasMessageContaining(task.name());
  }

  @Test
  void handlesOfCallbacksCanBeCancelledUntilTheyRun() throws Exception {
    Handle soon = loop.callSoon(() -> log("soon"));
    Handle later = loop.callLater(ofSeconds(1), () -> log("later"));
    soon.cancel();
    later.cancel();
    assertThat(soon.isCancelled()).isTrue();
    assertThat(later.isCancelled()).isTrue();
    runInForeground(sleep(ofSeconds(2)));
    assertThat(events).isEmpty();
  }

  @Test
  void toCompletableFutureCompletesWithTheTaskAndItsCancelCancelsTheTask() throws Exception {
    Task<Integer> value = scheduleCoroutine(() -> 3);
    CompletableFuture<Integer> cf = value.toCompletableFuture();
    assertThat(cf).isNotDone();
    runInForeground(value);
    assertThat(cf.get()).isEqualTo(3);
    assertThat(value.toCompletableFuture()).isSameAs(cf);

    Task<Void> sleeper =
        scheduleCoroutine(
            () -> {
              await(sleep(ofSeconds(10)));
              return null;
            });
    runInForeground(sleep(ZERO));
    sleeper.toCompletableFuture().cancel(true);
    runInForeground(sleep(ZERO));
    assertThat(sleeper.isCancelled()).isTrue();
  }
}
