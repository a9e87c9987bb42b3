package io.fgbg;

import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.currentTask;
import static io.fgbg.Fgbg.runInForeground;
import static io.fgbg.Fgbg.scheduleCoroutine;
import static io.fgbg.Fgbg.sleep;
import static io.fgbg.Fgbg.taskGroup;
import static io.fgbg.Fgbg.timeout;
import static java.time.Duration.ZERO;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * CPython 3.11's {@code test_taskgroups.py} (TestTaskGroup), case for case, on the virtual clock.
 * asyncio's {@code ExceptionGroup} becomes fgbg's shape: the first failure is thrown itself and
 * the later ones are suppressed in it; {@code 1 / 0} is an {@link ArithmeticException}, {@code
 * ValueError} and {@code MyExc} are the exceptions below, {@code MyBaseExc} an {@link Error}.
 */
class TaskGroupTest extends LoopTestSupport {

  static final class MyExc extends Exception {
    MyExc(String message) {
      super(message);
    }
  }

  static final class ValueError extends Exception {
    ValueError(String message) {
      super(message);
    }
  }

  /** asyncio's BaseException that is neither KeyboardInterrupt nor SystemExit. */
  static final class MyBaseExc extends Error {
    MyBaseExc() {
      super("my base exception");
    }
  }

  private static final class Counter {
    int n;
  }

  private static Coroutine<Integer> sleepThen(long millis, int result) {
    return sleep(ofMillis(millis), result);
  }

  private static Coroutine<Void> crashAfter(long millis) {
    return () -> {
      await(sleep(ofMillis(millis)));
      throw new ArithmeticException("/ by zero at " + millis + " ms");
    };
  }

  private static Coroutine<Void> valueErrorAfter(long millis) {
    return () -> {
      await(sleep(ofMillis(millis)));
      throw new ValueError(millis + " ms");
    };
  }

  /** A child that sleeps and throws from its finally: what cancelling it makes it do. */
  private static Coroutine<Void> crashWhenCancelled(long millis) {
    return () -> {
      try {
        await(sleep(ofMillis(millis)));
      } finally {
        throw new ArithmeticException("/ by zero");
      }
    };
  }

  /** Runs {@code coroutine} as a task, cancels it after {@code millis}, returns what it threw. */
  private Throwable cancelAfter(long millis, Coroutine<?> coroutine) throws Exception {
    return runInForeground(
        () -> {
          Task<?> r = scheduleCoroutine(coroutine);
          await(sleep(ofMillis(millis)));
          assertThat(r.isDone()).isFalse();
          r.cancel();
          try {
            await(r);
          } catch (Exception | Error e) {
            return e;
          }
          throw new AssertionError("no exception");
        });
  }

  private Throwable failureOf(Coroutine<?> coroutine) {
    try {
      runInForeground(coroutine);
    } catch (Throwable e) {
      return e;
    }
    throw new AssertionError("no exception");
  }

  @Test
  void taskgroup01() throws Exception {
    List<Task<Integer>> ts = new ArrayList<>();
    runInForeground(
        taskGroup(
            g -> {
              ts.add(g.start(sleepThen(100, 42)));
              ts.add(g.start(sleepThen(200, 11)));
              return null;
            }));
    assertThat(ts.get(0).result()).isEqualTo(42);
    assertThat(ts.get(1).result()).isEqualTo(11);
    assertThat(loop.time()).isEqualTo(ofMillis(200));
  }

  @Test
  void taskgroup02() throws Exception {
    List<Task<Integer>> ts = new ArrayList<>();
    runInForeground(
        taskGroup(
            g -> {
              ts.add(g.start(sleepThen(100, 42)));
              await(sleep(ofMillis(150)));
              ts.add(g.start(sleepThen(200, 11)));
              return null;
            }));
    assertThat(ts.get(0).result()).isEqualTo(42);
    assertThat(ts.get(1).result()).isEqualTo(11);
    assertThat(loop.time()).isEqualTo(ofMillis(350));
  }

  @Test
  void taskgroup03() throws Exception {
    List<Task<Integer>> ts = new ArrayList<>();
    runInForeground(
        taskGroup(
            g -> {
              ts.add(g.start(sleepThen(1000, 42)));
              await(sleep(ofMillis(150)));
              ts.get(0).cancel(); // everything goes on as expected
              ts.add(g.start(sleepThen(200, 11)));
              return null;
            }));
    assertThat(ts.get(0).isCancelled()).isTrue();
    assertThat(ts.get(1).result()).isEqualTo(11);
  }

  @Test
  void taskgroup04() throws Exception {
    Counter num = new Counter();
    boolean[] t2Cancel = {false};
    List<Task<Void>> t2 = new ArrayList<>();
    Coroutine<Void> foo2 =
        () -> {
          try {
            await(sleep(ofSeconds(1)));
          } catch (CancellationException e) {
            t2Cancel[0] = true;
            throw e;
          }
          num.n += 1;
          return null;
        };
    Coroutine<Void> runner =
        () -> {
          await(
              taskGroup(
                  g -> {
                    g.start(crashAfter(100));
                    t2.add(g.start(foo2));
                    return null;
                  }));
          num.n += 10;
          return null;
        };
    Throwable e = failureOf(() -> await(scheduleCoroutine(runner)));
    assertThat(e).isExactlyInstanceOf(ArithmeticException.class);
    assertThat(e.getSuppressed()).isEmpty();
    assertThat(num.n).isZero();
    assertThat(t2Cancel[0]).isTrue();
    assertThat(t2.get(0).isCancelled()).isTrue();
  }

  @Test
  void cancelChildrenOnChildError() throws Exception {
    Counter num = new Counter();
    boolean[] t2Cancel = {false};
    boolean[] runnerCancel = {false};
    Coroutine<Void> foo2 =
        () -> {
          try {
            await(sleep(ofSeconds(5)));
          } catch (CancellationException e) {
            t2Cancel[0] = true;
            throw e;
          }
          num.n += 1;
          return null;
        };
    Coroutine<Void> runner =
        () -> {
          await(
              taskGroup(
                  g -> {
                    g.start(crashAfter(100));
                    g.start(crashAfter(100));
                    g.start(crashAfter(100));
                    g.start(foo2);
                    try {
                      await(sleep(ofSeconds(10)));
                    } catch (CancellationException e) {
                      runnerCancel[0] = true;
                      throw e;
                    }
                    return null;
                  }));
          num.n += 10;
          return null;
        };
    Throwable e = failureOf(() -> await(scheduleCoroutine(runner)));
    assertThat(e).isExactlyInstanceOf(ArithmeticException.class);
    // on one loop the three crash in one iteration: every one is a failure, none is racy
    assertThat(e.getSuppressed()).hasSize(2).hasOnlyElementsOfType(ArithmeticException.class);
    assertThat(num.n).isZero();
    assertThat(t2Cancel[0]).isTrue();
    assertThat(runnerCancel[0]).isTrue();
  }

  @Test
  void cancellation() throws Exception {
    Counter num = new Counter();
    Coroutine<Void> foo =
        () -> {
          try {
            await(sleep(ofSeconds(5)));
          } catch (CancellationException e) {
            num.n += 1;
            throw e;
          }
          return null;
        };
    Throwable e =
        cancelAfter(
            100,
            taskGroup(
                g -> {
                  for (int i = 0; i < 5; i++) {
                    g.start(foo);
                  }
                  return null;
                }));
    assertThat(e).isInstanceOf(CancellationException.class);
    assertThat(num.n).isEqualTo(5);
  }

  @Test
  void taskgroup07() throws Exception {
    Counter num = new Counter();
    Coroutine<Void> foo =
        () -> {
          try {
            await(sleep(ofSeconds(5)));
          } catch (CancellationException e) {
            num.n += 1;
            throw e;
          }
          return null;
        };
    Throwable e =
        cancelAfter(
            100,
            taskGroup(
                g -> {
                  for (int i = 0; i < 5; i++) {
                    g.start(foo);
                  }
                  try {
                    await(sleep(ofSeconds(10)));
                  } catch (CancellationException c) {
                    num.n += 10;
                    throw c;
                  }
                  return null;
                }));
    assertThat(e).isInstanceOf(CancellationException.class);
    assertThat(num.n).isEqualTo(15);
  }

  @Test
  void taskgroup08() throws Exception {
    Throwable e =
        cancelAfter(
            100,
            taskGroup(
                g -> {
                  for (int i = 0; i < 5; i++) {
                    g.start(crashWhenCancelled(10_000));
                  }
                  return await(sleep(ofSeconds(10)));
                }));
    assertThat(e).isExactlyInstanceOf(ArithmeticException.class);
    assertThat(e.getSuppressed()).hasSize(4).hasOnlyElementsOfType(ArithmeticException.class);
  }

  @Test
  void taskgroup09() throws Exception {
    List<Task<Integer>> ts = new ArrayList<>();
    Throwable e =
        failureOf(
            taskGroup(
                g -> {
                  ts.add(g.start(sleepThen(1000, 42)));
                  ts.add(g.start(sleepThen(2000, 11)));
                  await(sleep(ofMillis(100)));
                  return 1 / 0;
                }));
    assertThat(e).isExactlyInstanceOf(ArithmeticException.class);
    assertThat(e.getSuppressed()).isEmpty();
    assertThat(ts.get(0).isCancelled()).isTrue();
    assertThat(ts.get(1).isCancelled()).isTrue();
  }

  @Test
  void taskgroup10() throws Exception {
    List<Task<Integer>> ts = new ArrayList<>();
    Throwable e =
        failureOf(
            taskGroup(
                g -> {
                  ts.add(g.start(sleepThen(1000, 42)));
                  ts.add(g.start(sleepThen(2000, 11)));
                  return 1 / 0;
                }));
    assertThat(e).isExactlyInstanceOf(ArithmeticException.class);
    assertThat(ts.get(0).isCancelled()).isTrue();
    assertThat(ts.get(1).isCancelled()).isTrue();
    assertThat(loop.time()).as("the children never ran").isEqualTo(ZERO);
  }

  @Test
  void taskgroup11() throws Exception {
    Throwable e =
        cancelAfter(
            100,
            taskGroup(
                outer ->
                    await(
                        taskGroup(
                            g2 -> {
                              for (int i = 0; i < 5; i++) {
                                g2.start(crashWhenCancelled(10_000));
                              }
                              return await(sleep(ofSeconds(10)));
                            }))));
    // asyncio: ExceptionGroup(ExceptionGroup(ZeroDivisionError x5)); fgbg: the inner group's
    // first failure, which the outer group throws as its body's
    assertThat(e).isExactlyInstanceOf(ArithmeticException.class);
    assertThat(e.getSuppressed()).hasSize(4).hasOnlyElementsOfType(ArithmeticException.class);
  }

  @Test
  void taskgroup12() throws Exception {
    Throwable e =
        cancelAfter(
            100,
            taskGroup(
                g1 -> {
                  g1.start(sleep(ofSeconds(10)));
                  return await(
                      taskGroup(
                          g2 -> {
                            for (int i = 0; i < 5; i++) {
                              g2.start(crashWhenCancelled(10_000));
                            }
                            return await(sleep(ofSeconds(10)));
                          }));
                }));
    assertThat(e).isExactlyInstanceOf(ArithmeticException.class);
    assertThat(e.getSuppressed()).hasSize(4).hasOnlyElementsOfType(ArithmeticException.class);
  }

  @Test
  void taskgroup13() throws Exception {
    Throwable e =
        failureOf(
            () ->
                await(
                    scheduleCoroutine(
                        taskGroup(
                            g1 -> {
                              g1.start(valueErrorAfter(100));
                              return await(
                                  taskGroup(
                                      g2 -> {
                                        g2.start(valueErrorAfter(10_000));
                                        return null;
                                      }));
                            }))));
    assertThat(e).isExactlyInstanceOf(ValueError.class).hasMessage("100 ms");
    assertThat(e.getSuppressed()).isEmpty();
  }

  @Test
  void taskgroup14() throws Exception {
    Throwable e =
        failureOf(
            () ->
                await(
                    scheduleCoroutine(
                        taskGroup(
                            g1 -> {
                              g1.start(valueErrorAfter(10_000));
                              return await(
                                  taskGroup(
                                      g2 -> {
                                        g2.start(valueErrorAfter(100));
                                        return null;
                                      }));
                            }))));
    // asyncio: ExceptionGroup(ExceptionGroup(ValueError)); fgbg: the ValueError itself
    assertThat(e).isExactlyInstanceOf(ValueError.class).hasMessage("100 ms");
    assertThat(e.getSuppressed()).isEmpty();
  }

  private static TaskGroupBody<Void> crashSoonWhileTheBodyCleansUp() {
    return g1 -> {
      g1.start(crashAfter(300));
      try {
        await(sleep(ofSeconds(10)));
      } catch (CancellationException e) {
        await(sleep(ofMillis(500)));
        throw e;
      }
      return null;
    };
  }

  @Test
  void taskgroup15() throws Exception {
    Throwable e = cancelAfter(100, taskGroup(crashSoonWhileTheBodyCleansUp()));
    assertThat(e).isExactlyInstanceOf(ArithmeticException.class);
    assertThat(loop.time()).as("the crash at 300 ms cut the cleanup short").isEqualTo(ofMillis(300));
  }

  @Test
  void taskgroup16() throws Exception {
    Coroutine<Void> nestedRunner = taskGroup(crashSoonWhileTheBodyCleansUp());
    Throwable e = cancelAfter(100, () -> await(scheduleCoroutine(nestedRunner)));
    assertThat(e).isExactlyInstanceOf(ArithmeticException.class);
  }

  @Test
  void taskgroup17() throws Exception {
    Counter num = new Counter();
    Throwable e =
        cancelAfter(
            100,
            taskGroup(
                g -> {
                  try {
                    await(sleep(ofSeconds(10)));
                  } catch (CancellationException c) {
                    num.n += 10;
                    throw c;
                  }
                  return null;
                }));
    assertThat(e).isInstanceOf(CancellationException.class);
    assertThat(num.n).isEqualTo(10);
  }

  @Test
  void taskgroup18() throws Exception {
    Counter num = new Counter();
    Throwable e =
        cancelAfter(
            100,
            taskGroup(
                g -> {
                  try {
                    await(sleep(ofSeconds(10)));
                  } catch (CancellationException c) {
                    num.n += 10;
                    throw new MyExc("instead of the cancellation"); // not a good idea, but valid
                  }
                  return null;
                }));
    assertThat(e).isExactlyInstanceOf(MyExc.class);
    assertThat(num.n).isEqualTo(10);
  }

  /** test_taskgroup_19's and 20's runner: a crash, and a body whose cleanup throws {@code e}. */
  private static Coroutine<Void> crashSoonAndCleanupThrows(Throwable cleanupFailure) {
    return taskGroup(
        g -> {
          g.start(crashAfter(100));
          try {
            await(sleep(ofSeconds(10)));
          } finally {
            throw Throwables.sneaky(cleanupFailure);
          }
        });
  }

  @Test
  void taskgroup19() throws Exception {
    MyExc cleanup = new MyExc("from finally");
    Throwable e = failureOf(() -> await(scheduleCoroutine(crashSoonAndCleanupThrows(cleanup))));
    assertThat(e).isExactlyInstanceOf(ArithmeticException.class);
    assertThat(e.getSuppressed()).containsExactly(cleanup);
  }

  @Test
  void taskgroup20() throws Exception {
    Error interrupt = new Error("stands for KeyboardInterrupt");
    Throwable e = failureOf(crashSoonAndCleanupThrows(interrupt));
    // asyncio raises KeyboardInterrupt alone; fgbg has no such special case: first failure first
    assertThat(e).isExactlyInstanceOf(ArithmeticException.class);
    assertThat(e.getSuppressed()).containsExactly(interrupt);
  }

  @Test
  void taskgroup20a() throws Exception {
    MyBaseExc base = new MyBaseExc();
    Throwable e = failureOf(crashSoonAndCleanupThrows(base));
    assertThat(e).isExactlyInstanceOf(ArithmeticException.class);
    assertThat(e.getSuppressed()).containsExactly(base);
  }

  @Test
  void taskgroup21a() throws Exception {
    Throwable e =
        failureOf(
            taskGroup(
                g -> {
                  g.start(
                      () -> {
                        await(sleep(ofMillis(100)));
                        throw new MyBaseExc();
                      });
                  try {
                    await(sleep(ofSeconds(10)));
                  } finally {
                    throw new ClassCastException("stands for TypeError");
                  }
                }));
    assertThat(e).isExactlyInstanceOf(MyBaseExc.class);
    assertThat(e.getSuppressed()).hasSize(1).hasOnlyElementsOfType(ClassCastException.class);
  }

  @Test
  void taskgroup22() throws Exception {
    Throwable e =
        cancelAfter(
            50,
            taskGroup(
                g -> {
                  g.start(sleepThen(1000, 42));
                  g.start(sleepThen(2000, 11));
                  return null;
                }));
    assertThat(e).isInstanceOf(CancellationException.class);
  }

  @Test
  void taskgroup23() throws Exception {
    runInForeground(
        taskGroup(
            g -> {
              LoopTaskGroup group = (LoopTaskGroup) g;
              for (int count = 0; count < 10; count++) {
                await(sleep(ofMillis(100)));
                g.start(sleep(ofMillis(300)));
                if (count == 5) {
                  assertThat(group.taskCount()).isLessThan(5);
                }
              }
              await(sleep(ofMillis(1350)));
              assertThat(group.taskCount()).isZero();
              return null;
            }));
  }

  @Test
  void taskgroup24() throws Exception {
    runInForeground(
        taskGroup(
            g -> {
              g.start(
                  () -> {
                    await(sleep(ofMillis(100)));
                    g.start(sleep(ofMillis(100)));
                    g.start(sleep(ofMillis(200)));
                    return null;
                  });
              return null;
            }));
    assertThat(loop.time()).isEqualTo(ofMillis(300));
  }

  @Test
  void taskgroup25() throws Exception {
    Counter nhydras = new Counter();
    class Hydra implements Coroutine<Void> {
      final TaskGroup g;

      Hydra(TaskGroup g) {
        this.g = g;
      }

      @Override
      public Void run() throws Exception {
        nhydras.n += 1;
        await(sleep(ofMillis(10)));
        g.start(new Hydra(g));
        g.start(new Hydra(g));
        return null;
      }
    }
    Coroutine<Void> hercules =
        () -> {
          while (nhydras.n < 10) {
            await(sleep(ofMillis(15)));
          }
          throw new ArithmeticException("/ by zero");
        };
    Throwable e =
        failureOf(
            taskGroup(
                g -> {
                  g.start(new Hydra(g));
                  g.start(hercules);
                  return null;
                }));
    assertThat(e).isExactlyInstanceOf(ArithmeticException.class);
    assertThat(e.getSuppressed()).isEmpty();
    assertThat(nhydras.n).isGreaterThanOrEqualTo(10);
  }

  @Test
  void taskgroupTaskName() throws Exception {
    runInForeground(
        taskGroup(
            g -> {
              Task<Void> t = g.start(sleep(ZERO), "yolo");
              assertThat(t.name()).isEqualTo("yolo");
              return null;
            }));
  }

  @Test
  void taskgroupNoCreateTaskAfterFailure() throws Exception {
    Coroutine<Void> coro1 = crashAfter(1);
    Throwable[] refused = {null};
    Throwable e =
        failureOf(
            taskGroup(
                g -> {
                  g.start(coro1);
                  g.start(
                      () -> {
                        try {
                          await(sleep(ofSeconds(1)));
                        } catch (CancellationException c) {
                          try {
                            g.start(coro1);
                          } catch (IllegalStateException s) {
                            refused[0] = s;
                          }
                        }
                        return null;
                      });
                  return null;
                }));
    assertThat(e).isExactlyInstanceOf(ArithmeticException.class);
    assertThat(e.getSuppressed()).isEmpty();
    assertThat(refused[0])
        .isExactlyInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("TaskGroup is shutting down");
  }

  static final class CustomException extends Exception {}

  @Test
  void taskgroupContextManagerExitRaises() throws Exception {
    runInForeground(
        () ->
            await(
                scheduleCoroutine(
                    () -> {
                      Task<?> task = currentTask();
                      try {
                        await(
                            taskGroup(
                                tg -> {
                                  try { // "async with database()"
                                    tg.start(
                                        () -> {
                                          throw new CustomException();
                                        });
                                    await(sleep(ofSeconds(1)));
                                  } finally {
                                    throw new CustomException();
                                  }
                                }));
                        throw new AssertionError("CustomException not raised");
                      } catch (CustomException err) {
                        assertThat(task.cancelling()).isZero();
                        assertThat(err.getSuppressed())
                            .hasSize(1)
                            .hasOnlyElementsOfType(CustomException.class);
                      }
                      return null;
                    })));
  }

  @Test
  void taskgroupFinished() throws Exception {
    TaskGroup[] leaked = {null};
    runInForeground(
        taskGroup(
            g -> {
              leaked[0] = g;
              return null;
            }));
    runInForeground(
        () -> {
          assertThatThrownBy(() -> leaked[0].start(sleep(ZERO)))
              .isExactlyInstanceOf(IllegalStateException.class)
              .hasMessageStartingWith("TaskGroup is shutting down")
              .hasMessageContaining("is finished");
          return null;
        });
  }

  @Test
  void taskgroupWithoutParentTask() {
    assertThatThrownBy(() -> taskGroup(g -> null).run())
        .isExactlyInstanceOf(IllegalStateException.class)
        .hasMessage(
            "taskGroup() can only be used inside a task: outside one, use runInForeground() to run"
                + " the loop until the work is done");
  }

  // ---- beyond test_taskgroups: the contract's other promises

  @Test
  void theBodysResultIsReturnedOnceEveryChildIsDone() throws Exception {
    String result =
        runInForeground(
            taskGroup(
                g -> {
                  g.start(sleep(ofSeconds(3)));
                  return "body";
                }));
    assertThat(result).isEqualTo("body");
    assertThat(loop.time()).isEqualTo(ofSeconds(3));
  }

  @Test
  void theTaskGoesOnAfterAGroupThatFailedAsIfNotCancelled() throws Exception {
    Task<String> foo =
        scheduleCoroutine(
            () -> {
              try {
                await(
                    taskGroup(
                        g -> {
                          g.start(crashAfter(10));
                          return await(sleep(ofSeconds(10))); // cancelled by the group
                        }));
              } catch (ArithmeticException ignored) {
                log("group failed at " + loop.time());
              }
              await(sleep(ofMillis(5))); // runs: the group withdrew its cancel request
              log("went on to " + loop.time());
              return "done";
            });
    assertThat(runInForeground(foo)).isEqualTo("done");
    assertThat(foo.cancelling()).isZero();
    assertThat(events).containsExactly("group failed at PT0.01S", "went on to PT0.015S");
  }

  @Test
  void aChildCancelledByItselfOrOthersIsNotAFailure() throws Exception {
    String result =
        runInForeground(
            taskGroup(
                g -> {
                  g.start(
                      () -> {
                        throw new CancellationException("gave up");
                      });
                  Task<Void> other = g.start(sleep(ofSeconds(1)));
                  await(sleep(ZERO));
                  other.cancel();
                  return "fine";
                }));
    assertThat(result).isEqualTo("fine");
  }

  @Test
  void aTimeoutInsideAChildTimesOutThatChildAloneAndTheGroupGoesOnAsInAsyncio() throws Exception {
    List<Task<String>> children = new ArrayList<>();
    String result =
        runInForeground(
            taskGroup(
                g -> {
                  children.add(
                      g.start(
                          () -> {
                            try {
                              await(timeout(ofMillis(50), sleep(ofSeconds(10))));
                              return "slept";
                            } catch (TimeoutException e) {
                              return "timed out at " + loop.time().toMillis() + " ms";
                            }
                          }));
                  children.add(g.start(sleep(ofMillis(80), "the other child")));
                  return "body";
                }));
    assertThat(result).isEqualTo("body");
    assertThat(children.get(0).result()).isEqualTo("timed out at 50 ms");
    assertThat(children.get(1).result()).isEqualTo("the other child");
    assertThat(loop.time()).as("the group waited for its last child").isEqualTo(ofMillis(80));
  }

  @Test
  void aTimeoutAroundAGroupCancelsItsChildren() throws Exception {
    List<Task<Void>> children = new ArrayList<>();
    runInForeground(
        () -> {
          assertThatThrownBy(
                  () ->
                      await(
                          timeout(
                              ofMillis(100),
                              taskGroup(
                                  g -> {
                                    children.add(g.start(sleep(ofSeconds(10))));
                                    children.add(g.start(sleep(ofSeconds(20))));
                                    return null;
                                  }))))
              .isInstanceOf(TimeoutException.class);
          assertThat(currentTask().cancelling()).isZero();
          return null;
        });
    assertThat(children).allMatch(Task::isCancelled);
    assertThat(loop.time()).isEqualTo(ofMillis(100));
  }

  @Test
  void startFromAnotherThreadIsRefused() throws Exception {
    Throwable[] refused = {null};
    runInForeground(
        taskGroup(
            g -> {
              Thread other =
                  Thread.ofVirtual()
                      .start(
                          () -> {
                            try {
                              g.start(sleep(ZERO));
                            } catch (IllegalStateException e) {
                              refused[0] = e;
                            }
                          });
              other.join();
              return null;
            }));
    assertThat(refused[0])
        .hasMessage(
            "TaskGroup.start() can only be used on its loop's thread: use it inside a task");
  }

  /** The order CPython 3.11 prints for the same program (a group whose child fails). */
  @Test
  void aFailureInterleavesStepForStepAsInAsyncio() throws Exception {
    Coroutine<Void> a =
        () -> {
          try {
            for (int i = 0; i < 3; i++) {
              log("a" + i);
              await(sleep(ZERO));
            }
          } catch (CancellationException e) {
            log("a cancelled");
            throw e;
          }
          return null;
        };
    Coroutine<Void> b =
        () -> {
          log("b0");
          await(sleep(ZERO));
          log("b fails");
          throw new ValueError("b");
        };
    Throwable e =
        failureOf(
            taskGroup(
                g -> {
                  g.start(a);
                  g.start(b);
                  try {
                    log("body0");
                    await(sleep(ZERO));
                    log("body1");
                    await(sleep(ZERO));
                    log("body2");
                    await(sleep(ZERO));
                  } catch (CancellationException c) {
                    log("body cancelled");
                    throw c;
                  }
                  return null;
                }));
    assertThat(e).isExactlyInstanceOf(ValueError.class);
    assertThat(events)
        .containsExactly(
            "body0", "a0", "b0", "body1", "a1", "b fails", "body2", "a2", "body cancelled",
            "a cancelled");
  }

  @Test
  void printsItsStateAsAsyncioDoes() throws Exception {
    runInForeground(
        taskGroup(
            g -> {
              assertThat(g).hasToString("TaskGroup[entered]");
              g.start(sleep(ZERO));
              assertThat(g).hasToString("TaskGroup[tasks=1, entered]");
              return null;
            }));
  }
}
