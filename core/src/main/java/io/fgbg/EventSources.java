package io.fgbg;

import java.util.ArrayDeque;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * Where a loop's ready work comes from, besides the callbacks it runs: the thread-safe inbox, the
 * sockets that are ready, the timers on the loop's clock, and the wait for any of them when
 * nothing is ready. The first half of asyncio's {@code _run_once}; {@link EventLoop} runs the
 * second half, the callbacks.
 *
 * <p>Waiting parks the holder while the loop has no socket, and selects once it has one (the
 * selector is opened for the first socket: a thread blocked in a select is woken more slowly than
 * a parked one, so loops without sockets never pay for it).
 *
 * <p>Invariants: the inbox and {@code sleeper} are shared between threads; everything else is
 * touched only by the thread holding the loop's baton. A thread that posts to the inbox and a
 * holder about to wait for work meet through {@code sleeper} (each writes its side, then reads the
 * other's), so that a posted callback never waits for a timer or a socket.
 */
final class EventSources {
  static final long NO_DEADLINE = Long.MAX_VALUE;

  private final LoopClock clock;
  private final ConcurrentLinkedQueue<Runnable> inbox = new ConcurrentLinkedQueue<>();
  /**
   * While the holder waits for work, what wakes it: its Thread (parked) or the SelectorEvents it
   * selects on; else null.
   */
  private volatile Object sleeper;

  // ---- baton holder only

  private final PriorityQueue<TimerHandle> timers = new PriorityQueue<>();
  private int cancelledTimers; // a hint for sweeping; may be off when cancels race
  private long timerSequence;
  private SelectorEvents io; // null until the first socket

  EventSources(LoopClock clock) {
    this.clock = clock;
  }

  /** The loop's time in nanoseconds since it was made. */
  long now() {
    return clock.now();
  }

  /** The same, read without moving a ticking virtual clock (for the job table). */
  long peekNow() {
    return clock.peek();
  }

  /** Adds {@code callback} to the inbox and wakes the holder if it waits; from any thread. */
  void post(Runnable callback) {
    inbox.add(callback);
    wakeUp();
  }

  /** Wakes the holder if it waits for work (to look at the inbox, or at a stop request). */
  void wakeUp() {
    Object s = sleeper;
    if (s instanceof Thread parked) {
      LockSupport.unpark(parked);
    } else if (s instanceof SelectorEvents selecting) {
      selecting.wakeup();
    }
  }

  /** The loop's selector, opened on first use. */
  SelectorEvents io() {
    SelectorEvents s = io;
    if (s == null) {
      s = new SelectorEvents();
      io = s;
    }
    return s;
  }

  private boolean watchesSockets() {
    return io != null && io.isWatching();
  }

  /** Moves what the inbox holds to the end of {@code ready}, in the order it was posted. */
  void drainInbox(ArrayDeque<Object> ready) {
    Runnable callback;
    while ((callback = inbox.poll()) != null) {
      ready.addLast(callback);
    }
  }

  /** A timer due {@code delayNanos} from now (saturating far in the future). */
  TimerHandle callLater(long delayNanos, Runnable callback) {
    long now = clock.now();
    long deadline = delayNanos > NO_DEADLINE - 1 - now ? NO_DEADLINE - 1 : now + delayNanos;
    TimerHandle timer = new TimerHandle(this, deadline, timerSequence++, callback);
    timers.add(timer);
    return timer;
  }

  /** Counts a cancelled timer; it stays in the heap until popped or swept. From any thread. */
  void timerCancelled() {
    cancelledTimers++;
  }

  /**
   * Moves what the inbox holds, the handlers of the sockets that are ready and the timers that are
   * due to the end of {@code ready}, in that order; returns the next timer's deadline, or
   * NO_DEADLINE.
   */
  long collect(ArrayDeque<Object> ready) {
    drainInbox(ready);
    if (watchesSockets()) {
      io.collect(ready);
    }
    if (timers.isEmpty()) {
      return NO_DEADLINE; // and no reading of the clock
    }
    if (cancelledTimers > 64 && cancelledTimers * 2 > timers.size()) {
      timers.removeIf(TimerHandle::isCancelled);
      cancelledTimers = 0;
    }
    long now = clock.now();
    TimerHandle timer;
    while ((timer = timers.peek()) != null) {
      if (timer.isCancelled()) {
        timers.poll();
        if (cancelledTimers > 0) {
          cancelledTimers--;
        }
      } else if (timer.deadline <= now) {
        timers.poll();
        ready.addLast(timer);
      } else {
        return timer.deadline;
      }
    }
    return NO_DEADLINE;
  }

  /**
   * Waits until {@code deadline}, a posted callback, a socket's readiness, or a wake-up (an
   * interrupt of the waiting thread ends the wait too; its status is left for the caller to read).
   * A virtual clock jumps to the deadline instead (it selects only when no timer is set). Does not
   * wait if {@code loop} must stop now.
   */
  void waitForWork(EventLoop loop, long deadline) {
    if (clock.isVirtual() && deadline != NO_DEADLINE) {
      if (inbox.isEmpty()) {
        clock.advanceTo(deadline);
      }
      return;
    }
    if (watchesSockets()) {
      selectForWork(loop, deadline);
      return;
    }
    sleeper = Thread.currentThread();
    try {
      if (inbox.isEmpty() && !loop.mustStopNow()) {
        if (deadline == NO_DEADLINE) {
          LockSupport.park(this);
        } else {
          long wait = deadline - clock.now();
          if (wait > 0) {
            LockSupport.parkNanos(this, wait);
          }
        }
      }
    } finally {
      sleeper = null;
    }
  }

  private void selectForWork(EventLoop loop, long deadline) {
    long timeoutMillis = 0; // no limit
    if (deadline != NO_DEADLINE) {
      long wait = deadline - clock.now();
      if (wait <= 0) {
        return;
      }
      timeoutMillis = Math.max(1, (wait + 999_999) / 1_000_000); // late rather than early
    }
    sleeper = io;
    try {
      if (inbox.isEmpty() && !loop.mustStopNow()) {
        io.await(timeoutMillis);
      }
    } finally {
      sleeper = null;
    }
  }

  /** At close: drops every timer, closes every socket still open and the selector. */
  void clear() {
    timers.clear();
    if (io != null) {
      io.close();
      io = null;
    }
  }
}
