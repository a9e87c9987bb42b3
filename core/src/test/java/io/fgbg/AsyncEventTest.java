package io.fgbg;

import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.runInForeground;
import static io.fgbg.Fgbg.scheduleCoroutine;
import static io.fgbg.Fgbg.sleep;
import static java.time.Duration.ZERO;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;

/**
 * asyncio's {@code EventTests} (Python 3.11, {@code Lib/test/test_asyncio/test_locks.py}), each
 * case named as it is there, then fgbg's own: the fast path and the job table.
 */
class AsyncEventTest extends LoopTestSupport {

  private Coroutine<Boolean> waitAndLog(AsyncEvent ev, String tag) {
    return () -> {
      await(ev.waitSet());
      log(tag);
      return true;
    };
  }

  @Test
  void repr() throws Exception {
    AsyncEvent ev = new AsyncEvent();
    assertThat(ev).hasToString("AsyncEvent[unset]");
    scheduleCoroutine(ev.waitSet());
    runInForeground(sleep(ZERO));
    assertThat(ev).hasToString("AsyncEvent[unset, waiters:1]");
    ev.set();
    assertThat(ev).hasToString("AsyncEvent[set, waiters:1]");
    runInForeground(sleep(ZERO));
    assertThat(ev).hasToString("AsyncEvent[set]");
  }

  @Test
  void waitSet() throws Exception {
    // asyncio's test_wait
    AsyncEvent ev = new AsyncEvent();
    assertThat(ev.isSet()).isFalse();
    runInForeground(
        () -> {
          Task<Boolean> t1 = scheduleCoroutine(waitAndLog(ev, "1"));
          Task<Boolean> t2 = scheduleCoroutine(waitAndLog(ev, "2"));

          await(sleep(ZERO));
          assertThat(events).isEmpty();

          Task<Boolean> t3 = scheduleCoroutine(waitAndLog(ev, "3"));

          ev.set();
          await(sleep(ZERO));
          assertThat(events).containsExactly("3", "1", "2");

          assertThat(t1.isDone()).isTrue();
          assertThat(t1.result()).isTrue();
          assertThat(t2.isDone()).isTrue();
          assertThat(t2.result()).isTrue();
          assertThat(t3.isDone()).isTrue();
          assertThat(t3.result()).isTrue();
          return null;
        });
  }

  @Test
  void waitOnSet() throws Exception {
    AsyncEvent ev = new AsyncEvent();
    ev.set();
    runInForeground(ev.waitSet());
    assertThat(ev.isSet()).isTrue();
  }

  @Test
  void waitCancel() throws Exception {
    AsyncEvent ev = new AsyncEvent();
    runInForeground(
        () -> {
          Task<Void> wait = scheduleCoroutine(ev.waitSet());
          loop.callSoon(wait::cancel);
          assertThatThrownBy(() -> await(wait)).isInstanceOf(CancellationException.class);
          assertThat(ev.waitersNow()).isEmpty();
          return null;
        });
  }

  @Test
  void clear() {
    AsyncEvent ev = new AsyncEvent();
    assertThat(ev.isSet()).isFalse();

    ev.set();
    assertThat(ev.isSet()).isTrue();

    ev.clear();
    assertThat(ev.isSet()).isFalse();
  }

  @Test
  void clearWithWaiters() throws Exception {
    AsyncEvent ev = new AsyncEvent();
    runInForeground(
        () -> {
          Task<Boolean> t = scheduleCoroutine(waitAndLog(ev, "1"));
          await(sleep(ZERO));
          assertThat(events).isEmpty();

          ev.set();
          ev.clear();
          assertThat(ev.isSet()).isFalse();

          ev.set();
          ev.set();
          assertThat(ev.waitersNow()).hasSize(1);

          await(sleep(ZERO));
          assertThat(events).containsExactly("1");
          assertThat(ev.waitersNow()).isEmpty();

          assertThat(t.isDone()).isTrue();
          assertThat(t.result()).isTrue();
          return null;
        });
  }

  // ------------------------------------------------------------------ fgbg's own

  @Test
  void waitingOnASetEventDoesNotYield() throws Exception {
    AsyncEvent ev = new AsyncEvent();
    ev.set();
    runInForeground(
        () -> {
          scheduleCoroutine(
              () -> {
                log("other ran");
                return null;
              });
          await(ev.waitSet());
          log("went on");
          await(sleep(ZERO));
          return null;
        });
    assertThat(events).containsExactly("went on", "other ran");
  }

  @Test
  void aTaskWaitingForTheEventShowsInTheJobTable() throws Exception {
    AsyncEvent ev = new AsyncEvent();
    Task<Void> waiter = scheduleCoroutine(ev.waitSet()); // Task-1
    runInForeground(sleep(ZERO));
    assertThat(Fgbg.jobsTable(loop).lines())
        .containsExactly("[1]+  Waiting  0.0 s  Task-1  wait of event");
    ev.set();
    runInForeground(waiter);
  }
}
