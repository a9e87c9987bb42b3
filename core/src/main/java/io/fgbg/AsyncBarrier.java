package io.fgbg;

import java.util.concurrent.BrokenBarrierException;

/**
 * A meeting point for a fixed number of tasks: asyncio's {@code Barrier} (Python 3.11, {@code
 * Lib/asyncio/locks.py}), ported hop for hop over an {@link AsyncCondition}.
 *
 * <p>Thread regime: a {@link LoopBound} block. Every method runs on the barrier's loop holding its
 * baton (the loop of the task that first waited on it); the fields below are the baton holder's, and change only
 * while the task that changes them holds the inner condition's lock.
 *
 * <pre>{@code
 * AsyncBarrier start = new AsyncBarrier(3);
 * for (int i = 0; i < 3; i++) {
 *   scheduleCoroutine(() -> { int index = await(start.waitParties()); ...; return null; });
 * }
 * }</pre>
 *
 * <p>Tasks wait until {@code parties} of them wait; then all go on at once, each with its own
 * arrival index, 0 to {@code parties - 1}. The barrier then drains (tasks that arrive meanwhile
 * wait for the next round) and fills again. {@link #reset()} sends the tasks that wait away with
 * {@link BrokenBarrierException} and fills again; {@link #abort()} breaks the barrier for good.
 * A waiting task shows in {@code jobs()} as {@code wait of barrier}.
 *
 * <p>The states, as asyncio's:
 *
 * <table>
 *   <caption>states</caption>
 *   <tr><th>state</th><th>meaning</th><th>next</th></tr>
 *   <tr><td>FILLING</td><td>tasks arrive and wait</td><td>DRAINING when the last party arrives;
 *       RESETTING on reset() while tasks wait; BROKEN on abort()</td></tr>
 *   <tr><td>DRAINING</td><td>the round's tasks leave; new arrivals wait</td><td>FILLING once
 *       the last has left</td></tr>
 *   <tr><td>RESETTING</td><td>the waiting tasks leave with BrokenBarrierException</td>
 *       <td>FILLING once the last has left</td></tr>
 *   <tr><td>BROKEN</td><td>every wait throws BrokenBarrierException</td><td>FILLING on
 *       reset() once no task is inside</td></tr>
 * </table>
 *
 * <p>Differences from asyncio: {@code wait()} is {@code waitParties()}; {@code n_waiting} is
 * {@link #waiting()}; {@code broken} is {@link #isBroken()}; a broken barrier throws the JDK's
 * {@link BrokenBarrierException} (asyncio's {@code BrokenBarrierError}); there is no {@code async
 * with barrier}: await {@code waitParties()}.
 */
public final class AsyncBarrier extends LoopBound {
  private enum State {
    FILLING,
    DRAINING,
    RESETTING,
    BROKEN
  }

  /** Notifies every task inside when the state changes. */
  private final AsyncCondition cond =
      new AsyncCondition(new AsyncLock("wait of barrier"), "wait of barrier");

  private final int parties;
  private State state = State.FILLING;
  /** The tasks inside the barrier: waiting, or leaving it. */
  private int count;

  /**
   * Makes a barrier for {@code parties} tasks, bound to no loop until a task first waits on it. Never
   * suspends.
   *
   * @param parties how many tasks each round waits for
   * @throws IllegalArgumentException if {@code parties} is less than 1
   */
  public AsyncBarrier(int parties) {
    if (parties < 1) {
      throw new IllegalArgumentException("AsyncBarrier's parties must be > 0, not " + parties);
    }
    this.parties = parties;
  }

  @Override
  String kind() {
    return "AsyncBarrier";
  }

  /**
   * Waits until {@code parties} tasks wait (asyncio's {@code wait()}), and returns this task's
   * arrival index in its round, 0 to {@code parties - 1}. A task that arrives while the barrier
   * drains or resets waits for the next round first.
   *
   * <p>Awaiting it is a suspension point unless this task completes the round and nothing holds
   * the barrier meanwhile. Inside a task only.
   *
   * @return the coroutine; awaited, it throws {@link BrokenBarrierException} if the barrier is
   *     broken, or is reset or aborted while the task waits, {@link
   *     java.util.concurrent.CancellationException} if the task is cancelled while it waits, and
   *     {@code IllegalStateException} outside a task or from another loop than the barrier's
   */
  public Coroutine<Integer> waitParties() {
    return () -> {
      Fgbg.requireTask("waitParties");
      onLoop("waitParties", () -> {});
      Held held = cond.hold(); // asyncio's async with: a failed release replaces the exception
      try {
        block(); // while the barrier drains or resets
        try {
          int index = count;
          count++;
          if (index + 1 == parties) {
            release();
          } else {
            awaitRelease();
          }
          return index;
        } finally {
          count--;
          exit(); // wakes the tasks waiting for the barrier to drain
        }
      } finally {
        held.close();
      }
    };
  }

  /**
   * Puts the barrier back to filling (asyncio's {@code reset()}): the tasks that wait throw
   * {@link BrokenBarrierException}, and a broken barrier works again.
   *
   * <p>Awaiting it is a suspension point only while another task holds the barrier. Inside a
   * task only.
   *
   * @return the coroutine
   */
  public Coroutine<Void> reset() {
    return () -> {
      Fgbg.requireTask("reset");
      onLoop("reset", () -> {});
      Held held = cond.hold();
      try {
        if (count > 0) {
          if (state != State.RESETTING) {
            state = State.RESETTING; // wakes the tasks that wait, to leave
          }
        } else {
          state = State.FILLING;
        }
        cond.signalAll();
      } finally {
        held.close();
      }
      return null;
    };
  }

  /**
   * Breaks the barrier (asyncio's {@code abort()}): the tasks that wait, and every task that
   * waits later, throw {@link BrokenBarrierException}, until {@link #reset()}.
   *
   * <p>Awaiting it is a suspension point only while another task holds the barrier. Inside a
   * task only.
   *
   * @return the coroutine
   */
  public Coroutine<Void> abort() {
    return () -> {
      Fgbg.requireTask("abort");
      onLoop("abort", () -> {});
      Held held = cond.hold();
      try {
        state = State.BROKEN;
        cond.signalAll();
      } finally {
        held.close();
      }
      return null;
    };
  }

  /**
   * How many tasks each round waits for. Never a suspension point; safe from any thread.
   *
   * @return the parties
   */
  public int parties() {
    return parties;
  }

  /**
   * How many tasks wait in the round that is filling (asyncio's {@code n_waiting}): 0 while the
   * barrier drains, resets or is broken. Never a suspension point.
   *
   * @return the tasks waiting
   * @throws IllegalStateException if used from another loop or thread than the barrier's
   */
  public int waiting() {
    return onLoop("waiting", () -> state == State.FILLING ? count : 0);
  }

  /**
   * Whether the barrier is broken (asyncio's {@code broken}). Never a suspension point.
   *
   * @return true after {@link #abort()}, until {@link #reset()}
   * @throws IllegalStateException if used from another loop or thread than the barrier's
   */
  public boolean isBroken() {
    return onLoop("isBroken", () -> state == State.BROKEN);
  }

  // ---- asyncio's algorithm; each runs holding the condition's lock

  /** Waits while the barrier drains or resets; refuses to go on if it is broken. */
  private void block() throws Exception {
    Fgbg.await(cond.waitUntil(() -> state != State.DRAINING && state != State.RESETTING));
    if (state == State.BROKEN) {
      throw new BrokenBarrierException("AsyncBarrier aborted");
    }
  }

  /** The last party has come: every task of the round goes on. */
  private void release() {
    state = State.DRAINING;
    cond.signalAll();
  }

  /** Waits in the barrier until the round is complete; refuses if it is reset or broken. */
  private void awaitRelease() throws Exception {
    Fgbg.await(cond.waitUntil(() -> state != State.FILLING));
    if (state == State.BROKEN || state == State.RESETTING) {
      throw new BrokenBarrierException("abort or reset of AsyncBarrier");
    }
  }

  /** The last task to leave fills the barrier again and wakes those waiting for that. */
  private void exit() {
    if (count == 0) {
      if (state == State.RESETTING || state == State.DRAINING) {
        state = State.FILLING;
      }
      cond.signalAll();
    }
  }

  /** The tasks inside the barrier (asyncio's {@code _count}, for tests). Baton holder only. */
  int countNow() {
    return count;
  }

  /** asyncio's repr: {@code AsyncBarrier[filling, waiters:2/5]}; a racy read off the loop. */
  @Override
  public String toString() {
    State s = state;
    String extra = s.name().toLowerCase(java.util.Locale.ROOT);
    if (s != State.BROKEN) {
      extra += ", waiters:" + (s == State.FILLING ? count : 0) + "/" + parties;
    }
    return "AsyncBarrier[" + extra + "]";
  }
}
