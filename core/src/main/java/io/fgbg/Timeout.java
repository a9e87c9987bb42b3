package io.fgbg;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;

/**
 * One timeout scope: asyncio 3.11's {@code Timeout} ({@code Lib/asyncio/timeouts.py}), the object
 * behind {@link Fgbg#timeout} and {@link Fgbg#timeoutAt}, with {@code async with} made into {@link
 * #run}: enter, the body inline in the calling task, exit.
 *
 * <p>Thread regime: touched only by the thread holding the loop's baton, that is by the task that
 * runs the scope and by the loop callback that fires at the deadline. Nothing here suspends but
 * the body.
 *
 * <p>States, as asyncio's:
 *
 * <table>
 *   <caption>Timeout states</caption>
 *   <tr><th>state</th><th>meaning</th><th>next</th></tr>
 *   <tr><td>CREATED</td><td>made, not run</td><td>ENTERED ({@link #run})</td></tr>
 *   <tr><td>ENTERED</td><td>the body runs; the deadline is armed, if any</td>
 *       <td>EXPIRING (deadline), EXITED (body over)</td></tr>
 *   <tr><td>EXPIRING</td><td>the deadline fired and cancelled the task</td>
 *       <td>EXPIRED (body over)</td></tr>
 *   <tr><td>EXPIRED</td><td>over, after the deadline fired</td><td>none</td></tr>
 *   <tr><td>EXITED</td><td>over, before any deadline</td><td>none</td></tr>
 * </table>
 *
 * <p>At the deadline the task is cancelled with a plain {@code cancel()} (one more request in its
 * {@link Task#cancelling()} count). At exit an expired scope withdraws that request with {@link
 * Task#uncancel()}; only if no request is left beyond those that were there on entry, and the body
 * ended with a {@link CancellationException}, is the cancellation its own, and converted into a
 * {@link TimeoutException} whose cause is it. So nested scopes convert only their own, and a
 * {@code cancel()} from elsewhere goes through.
 */
final class Timeout {
  /** asyncio's {@code _State}; {@code value} is its text, as the scope prints it. */
  enum State {
    CREATED("created"),
    ENTERED("active"),
    EXPIRING("expiring"),
    EXPIRED("expired"),
    EXITED("finished");

    final String value;

    State(String value) {
      this.value = value;
    }
  }

  private State state = State.CREATED;
  /** The deadline on the loop's clock; null for none. */
  private Duration when;
  /** The armed deadline (a timer, or a callSoon for a deadline already past); null if none. */
  private Handle timeoutHandler;
  /** The task running the scope, from entry on. */
  private CoroutineTask<?> task;
  /** The task's {@link Task#cancelling()} on entry: requests made before the scope. */
  private int cancelling;

  /** A scope whose deadline is {@code when} on the loop's clock; null for none. */
  Timeout(Duration when) {
    this.when = when;
  }

  /** asyncio's {@code timeout(delay)}: a deadline {@code delay} from now; null delay for none. */
  static Timeout after(EventLoop loop, Duration delay) {
    if (delay == null) {
      return new Timeout(null);
    }
    Duration now = loop.time();
    Duration when;
    try {
      when = now.plus(delay);
    } catch (ArithmeticException tooFar) {
      when = delay.isNegative() ? Duration.ZERO : Duration.ofSeconds(Long.MAX_VALUE);
    }
    return new Timeout(when);
  }

  /** The current deadline (asyncio's {@code when()}); null for none. */
  Duration when() {
    return when;
  }

  /** True if the deadline fired while the body ran (asyncio's {@code expired()}). */
  boolean expired() {
    return state == State.EXPIRING || state == State.EXPIRED;
  }

  /**
   * Moves the deadline to {@code newWhen} (null: none), asyncio's {@code reschedule}; a deadline
   * already past fires at the next loop iteration.
   *
   * @throws IllegalStateException unless the body is running and the deadline has not fired
   */
  void reschedule(Duration newWhen) {
    if (state != State.ENTERED) {
      if (state == State.CREATED) {
        throw new IllegalStateException("Timeout has not been entered");
      }
      throw new IllegalStateException("Cannot change state of " + state.value + " Timeout");
    }
    when = newWhen;
    if (timeoutHandler != null) {
      timeoutHandler.cancel();
    }
    if (newWhen == null) {
      timeoutHandler = null;
    } else {
      EventLoop loop = task.loop;
      timeoutHandler =
          newWhen.compareTo(loop.time()) <= 0
              ? loop.callSoon(this::onTimeout)
              : loop.callAt(newWhen, this::onTimeout);
    }
  }

  /**
   * Runs {@code body} inside the scope, inline in the calling task: asyncio's {@code async with}
   * of this timeout. Suspends wherever the body does.
   *
   * @throws TimeoutException if this scope's deadline cancelled the body; its cause is the
   *     CancellationException the body ended with
   * @throws Exception whatever else the body throws, as the same object
   * @throws IllegalStateException outside a task, or if the scope has been run before
   */
  <T> T run(Coroutine<T> body) throws Exception {
    enter();
    T result;
    try {
      result = body.run();
    } catch (Throwable e) {
      throw Throwables.sneaky(exit(e));
    }
    exit(null);
    return result;
  }

  /** asyncio's {@code __aenter__}. */
  private void enter() {
    if (state != State.CREATED) {
      throw new IllegalStateException("Timeout has already been entered");
    }
    CoroutineTask<?> current = Fgbg.requireTask("timeout");
    state = State.ENTERED;
    task = current;
    cancelling = current.cancelling();
    reschedule(when);
  }

  /**
   * asyncio's {@code __aexit__}: what the scope throws, given that the body threw {@code failure}
   * (null if it returned); null if it throws nothing.
   */
  private Throwable exit(Throwable failure) {
    assert state == State.ENTERED || state == State.EXPIRING : state;
    if (timeoutHandler != null) {
      timeoutHandler.cancel();
      timeoutHandler = null;
    }
    if (state == State.EXPIRING) {
      state = State.EXPIRED;
      if (task.uncancel() <= cancelling && failure instanceof CancellationException cancelled) {
        // no cancel request beyond those made before the scope: this one is ours
        TimeoutException timedOut =
            new TimeoutException(
                task.name() + " timed out (deadline " + Tasks.readable(when) + " on the loop's clock)");
        timedOut.initCause(cancelled);
        return timedOut;
      }
    } else if (state == State.ENTERED) {
      state = State.EXITED;
    }
    return failure;
  }

  /** asyncio's {@code _on_timeout}: the deadline fired; a loop callback. */
  private void onTimeout() {
    assert state == State.ENTERED : state;
    task.cancelOnLoop();
    state = State.EXPIRING;
    timeoutHandler = null;
  }

  /** {@code Timeout[active, when=1.5 s]}, {@code Timeout[expired]}: asyncio's repr. */
  @Override
  public String toString() {
    if (state == State.ENTERED) {
      return "Timeout[" + state.value + ", when=" + (when == null ? "none" : Tasks.readable(when))
          + "]";
    }
    return "Timeout[" + state.value + "]";
  }
}
