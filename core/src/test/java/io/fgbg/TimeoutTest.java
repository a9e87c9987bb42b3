package io.fgbg;

import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.currentTask;
import static io.fgbg.Fgbg.runInForeground;
import static io.fgbg.Fgbg.scheduleCoroutine;
import static io.fgbg.Fgbg.sleep;
import static io.fgbg.Fgbg.timeout;
import static io.fgbg.Fgbg.timeoutAt;
import static java.time.Duration.ZERO;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * CPython 3.11's {@code test_timeouts.py} (TimeoutTests), case for case, on the virtual clock so
 * that every deadline is an exact instant. Where a case inspects the context manager ({@code
 * expired()}, {@code when()}, {@code reschedule()}, its repr) it uses the package's {@link
 * Timeout}, the object behind {@link Fgbg#timeout} and {@link Fgbg#timeoutAt}.
 */
class TimeoutTest extends LoopTestSupport {

  /** A custom failure, for the cases that raise KeyError or ZeroDivisionError. */
  static final class Boom extends Exception {
    Boom(String message) {
      super(message);
    }
  }

  @Test
  void timeoutBasic() throws Exception {
    Timeout[] cm = {null};
    runInForeground(
        () -> {
          cm[0] = Timeout.after(loop, ofMillis(10));
          assertThatThrownBy(() -> cm[0].run(sleep(ofSeconds(10))))
              .isInstanceOf(TimeoutException.class);
          log("timed out at " + loop.time());
          return null;
        });
    assertThat(cm[0].expired()).isTrue();
    assertThat(events).containsExactly("timed out at PT0.01S");
  }

  @Test
  void timeoutBasicThroughTheFacade() throws Exception {
    runInForeground(
        () -> {
          assertThatThrownBy(() -> await(timeout(ofMillis(10), sleep(ofSeconds(10)))))
              .isInstanceOf(TimeoutException.class)
              .hasMessage("Task-1 timed out (deadline 10 ms on the loop's clock)")
              .hasCauseInstanceOf(CancellationException.class);
          assertThat(loop.time()).isEqualTo(ofMillis(10));
          return null;
        });
  }

  @Test
  void timeoutAtBasic() throws Exception {
    runInForeground(
        () -> {
          Duration deadline = loop.time().plus(ofMillis(10));
          Timeout cm = new Timeout(deadline);
          assertThatThrownBy(() -> cm.run(sleep(ofSeconds(10))))
              .isInstanceOf(TimeoutException.class);
          assertThat(cm.expired()).isTrue();
          assertThat(cm.when()).isEqualTo(deadline);
          assertThatThrownBy(() -> await(timeoutAt(ofMillis(20), sleep(ofSeconds(10)))))
              .isInstanceOf(TimeoutException.class);
          assertThat(loop.time()).isEqualTo(ofMillis(20));
          return null;
        });
  }

  @Test
  void nestedTimeouts() throws Exception {
    boolean[] cancelled = {false};
    Timeout[] cms = new Timeout[2];
    runInForeground(
        () -> {
          Duration deadline = loop.time().plus(ofMillis(10));
          cms[0] = new Timeout(deadline);
          cms[1] = new Timeout(deadline);
          assertThatThrownBy(
                  () ->
                      cms[0].run(
                          () -> {
                            try {
                              return cms[1].run(sleep(ofSeconds(10))); // only the outer converts
                            } catch (CancellationException e) {
                              cancelled[0] = true;
                              throw e;
                            }
                          }))
              .isInstanceOf(TimeoutException.class);
          return null;
        });
    assertThat(cancelled[0]).isTrue();
    assertThat(cms[0].expired()).isTrue();
    assertThat(cms[1].expired()).isTrue();
  }

  @Test
  void waiterCancelled() throws Exception {
    boolean[] cancelled = {false};
    runInForeground(
        () -> {
          assertThatThrownBy(
                  () ->
                      await(
                          timeout(
                              ofMillis(10),
                              () -> {
                                try {
                                  return await(sleep(ofSeconds(10)));
                                } catch (CancellationException e) {
                                  cancelled[0] = true;
                                  throw e;
                                }
                              })))
              .isInstanceOf(TimeoutException.class);
          return null;
        });
    assertThat(cancelled[0]).isTrue();
  }

  @Test
  void timeoutNotCalled() throws Exception {
    runInForeground(
        () -> {
          Timeout cm = Timeout.after(loop, ofSeconds(10));
          cm.run(sleep(ofMillis(10)));
          Duration t1 = loop.time();
          assertThat(cm.expired()).isFalse();
          assertThat(cm.when()).isGreaterThan(t1).isEqualTo(ofSeconds(10));
          return null;
        });
  }

  @Test
  void timeoutDisabled() throws Exception {
    runInForeground(
        () -> {
          Timeout cm = Timeout.after(loop, null);
          cm.run(sleep(ofMillis(10)));
          assertThat(cm.expired()).isFalse();
          assertThat(cm.when()).isNull();
          assertThat(await(timeout(null, sleep(ofSeconds(10), "done")))).isEqualTo("done");
          return null;
        });
  }

  @Test
  void timeoutAtDisabled() throws Exception {
    runInForeground(
        () -> {
          Timeout cm = new Timeout(null);
          cm.run(sleep(ofMillis(10)));
          assertThat(cm.expired()).isFalse();
          assertThat(cm.when()).isNull();
          assertThat(await(timeoutAt(null, sleep(ofSeconds(10), "done")))).isEqualTo("done");
          return null;
        });
  }

  @Test
  void timeoutZero() throws Exception {
    runInForeground(
        () -> {
          Duration t0 = loop.time();
          Timeout cm = Timeout.after(loop, ZERO);
          assertThatThrownBy(() -> cm.run(sleep(ofSeconds(10))))
              .isInstanceOf(TimeoutException.class);
          Duration t1 = loop.time();
          assertThat(cm.expired()).isTrue();
          assertThat(cm.when()).isBetween(t0, t1);
          assertThat(t1).isEqualTo(ZERO);
          return null;
        });
  }

  @Test
  void timeoutZeroSleepZero() throws Exception {
    runInForeground(
        () -> {
          Duration t0 = loop.time();
          Timeout cm = Timeout.after(loop, ZERO);
          assertThatThrownBy(() -> cm.run(sleep(ZERO))).isInstanceOf(TimeoutException.class);
          Duration t1 = loop.time();
          assertThat(cm.expired()).isTrue();
          assertThat(cm.when()).isBetween(t0, t1);
          return null;
        });
  }

  @Test
  void timeoutInThePastSleepZero() throws Exception {
    runInForeground(
        () -> {
          Duration t0 = loop.time();
          Timeout cm = Timeout.after(loop, ofSeconds(-11));
          assertThatThrownBy(() -> cm.run(sleep(ZERO))).isInstanceOf(TimeoutException.class);
          Duration t1 = loop.time();
          assertThat(cm.expired()).isTrue();
          assertThat(cm.when()).isLessThanOrEqualTo(t0).isLessThanOrEqualTo(t1);
          assertThat(cm.when()).isEqualTo(ofSeconds(-11));
          return null;
        });
  }

  @Test
  void foreignExceptionPassed() throws Exception {
    Boom boom = new Boom("key");
    runInForeground(
        () -> {
          Timeout cm = Timeout.after(loop, ofMillis(10));
          assertThatThrownBy(
                  () ->
                      cm.run(
                          () -> {
                            throw boom;
                          }))
              .isSameAs(boom);
          assertThat(cm.expired()).isFalse();
          return null;
        });
  }

  @Test
  void foreignExceptionOnTimeout() throws Exception {
    Coroutine<Void> crash =
        () -> {
          try {
            await(sleep(ofSeconds(1)));
          } finally {
            throw new ArithmeticException("/ by zero");
          }
        };
    runInForeground(
        () -> {
          assertThatThrownBy(() -> await(timeout(ofMillis(10), crash)))
              .isExactlyInstanceOf(ArithmeticException.class);
          return null;
        });
  }

  @Test
  void foreignCancelDoesntTimeoutIfNotExpired() throws Exception {
    Task<Timeout> outer =
        scheduleCoroutine(
            () -> {
              Timeout cm = Timeout.after(loop, ofSeconds(10));
              try {
                cm.run(
                    () -> {
                      currentTask().cancel();
                      return await(sleep(ofSeconds(10)));
                    });
              } catch (CancellationException e) {
                log("cancelled");
              }
              return cm;
            });
    Timeout cm = runInForeground(outer);
    assertThat(events).containsExactly("cancelled");
    assertThat(cm.expired()).isFalse();
  }

  @Test
  void outerTaskIsNotCancelled() throws Exception {
    Task<Void> task =
        scheduleCoroutine(
            () -> {
              assertThatThrownBy(() -> await(timeout(ofMillis(1), sleep(ofSeconds(10)))))
                  .isInstanceOf(TimeoutException.class);
              return null;
            });
    runInForeground(
        () -> {
          await(task);
          return null;
        });
    assertThat(task.isCancelled()).isFalse();
    assertThat(task.isDone()).isTrue();
    assertThat(task.cancelling()).isZero();
  }

  /** The busy loop is real time spent in a step: this case runs on the real clock. */
  @Test
  void nestedTimeoutsConcurrent() throws Exception {
    try (EventLoop real = EventLoop.create()) {
      runInForeground(
          () -> {
            assertThatThrownBy(
                    () ->
                        await(
                            timeout(
                                ofMillis(2),
                                () -> {
                                  try {
                                    return await(
                                        timeout(
                                            ofMillis(100),
                                            () -> {
                                              Thread.sleep(10); // pretend to crunch numbers
                                              return await(sleep(ofSeconds(1)));
                                            }));
                                  } catch (CancellationException e) {
                                    log("inner: not its own deadline, so a cancellation");
                                    throw e;
                                  }
                                })))
                .isInstanceOf(TimeoutException.class);
            return null;
          },
          real);
    }
    assertThat(events).containsExactly("inner: not its own deadline, so a cancellation");
  }

  /** Both deadlines pass while the step blocks; the inner one fires first (real clock). */
  @Test
  void nestedTimeoutsLoopBusy() throws Exception {
    try (EventLoop real = EventLoop.create()) {
      runInForeground(
          () -> {
            Duration t0 = real.time();
            assertThatThrownBy(
                    () ->
                        await(
                            timeout(
                                ofMillis(100),
                                () -> {
                                  try {
                                    await(
                                        timeout(
                                            ofMillis(10),
                                            () -> {
                                              Thread.sleep(100); // the loop is busy a while
                                              return await(sleep(ofSeconds(1)));
                                            }));
                                  } catch (CancellationException e) {
                                    // the outer request is pending too: not converted here
                                    log("inner: cancelling=" + currentTask().cancelling());
                                    throw e;
                                  }
                                  log("after inner"); // as in asyncio, not reached
                                  return await(sleep(ofSeconds(10)));
                                })))
                .isInstanceOf(TimeoutException.class);
            Duration t1 = real.time();
            assertThat(t1).isBetween(t0, t0.plusSeconds(1));
            return null;
          },
          real);
    }
    assertThat(events).containsExactly("inner: cancelling=1");
  }

  @Test
  void reschedule() throws Exception {
    runInForeground(
        () -> {
          CompletableFuture<Timeout> fut = new CompletableFuture<>();
          Duration deadline1 = loop.time().plusSeconds(10);
          Duration deadline2 = deadline1.plusSeconds(20);
          Task<Void> task =
              scheduleCoroutine(
                  () -> {
                    Timeout cm = new Timeout(deadline1);
                    return cm.run(
                        () -> {
                          fut.complete(cm);
                          return await(sleep(ofSeconds(50)));
                        });
                  });
          Timeout cm = await(fut);
          assertThat(cm.when()).isEqualTo(deadline1);
          cm.reschedule(deadline2);
          assertThat(cm.when()).isEqualTo(deadline2);
          cm.reschedule(null);
          assertThat(cm.when()).isNull();
          task.cancel();
          assertThatThrownBy(() -> await(task)).isInstanceOf(CancellationException.class);
          assertThat(cm.expired()).isFalse();
          assertThat(loop.time()).as("no deadline fired").isEqualTo(ZERO);
          return null;
        });
  }

  @Test
  void rescheduleMovesTheDeadline() throws Exception {
    runInForeground(
        () -> {
          Timeout cm = new Timeout(ofSeconds(10));
          assertThatThrownBy(
                  () ->
                      cm.run(
                          () -> {
                            cm.reschedule(ofSeconds(3));
                            return await(sleep(ofSeconds(50)));
                          }))
              .isInstanceOf(TimeoutException.class);
          assertThat(loop.time()).isEqualTo(ofSeconds(3));
          return null;
        });
  }

  @Test
  void reprActive() throws Exception {
    runInForeground(
        () -> {
          Timeout cm = Timeout.after(loop, ofSeconds(10));
          cm.run(
              () -> {
                assertThat(cm).hasToString("Timeout[active, when=10 s]");
                return null;
              });
          return null;
        });
  }

  @Test
  void reprExpired() throws Exception {
    runInForeground(
        () -> {
          Timeout cm = Timeout.after(loop, ofMillis(10));
          assertThatThrownBy(() -> cm.run(sleep(ofSeconds(10))))
              .isInstanceOf(TimeoutException.class);
          assertThat(cm).hasToString("Timeout[expired]");
          return null;
        });
  }

  @Test
  void reprFinished() throws Exception {
    runInForeground(
        () -> {
          Timeout cm = Timeout.after(loop, ofSeconds(10));
          cm.run(sleep(ZERO));
          assertThat(cm).hasToString("Timeout[finished]");
          return null;
        });
  }

  @Test
  void reprDisabled() throws Exception {
    runInForeground(
        () -> {
          Timeout cm = Timeout.after(loop, null);
          cm.run(
              () -> {
                assertThat(cm).hasToString("Timeout[active, when=none]");
                return null;
              });
          return null;
        });
  }

  @Test
  void nestedTimeoutInFinally() throws Exception {
    runInForeground(
        () -> {
          assertThatThrownBy(
                  () ->
                      await(
                          timeout(
                              ofMillis(10),
                              () -> {
                                try {
                                  return await(sleep(ofSeconds(1)));
                                } finally {
                                  assertThatThrownBy(
                                          () -> await(timeout(ofMillis(10), sleep(ofSeconds(10)))))
                                      .isInstanceOf(TimeoutException.class);
                                  log("inner timed out at " + loop.time());
                                }
                              })))
              .isInstanceOf(TimeoutException.class);
          log("outer timed out at " + loop.time());
          return null;
        });
    assertThat(events).containsExactly("inner timed out at PT0.02S", "outer timed out at PT0.02S");
  }

  @Test
  void timeoutAfterCancellation() throws Exception {
    runInForeground(
        scheduleCoroutine(
            () -> {
              try {
                currentTask().cancel();
                await(sleep(ofSeconds(1))); // work which will be cancelled
              } catch (CancellationException e) {
                log("cancelled");
              } finally {
                assertThatThrownBy(() -> await(timeout(ZERO, sleep(ofSeconds(1))))) // cleanup
                    .isInstanceOf(TimeoutException.class);
                log("cleanup timed out");
              }
              return null;
            }));
    assertThat(events).containsExactly("cancelled", "cleanup timed out");
  }

  @Test
  void cancelInTimeoutAfterCancellation() throws Exception {
    runInForeground(
        scheduleCoroutine(
            () -> {
              try {
                currentTask().cancel();
                await(sleep(ofSeconds(1))); // work which will be cancelled
              } catch (CancellationException e) {
                log("cancelled");
              } finally {
                assertThatThrownBy(
                        () ->
                            await(
                                timeout(
                                    ofSeconds(1),
                                    () -> {
                                      currentTask().cancel();
                                      return await(sleep(ofSeconds(2))); // some cleanup
                                    })))
                    .isInstanceOf(CancellationException.class);
                log("cleanup cancelled");
              }
              return null;
            }));
    assertThat(events).containsExactly("cancelled", "cleanup cancelled");
  }

  @Test
  void timeoutExceptionCause() throws Exception {
    runInForeground(
        () -> {
          assertThatThrownBy(() -> await(timeout(ZERO, sleep(ofSeconds(1)))))
              .isInstanceOf(TimeoutException.class)
              .cause()
              .isInstanceOf(CancellationException.class);
          return null;
        });
  }

  @Test
  void timeoutAlreadyEntered() throws Exception {
    runInForeground(
        () -> {
          Timeout cm = Timeout.after(loop, ofMillis(10));
          cm.run(
              () -> {
                assertThatThrownBy(() -> cm.run(() -> null))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("has already been entered");
                return null;
              });
          return null;
        });
  }

  @Test
  void timeoutDoubleEnter() throws Exception {
    runInForeground(
        () -> {
          Timeout cm = Timeout.after(loop, ofMillis(10));
          cm.run(() -> null);
          assertThatThrownBy(() -> cm.run(() -> null))
              .isInstanceOf(IllegalStateException.class)
              .hasMessageContaining("has already been entered");
          return null;
        });
  }

  @Test
  void timeoutCoroutineAwaitedTwiceMakesTwoScopes() throws Exception {
    runInForeground(
        () -> {
          Coroutine<String> limited = timeout(ofMillis(10), sleep(ofMillis(5), "ok"));
          assertThat(await(limited)).isEqualTo("ok");
          assertThat(await(limited)).isEqualTo("ok");
          assertThat(loop.time()).isEqualTo(ofMillis(10));
          return null;
        });
  }

  @Test
  void timeoutFinished() throws Exception {
    runInForeground(
        () -> {
          Timeout cm = Timeout.after(loop, ofMillis(10));
          cm.run(() -> null);
          assertThatThrownBy(() -> cm.reschedule(ofMillis(20)))
              .isInstanceOf(IllegalStateException.class)
              .hasMessageContaining("finished");
          return null;
        });
  }

  @Test
  void timeoutExpired() throws Exception {
    runInForeground(
        () -> {
          Timeout cm = Timeout.after(loop, ofMillis(10));
          assertThatThrownBy(() -> cm.run(sleep(ofSeconds(1))))
              .isInstanceOf(TimeoutException.class);
          assertThatThrownBy(() -> cm.reschedule(ofMillis(20)))
              .isInstanceOf(IllegalStateException.class)
              .hasMessageContaining("expired");
          return null;
        });
  }

  @Test
  void timeoutExpiring() throws Exception {
    runInForeground(
        () -> {
          Timeout cm = Timeout.after(loop, ofMillis(10));
          cm.run(
              () -> {
                assertThatThrownBy(() -> await(sleep(ofSeconds(1))))
                    .isInstanceOf(CancellationException.class);
                assertThatThrownBy(() -> cm.reschedule(ofMillis(20)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("expiring");
                return null;
              });
          assertThat(cm.expired()).isTrue();
          assertThat(currentTask().cancelling()).isZero();
          return null;
        });
  }

  @Test
  void timeoutNotEntered() {
    Timeout cm = new Timeout(ofMillis(10));
    assertThatThrownBy(() -> cm.reschedule(ofMillis(20)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("has not been entered");
  }

  @Test
  void timeoutWithoutTask() {
    Timeout cm = new Timeout(ofMillis(10));
    assertThatThrownBy(() -> cm.run(() -> null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("task");
    assertThatThrownBy(() -> cm.reschedule(ofMillis(20)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("has not been entered");
    assertThatThrownBy(() -> timeout(ofMillis(10), sleep(ZERO)).run())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "timeout() can only be used inside a task: outside one, use runInForeground() to run"
                + " the loop until the work is done");
    assertThatThrownBy(() -> timeoutAt(ofMillis(10), sleep(ZERO)).run())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("timeout() can only be used inside a task");
  }
}
