package io.fgbg;

import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.sleep;
import static java.time.Duration.ZERO;
import static java.util.stream.Collectors.joining;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;

/**
 * The harness of the {@code AsyncioOrder*Test} classes, which hold fgbg to CPython asyncio's
 * interleavings, step for step.
 *
 * <p>Each test is one program written twice: in Python, as a scenario of {@code
 * src/test/resources/asyncio-order/scenarios.py} run with {@code asyncio.run(main())}, and in
 * Java, as {@code runInForeground(main)} on a fresh loop followed by {@code loop.close()}, once
 * on the real clock and once on a virtual one ({@link EventLoop#createVirtual()}). Both
 * record events ("A1", "B-cancelled", "main-got-42") in the order they happen; the lists must be
 * equal. The two versions are kept statement for statement alike:
 *
 * <pre>
 *   asyncio.create_task(c())   scheduleCoroutine(c)
 *   await asyncio.sleep(0)     await(sleep(ZERO))
 *   await t                    await(t)
 *   except CancelledError      catch (CancellationException e)
 *   ValueError("boom")         IllegalArgumentException("boom")
 *   asyncio.TimeoutError       TimeoutException
 * </pre>
 *
 * <p>{@link AsyncioReference} runs the Python side, once per JVM for all the scenarios. Without
 * {@code python3} 3.11 on the path the tests are skipped, saying so. {@link
 * AsyncioOrderCoverageTest} checks that every scenario is held by a test.
 */
abstract class AsyncioOrderSupport {
  private final List<String> events = new ArrayList<>();

  void rec(String event) {
    events.add(event);
  }

  /**
   * Runs the Python twin of {@code scenario}, and {@code main} under fgbg on the real clock and on
   * a virtual one; the events must match.
   */
  void assertSameOrderAsAsyncio(String scenario, Coroutine<?> main) {
    List<String> asyncio = AsyncioReference.events(scenario);
    List<String> fgbg = runWithFgbg(main, EventLoop.create());
    assertThat(fgbg)
        .as("events of scenario %s under fgbg, compared with asyncio's", scenario)
        .isEqualTo(asyncio);
    events.clear();
    List<String> virtual = runWithFgbg(main, EventLoop.createVirtual());
    assertThat(virtual)
        .as("events of scenario %s under fgbg on a virtual clock, compared with asyncio's", scenario)
        .isEqualTo(asyncio);
  }

  /** asyncio.run(main()) in fgbg terms; records how the run ended as the Python runner does. */
  private List<String> runWithFgbg(Coroutine<?> main, EventLoop loop) {
    Object result = null;
    Exception failure = null;
    try {
      result = Fgbg.runInForeground(main, loop);
    } catch (Exception e) {
      failure = e;
    } finally {
      loop.close(); // cancels leftovers, as asyncio.run does before it returns or raises
    }
    if (failure instanceof CancellationException) {
      rec("run-cancelled");
    } else if (failure != null) {
      rec("run-raised-" + failure.getMessage());
    } else if (result != null) {
      rec("run-returned-" + result);
    }
    return List.copyOf(events);
  }

  /** Records name0..name{n-1}, yielding after each, then name-end; returns result. */
  <T> Coroutine<T> worker(String name, int n, T result) {
    return () -> {
      for (int i = 0; i < n; i++) {
        rec(name + i);
        await(sleep(ZERO));
      }
      rec(name + "-end");
      return result;
    };
  }

  Coroutine<Object> worker(String name, int n) {
    return worker(name, n, null);
  }

  /** The labels of {@code tasks}, sorted and comma-separated, as the Python side prints them. */
  static String names(Collection<Task<?>> tasks, Map<Task<?>, String> labels) {
    return tasks.stream().map(labels::get).sorted().collect(joining(","));
  }

  static Map<Task<?>, String> labels(Object... taskThenLabel) {
    Map<Task<?>, String> labels = new IdentityHashMap<>();
    for (int i = 0; i < taskThenLabel.length; i += 2) {
      labels.put((Task<?>) taskThenLabel[i], (String) taskThenLabel[i + 1]);
    }
    return labels;
  }

  /** Python's t.result() inside a done callback. */
  static Object resultOf(Task<?> task) {
    try {
      return task.result();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
