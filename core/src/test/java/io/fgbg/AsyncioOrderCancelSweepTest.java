package io.fgbg;

import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.gather;
import static io.fgbg.Fgbg.scheduleCoroutine;
import static io.fgbg.Fgbg.sleep;
import static io.fgbg.Fgbg.waitFor;
import static io.fgbg.Fgbg.waitTasks;
import static java.time.Duration.ZERO;
import static java.time.Duration.ofSeconds;
import static org.junit.jupiter.api.Named.named;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Holds fgbg to CPython asyncio's interleavings, step for step, while a task is cancelled at
 * every hop of a wait: a task G awaits {@code gather}, {@code waitTasks} or {@code waitFor} next
 * to a ticker T, and main cancels G after k = 0..6 hops of its own, so that the cancel lands
 * before G starts, while the children run, while they clean up, once they are done but before G
 * has woken, and once G is done. The children re-raise the cancellation, yield or raise in their
 * cleanup, or swallow it.
 *
 * <p>Each sweep is one program of {@code scenarios.py} ("cancelling at every hop") run for every
 * k, one scenario per k, and here one parameterized test. The first argument of every case is the
 * scenario's name, which {@link AsyncioOrderCoverageTest} reads from the {@code @MethodSource}
 * factories. {@link AsyncioOrderSupport} says how each program is written twice and compared.
 */
@Timeout(60)
class AsyncioOrderCancelSweepTest extends AsyncioOrderSupport {
  /** k runs over 0..HOPS-1. */
  private static final int HOPS = 7;

  /** What a child does once cancelled: the keyword arguments of child() in scenarios.py. */
  record Ending(int cleanupYields, boolean cleanupRaises, boolean swallow) {}

  private static final Ending RERAISE = new Ending(0, false, false);
  private static final Ending RAISE_IN_CLEANUP = new Ending(0, true, false);
  private static final Ending SWALLOW = new Ending(0, false, true);

  // ------------------------------------------------------------------ gather

  @ParameterizedTest(
      name = "a task cancelled at hop {1} while it awaits gather of children that {2}")
  @MethodSource("gatherSweep")
  @DisplayName("cancelling a task that awaits gather, at every hop")
  void gatherCancelledAtHop(String scenario, int k, Ending ending) {
    assertSameOrderAsAsyncio(
        scenario,
        () -> {
          Task<String> a = scheduleCoroutine(child("A", 1, "a", ending));
          Task<String> b = scheduleCoroutine(child("B", 3, "b", ending));
          Coroutine<String> body =
              () -> {
                List<String> r = await(gather(List.of(a, b)));
                return String.join(",", r);
              };
          await(cancelAtHop(k, body));
          rec("end-A" + a.isCancelled() + "-B" + b.isCancelled());
          return null;
        });
  }

  static Stream<Arguments> gatherSweep() {
    return everyHop(
        k ->
            Stream.of(
                arguments(
                    "gather_cancel_at_hop_" + k + "_children_reraise",
                    k,
                    named("re-raise the cancellation", RERAISE)),
                arguments(
                    "gather_cancel_at_hop_" + k + "_children_yield_in_cleanup",
                    k,
                    named("yield once in their cleanup", new Ending(1, false, false))),
                arguments(
                    "gather_cancel_at_hop_" + k + "_children_raise_in_cleanup",
                    k,
                    named("raise in their cleanup", RAISE_IN_CLEANUP)),
                arguments(
                    "gather_cancel_at_hop_" + k + "_children_swallow",
                    k,
                    named("swallow the cancellation", SWALLOW))));
  }

  @ParameterizedTest(name = "a task cancelled at hop {1} while it awaits a task that awaits gather")
  @MethodSource("gatherInAnInnerTaskSweep")
  @DisplayName("cancelling a task that awaits a task that awaits gather, at every hop")
  void gatherInAnInnerTaskCancelledAtHop(String scenario, int k) {
    assertSameOrderAsAsyncio(
        scenario,
        () -> {
          Task<String> a = scheduleCoroutine(child("A", 2, "a", RERAISE));
          Task<String> b = scheduleCoroutine(child("B", 4, "b", SWALLOW));
          Coroutine<String> inner =
              () -> {
                List<String> r = await(gather(List.of(a, b)));
                return String.join(",", r);
              };
          Coroutine<String> body =
              () -> {
                Task<String> i = scheduleCoroutine(inner);
                return await(i);
              };
          await(cancelAtHop(k, body));
          rec("end-A" + a.isCancelled() + "-B" + b.isCancelled());
          return null;
        });
  }

  static Stream<Arguments> gatherInAnInnerTaskSweep() {
    return everyHop(k -> Stream.of(arguments("gather_in_an_inner_task_cancel_at_hop_" + k, k)));
  }

  // ------------------------------------------------------------------ waitTasks

  @ParameterizedTest(name = "a task cancelled at hop {1} while it waits until {2}")
  @MethodSource("waitSweep")
  @DisplayName("cancelling a task in waitTasks, at every hop")
  void waitCancelledAtHop(String scenario, int k, ReturnWhen when) {
    assertSameOrderAsAsyncio(
        scenario,
        () -> {
          Task<String> a = scheduleCoroutine(child("A", 1, "a", RERAISE));
          Task<String> b = scheduleCoroutine(child("B", 3, "b", RERAISE));
          Map<Task<?>, String> labels = labels(a, "A", b, "B");
          Coroutine<String> body =
              () -> {
                WaitResult r = await(waitTasks(List.of(a, b), null, when));
                return "d" + names(r.done(), labels) + "p" + names(r.pending(), labels);
              };
          await(cancelAtHop(k, body));
          rec("end-A" + a.isDone() + "-B" + b.isDone());
          return null;
        });
  }

  static Stream<Arguments> waitSweep() {
    return everyHop(
        k ->
            Stream.of(
                arguments(
                    "wait_all_completed_cancel_at_hop_" + k,
                    k,
                    named("all are done", ReturnWhen.ALL_COMPLETED)),
                arguments(
                    "wait_first_completed_cancel_at_hop_" + k,
                    k,
                    named("the first is done", ReturnWhen.FIRST_COMPLETED))));
  }

  // ------------------------------------------------------------------ waitFor

  @ParameterizedTest(
      name = "a task cancelled at hop {1} while it awaits waitFor(A, {2}) of a child that {3}")
  @MethodSource("waitForSweep")
  @DisplayName("cancelling a task in waitFor, at every hop")
  void waitForCancelledAtHop(String scenario, int k, Duration timeout, Ending ending) {
    assertSameOrderAsAsyncio(
        scenario,
        () -> {
          Task<String> a = scheduleCoroutine(child("A", 2, "a", ending));
          Coroutine<String> body = () -> await(waitFor(a, timeout));
          await(cancelAtHop(k, body));
          rec("end-A" + a.isCancelled());
          return null;
        });
  }

  static Stream<Arguments> waitForSweep() {
    Named<Duration> tenSeconds = named("10 s", ofSeconds(10));
    Named<Duration> zero = named("0", ZERO);
    Named<Ending> yieldsTwice = named("yields twice in its cleanup", new Ending(2, false, false));
    Named<Ending> raises = named("raises in its cleanup", RAISE_IN_CLEANUP);
    return everyHop(
        k ->
            Stream.of(
                arguments(
                    "wait_for_cancel_at_hop_" + k + "_child_reraises",
                    k,
                    tenSeconds,
                    named("re-raises the cancellation", RERAISE)),
                arguments(
                    "wait_for_cancel_at_hop_" + k + "_child_yields_twice_in_cleanup",
                    k,
                    tenSeconds,
                    yieldsTwice),
                arguments(
                    "wait_for_cancel_at_hop_" + k + "_child_raises_in_cleanup",
                    k,
                    tenSeconds,
                    raises),
                arguments(
                    "wait_for_cancel_at_hop_" + k + "_child_swallows",
                    k,
                    tenSeconds,
                    named("swallows the cancellation", SWALLOW)),
                arguments(
                    "wait_for_zero_cancel_at_hop_" + k + "_child_yields_twice_in_cleanup",
                    k,
                    zero,
                    yieldsTwice),
                arguments(
                    "wait_for_zero_cancel_at_hop_" + k + "_child_raises_in_cleanup",
                    k,
                    zero,
                    raises)));
  }

  @ParameterizedTest(
      name = "a task cancelled at hop {1} while it awaits waitFor(A, {2}) of an A that awaits B")
  @MethodSource("waitForOfAWaitingTaskSweep")
  @DisplayName("cancelling a task in waitFor of a task that awaits another, at every hop")
  void waitForOfAWaitingTaskCancelledAtHop(String scenario, int k, Duration timeout) {
    assertSameOrderAsAsyncio(
        scenario,
        () -> {
          Task<String> b = scheduleCoroutine(child("B", 3, "b", new Ending(1, false, false)));
          Coroutine<String> aa =
              () -> {
                try {
                  String v = await(b);
                  rec("A-got-" + v);
                  return v;
                } catch (CancellationException e) {
                  rec("A-cancelled");
                  await(sleep(ZERO));
                  rec("A-cleanup");
                  throw e;
                }
              };
          Task<String> a = scheduleCoroutine(aa);
          Coroutine<String> body = () -> await(waitFor(a, timeout));
          await(cancelAtHop(k, body));
          rec("end-A" + a.isCancelled() + "-B" + b.isCancelled());
          return null;
        });
  }

  static Stream<Arguments> waitForOfAWaitingTaskSweep() {
    return everyHop(
        k ->
            Stream.of(
                arguments(
                    "wait_for_of_a_waiting_task_cancel_at_hop_" + k,
                    k,
                    named("10 s", ofSeconds(10))),
                arguments(
                    "wait_for_zero_of_a_waiting_task_cancel_at_hop_" + k, k, named("0", ZERO))));
  }

  // ------------------------------------------------------------------ the programs' parts

  /** The cases of a sweep: those {@code casesAtHop} gives for k = 0, 1, ..., HOPS-1. */
  private static Stream<Arguments> everyHop(IntFunction<Stream<Arguments>> casesAtHop) {
    return IntStream.range(0, HOPS).boxed().flatMap(casesAtHop::apply);
  }

  /**
   * scenarios.py's child(): worker(name, n, value) that, if cancelled, records name-cancelled,
   * yields {@code cleanupYields} times (recording name-cleanup0, ...), then throws
   * IllegalArgumentException("name-cleanup-failed") if {@code cleanupRaises}, returns
   * value-swallowed if {@code swallow}, and rethrows the cancellation otherwise.
   */
  private Coroutine<String> child(String name, int n, String value, Ending ending) {
    return () -> {
      try {
        for (int i = 0; i < n; i++) {
          rec(name + i);
          await(sleep(ZERO));
        }
        rec(name + "-end");
        return value;
      } catch (CancellationException e) {
        rec(name + "-cancelled");
        for (int j = 0; j < ending.cleanupYields(); j++) {
          await(sleep(ZERO));
          rec(name + "-cleanup" + j);
        }
        if (ending.cleanupRaises()) {
          throw new IllegalArgumentException(name + "-cleanup-failed");
        }
        if (ending.swallow()) {
          return value + "-swallowed";
        }
        throw e;
      }
    };
  }

  /**
   * scenarios.py's cancel_at_hop(): runs {@code await(body)} in a task G next to a ticker T,
   * cancels G after k hops of the caller, then awaits G and T. G records what its await gave: a
   * value, a cancellation, an IllegalArgumentException or a timeout.
   */
  private Coroutine<Object> cancelAtHop(int k, Coroutine<String> body) {
    return () -> {
      Coroutine<String> outer =
          () -> {
            try {
              String r = await(body);
              rec("G-got-" + r);
              return "g";
            } catch (CancellationException e) {
              rec("G-cancelled");
              throw e;
            } catch (IllegalArgumentException e) {
              rec("G-exc-" + e.getMessage());
              return "gv";
            } catch (TimeoutException e) {
              rec("G-timeout");
              return "gt";
            }
          };
      Task<String> g = scheduleCoroutine(outer);
      Task<Object> t = scheduleCoroutine(worker("T", 10));
      for (int i = 0; i < k; i++) {
        await(sleep(ZERO));
      }
      rec("main-cancel-" + g.cancel());
      try {
        rec("main-got-" + await(g));
      } catch (CancellationException e) {
        rec("main-saw-cancelled");
      }
      await(t);
      return null;
    };
  }
}
