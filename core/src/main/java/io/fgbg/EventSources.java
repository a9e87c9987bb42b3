package io.fgbg;

import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;

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
 * <h2>The inbox under a flood</h2>
 *
 * Every post counts itself ({@code posted}) before it joins the inbox, and a drain takes at most
 * what had been counted when it began: a drain always ends, however fast other threads post, so
 * every iteration collects its sockets and timers and runs a finite batch (asyncio's {@code
 * _run_once} runs the callbacks that were ready when it began; fgbg's iteration, the posts that
 * had been made when it began, and the loop's own work before them).
 *
 * <p>Order. Posted callbacks run in the order they joined the inbox, so one thread's posts run in
 * the order it made them. The loop drains before each append of its own ({@code callSoon}, a task
 * step) as well as at the start of each iteration; a post that happened before such an append
 * (its {@code post} returned before the append began) was counted before that drain read the
 * count, as was everything ahead of it in the inbox, so it runs before the appended callback, as
 * {@code call_soon_threadsafe} then {@code call_soon} do in asyncio. The bound takes nothing from
 * that promise: only a post racing with a drain (no order between them) may be left for the next
 * drain.
 *
 * <p>Memory. The backlog is the number of posts not known to have run ({@code posted} minus
 * {@code postsRun}: each iteration publishes, as run, everything drained up to the start of
 * the iteration before, or all of it if nothing is ready; so does the loop before it waits). {@link #postFromUser} (a user's {@code callSoonThreadsafe} from another
 * thread) waits while the backlog is at or above the high-water mark, for as long as {@code
 * posterMayWait} says it may (the loop is running and the poster runs no loop), in slices of
 * {@value #WAIT_SLICE_MILLIS} ms so that a run that ends releases it without a signal; the holder
 * signals waiting posters at the start of an iteration once the backlog is below the mark. An
 * interrupt ends the wait (the callback is posted all the same, the interrupt status is kept). A
 * loop nobody runs never holds a poster: its inbox grows until its next run, as before. fgbg's
 * own posts ({@link #post}: results of background calls, cancels, completions) never wait. So,
 * while a loop runs, its posted backlog stays below the mark plus one callback for each thread
 * posting at that instant and fgbg's own posts; under a flood an iteration runs about a mark's
 * worth of posted callbacks, then its timers and sockets.
 *
 * <h2>Timers</h2>
 *
 * A heap ordered by deadline, ties in the order made. A deadline may lie in the past (a negative
 * delay): it is due at once and still takes its place by deadline, as in asyncio, so a timer due
 * 2 s ago runs before one due 1 s ago. Cancelling a timer only sets its volatile flag (safe from
 * any thread, see {@link TimerHandle}); a cancelled timer stays in the heap until it reaches the
 * top, or until the heap is swept: when a new timer makes the heap more than twice as large as the
 * smallest it has been since the last sweep (at least {@value #MIN_SWEEP_SIZE}). Differences from
 * asyncio: asyncio counts cancels (from the loop's thread only) and sweeps when more than half of
 * over 100 timers are cancelled; fgbg counts nothing, and its rule gives the same bound (a heap of
 * steady size is swept once as many cancelled timers as live ones have piled up) at an amortized
 * constant cost per timer made.
 *
 * <p>On a virtual clock ({@link VirtualClock}) the heap orders ties by the epoch a timer was made
 * in, {@link #collect} starts a new epoch and takes the timers due by that clock's rules, and
 * {@link #waitForWork} jumps the clock instead of waiting, by the rules of {@link
 * #waitOnVirtualClock}. The real clock's path tests one final field for this in each of those
 * places (and at the end of a run), and does nothing else for it.
 *
 * <p>Invariants: {@code inbox}, {@code posted}, {@code postsRun}, {@code waitingPosters}, the room
 * lock and {@code sleeper} are shared between threads; everything else is touched only by the
 * thread holding the loop's baton. {@code drained <= posted}: every polled callback was counted
 * before it joined the inbox. A thread that posts to the inbox and a holder about to wait for work
 * meet through {@code sleeper} (each writes its side, then reads the other's), so that a posted
 * callback never waits for a timer or a socket. A poster about to wait and the holder publishing
 * {@code postsRun} meet the same way through {@code waitingPosters}, so that no poster misses the
 * signal.
 */
final class EventSources {
  static final long NO_DEADLINE = Long.MAX_VALUE;
  /** The backlog at which a user's post from another thread waits for the loop. */
  static final int DEFAULT_HIGH_WATER = 4096;

  static final long WAIT_SLICE_MILLIS = 10;
  static final int MIN_SWEEP_SIZE = 128;

  private final LoopClock clock;
  /** The clock, if it is virtual (see VirtualClock); null on the real clock. */
  private final VirtualClock virtual;
  private final BiConsumer<String, Throwable> errors;
  private final BooleanSupplier posterMayWait;
  private final int highWater;

  // ---- shared between threads

  private final ConcurrentLinkedQueue<Runnable> inbox = new ConcurrentLinkedQueue<>();
  /** Posts made; each counts itself before it joins the inbox. */
  private final AtomicLong posted = new AtomicLong();
  /** Posts known to have run: those drained before the previous iteration began. Holder writes. */
  private volatile long postsRun;
  /** Posters waiting for room; changed under roomLock, read by the holder without it. */
  private volatile int waitingPosters;
  private final ReentrantLock roomLock = new ReentrantLock();
  private final Condition roomFreed = roomLock.newCondition();
  /**
   * While the holder waits for work, what wakes it: its Thread (parked) or the SelectorEvents it
   * selects on; else null.
   */
  private volatile Object sleeper;

  // ---- baton holder only

  /** Posts taken from the inbox. */
  private long drained;
  /** {@code drained} when the last iteration's collect had drained the inbox. */
  private long drainedByLastCollect;
  /** The last value written to postsRun (read without a volatile read). */
  private long publishedPostsRun;
  /**
   * The timers, cancelled ones until a sweep. A heap's array never shrinks, so once it holds an
   * eighth of its peak or less it is made anew for what is left ({@link #nextDeadline}).
   */
  private PriorityQueue<TimerHandle> timers;
  /** The most timers the heap has held since it was made. */
  private int timersPeak;
  /** Sweep cancelled timers out when the heap grows beyond this. */
  private int sweepAbove = MIN_SWEEP_SIZE;
  private long timerSequence;
  private SelectorEvents io; // null until the first socket
  /** On a virtual clock: {@code drained} when the last wait for work ended. */
  private long drainedAtLastWait;

  /** Sources whose users' posts never wait (as {@link #post}). */
  EventSources(LoopClock clock) {
    this(clock, () -> false, DEFAULT_HIGH_WATER, EventSources::printError);
  }

  /**
   * Sources whose {@link #postFromUser} waits above {@link #DEFAULT_HIGH_WATER} while {@code
   * posterMayWait} answers true.
   *
   * @param posterMayWait asked, in the posting thread, only while the backlog is above the mark:
   *     true if that thread may wait for the loop to drain the inbox. It must answer false unless
   *     some thread is running the loop, and false in a thread that runs a loop (this one or
   *     another: two loops flooding each other must not wait for each other)
   */
  EventSources(LoopClock clock, BooleanSupplier posterMayWait) {
    this(clock, posterMayWait, DEFAULT_HIGH_WATER, EventSources::printError);
  }

  /**
   * The loop's sources.
   *
   * @param errors where an error of the sources themselves goes (a failed select): the loop's
   *     exception handler
   */
  EventSources(
      LoopClock clock,
      BooleanSupplier posterMayWait,
      int highWater,
      BiConsumer<String, Throwable> errors) {
    this.errors = errors;
    if (highWater < 1) {
      throw new IllegalArgumentException("highWater must be positive, not " + highWater);
    }
    this.clock = clock;
    this.virtual = clock instanceof VirtualClock v ? v : null;
    this.timers =
        virtual == null ? new PriorityQueue<>() : new PriorityQueue<>(VirtualClock.TIMER_ORDER);
    this.posterMayWait = posterMayWait;
    this.highWater = highWater;
  }

  /** For sources without a loop (tests): errors on standard error. */
  private static void printError(String message, Throwable e) {
    System.err.println(message);
    e.printStackTrace();
  }

  /** The loop's time in nanoseconds since it was made; from any thread. */
  long now() {
    return clock.now();
  }

  /** The {@link System#nanoTime()} at which the clock read {@code loopTime}, just read. */
  long realNanosAt(long loopTime) {
    return clock.realNanosAt(loopTime);
  }

  // ------------------------------------------------------------------ the inbox

  /**
   * Adds {@code callback} to the inbox and wakes the holder if it waits; from any thread, never
   * waits. For fgbg's own posts.
   */
  void post(Runnable callback) {
    posted.getAndIncrement(); // before it joins the inbox: drained never passes posted
    inbox.add(callback);
    wakeUp();
  }

  /**
   * Adds {@code callback} to the inbox as {@link #post} does, first waiting while the backlog is
   * at or above the high-water mark and {@code posterMayWait} allows (see the class comment). For
   * a user's {@code callSoonThreadsafe} from a thread that does not hold the baton.
   */
  void postFromUser(Runnable callback) {
    if (posted.get() - postsRun >= highWater) {
      awaitRoom();
    }
    post(callback);
  }

  private void awaitRoom() {
    if (!posterMayWait.getAsBoolean()) {
      return;
    }
    roomLock.lock();
    try {
      waitingPosters++;
      while (posted.get() - postsRun >= highWater && posterMayWait.getAsBoolean()) {
        roomFreed.await(WAIT_SLICE_MILLIS, TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // the wait ends here; the caller posts all the same
    } finally {
      waitingPosters--;
      roomLock.unlock();
    }
  }

  /**
   * Takes {@code callback} back out of the inbox, if it is still there: for a post that raced with
   * the loop's close. From any thread.
   */
  boolean unpost(Runnable callback) {
    return inbox.remove(callback);
  }

  /**
   * The posts not known to have run; from any thread (for tests and diagnostics). It lags: what
   * ran in the current and the previous iteration counts until the next iteration begins.
   */
  long backlog() {
    return posted.get() - postsRun;
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

  /**
   * Moves what had been posted when the drain began to the end of {@code ready}, in the order it
   * joined the inbox (what is posted meanwhile waits for the next drain).
   */
  void drainInbox(ReadyQueue ready) {
    long limit = posted.get();
    long n = drained;
    Runnable callback;
    while (n < limit && (callback = inbox.poll()) != null) {
      ready.addLast(callback);
      n++;
    }
    drained = n;
  }

  /**
   * Publishes that the first {@code run} posts drained have run, and lets waiting posters go on if
   * that leaves room. At the start of an iteration, {@code run} is what was drained up to the start
   * of the previous one (it was ready then), or everything drained if nothing is ready; before the
   * loop waits for work (nothing is ready), everything drained.
   */
  private void publishPostsRun(long run) {
    if (run == publishedPostsRun) {
      return; // nothing new has run: no room for a waiting poster either (posted only grows)
    }
    publishedPostsRun = run;
    postsRun = run; // then read waitingPosters: a poster writes that, then reads postsRun
    if (waitingPosters > 0 && posted.get() - run < highWater) {
      roomLock.lock();
      try {
        roomFreed.signalAll();
      } finally {
        roomLock.unlock();
      }
    }
  }

  // ------------------------------------------------------------------ one iteration's sources

  /**
   * Moves what had been posted, the handlers of the sockets that are ready and the timers that are
   * due to the end of {@code ready}, in that order; returns the next timer's deadline, or
   * NO_DEADLINE. Called once at the start of each iteration (again only if nothing was ready).
   */
  long collect(ReadyQueue ready) {
    publishPostsRun(ready.isEmpty() ? drained : drainedByLastCollect);
    drainInbox(ready);
    drainedByLastCollect = drained;
    if (watchesSockets()) {
      io.collect(ready);
    }
    if (virtual != null) {
      return collectVirtualTimers(ready);
    }
    if (timers.isEmpty()) {
      return NO_DEADLINE; // and no reading of the clock
    }
    long now = clock.now();
    TimerHandle timer;
    while ((timer = pollDueTimer(now)) != null) {
      ready.addLast(timer);
    }
    return nextDeadline();
  }

  /** collect()'s timers on a virtual clock: a new epoch, and the timers due by its rules. */
  private long collectVirtualTimers(ReadyQueue ready) {
    virtual.beginIteration();
    TimerHandle timer;
    while ((timer = timers.peek()) != null) {
      if (timer.isCancelled()) {
        timers.poll();
      } else if (virtual.isDue(timer)) {
        ready.addLast(timers.poll());
      } else {
        break;
      }
    }
    return nextDeadline();
  }

  // ------------------------------------------------------------------ timers

  /**
   * A timer due {@code delayNanos} from now; a negative delay gives a deadline in the past. The
   * deadline saturates at both ends.
   */
  TimerHandle callLater(long delayNanos, Runnable callback) {
    return callAt(saturatedAdd(clock.now(), delayNanos), callback);
  }

  /**
   * A timer due at {@code whenNanos} on the loop's clock ({@link #now()}), in the past or not; a
   * deadline beyond the clock's range is kept just short of NO_DEADLINE.
   */
  TimerHandle callAt(long whenNanos, Runnable callback) {
    long deadline = Math.min(whenNanos, NO_DEADLINE - 1);
    int epoch = virtual == null ? 0 : virtual.epochFor(deadline);
    TimerHandle timer = new TimerHandle(deadline, timerSequence++, epoch, callback);
    timers.add(timer);
    timersPeak = Math.max(timersPeak, timers.size());
    if (timers.size() > sweepAbove) {
      timers.removeIf(TimerHandle::isCancelled);
      sweepAbove = Math.max(MIN_SWEEP_SIZE, 2 * timers.size());
    }
    return timer;
  }

  /** The timers in the heap, cancelled ones included (for tests). */
  int timerCount() {
    return timers.size();
  }

  /** The most timers in the heap at once since it was last made anew (for tests). */
  int timersPeak() {
    return timersPeak;
  }

  /** The first timer if it is due by {@code now}, removed; drops cancelled ones on the way. */
  private TimerHandle pollDueTimer(long now) {
    TimerHandle timer;
    while ((timer = timers.peek()) != null) {
      if (timer.isCancelled()) {
        timers.poll();
      } else if (timer.deadline <= now) {
        return timers.poll();
      } else {
        return null;
      }
    }
    return null;
  }

  /** After the due timers are out: the next deadline; lowers the sweep mark as the heap shrinks. */
  private long nextDeadline() {
    int size = timers.size();
    if (2 * size < sweepAbove) {
      sweepAbove = Math.max(MIN_SWEEP_SIZE, 2 * size);
    }
    if (Jobs.isSparse(size, timersPeak)) {
      timers = new PriorityQueue<>(timers); // its order, an array for what is left
      timersPeak = size;
    }
    TimerHandle next = timers.peek(); // not cancelled: pollDueTimer stopped at it
    return next == null ? NO_DEADLINE : next.deadline;
  }

  static long saturatedAdd(long a, long b) {
    long sum = a + b;
    if (((a ^ sum) & (b ^ sum)) < 0) { // both had the sign the sum lacks: it overflowed
      return b < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
    return sum;
  }

  // ------------------------------------------------------------------ sockets and waiting

  /** The loop's selector, opened on first use. */
  SelectorEvents io() {
    SelectorEvents s = io;
    if (s == null) {
      s = new SelectorEvents(errors);
      io = s;
    }
    return s;
  }

  /** The loop's selector if a socket has opened it, else null (for {@link Inspection}). */
  SelectorEvents ioIfOpen() {
    return io;
  }

  /**
   * True if the next collect would find work without waiting: a post in the inbox, or a timer due
   * (a cancelled one at the head counts: it is dropped then). Reads the clock without moving it.
   */
  boolean hasWorkNow() {
    TimerHandle next = timers.peek();
    if (!inbox.isEmpty() || next == null) {
      return !inbox.isEmpty();
    }
    return next.isCancelled()
        || (virtual != null ? virtual.isDue(next) : next.deadline <= clock.now());
  }

  private boolean watchesSockets() {
    return io != null && io.isWatching();
  }

  /**
   * Waits until {@code deadline}, a posted callback, a socket's readiness, or a wake-up (an
   * interrupt of the waiting thread ends the wait too; its status is left for the caller to read).
   * A virtual clock jumps to the next timer instead, by the rules of {@link #waitOnVirtualClock}.
   * Does not wait if {@code loop} must stop now. Called only while nothing is ready: all that was
   * drained has run, which lets waiting posters go on.
   */
  void waitForWork(EventLoop loop, long deadline) {
    publishPostsRun(drained);
    if (virtual != null) {
      waitOnVirtualClock(loop, deadline);
      return;
    }
    if (deadline == NO_DEADLINE) {
      block(loop, NO_LIMIT);
      return;
    }
    long wait = deadline - clock.now();
    if (wait > 0) {
      block(loop, wait);
    }
  }

  private static final long NO_LIMIT = -1;
  /** How long a virtual clock waits for news from outside before it jumps (trio's threshold). */
  static final long QUIET_NANOS = 10_000_000L;

  /**
   * Waits up to {@code nanos} of real time ({@code NO_LIMIT}: no limit) for a post, a socket, a
   * wake-up or an interrupt: parked while no socket is watched, else in a select.
   */
  private void block(EventLoop loop, long nanos) {
    if (watchesSockets()) {
      // late rather than early (rounded up, without overflow for a far deadline); 0 is no limit
      long timeoutMillis =
          nanos == NO_LIMIT
              ? 0
              : Math.max(1, nanos / 1_000_000 + (nanos % 1_000_000 == 0 ? 0 : 1));
      sleeper = io;
      try {
        if (inbox.isEmpty() && !loop.mustStopNow()) {
          io.await(timeoutMillis);
        }
      } finally {
        sleeper = null;
      }
      return;
    }
    sleeper = Thread.currentThread();
    try {
      if (inbox.isEmpty() && !loop.mustStopNow()) {
        if (nanos == NO_LIMIT) {
          LockSupport.park(this);
        } else {
          LockSupport.parkNanos(this, nanos);
        }
      }
    } finally {
      sleeper = null;
    }
  }

  /**
   * The wait for work on a virtual clock. With no timer there is nothing to jump to: it waits as
   * the real clock does. Else, before it jumps to the next timer's group:
   *
   * <ul>
   *   <li>while a background call of the loop runs, it waits in real time, as if time passed at
   *       its real pace: it reaches the timer once as much real time has passed, since it began
   *       to wait so, as the timer lies ahead; the call's result, or anything else, ends the wait
   *       without a jump;
   *   <li>else, while something from outside may still come (a socket is watched, a task follows
   *       a {@code CompletionStage}, or a post came from outside since the last wait), it jumps
   *       once 10 ms of real time have passed without anything happening;
   *   <li>else it jumps at once.
   * </ul>
   */
  private void waitOnVirtualClock(EventLoop loop, long deadline) {
    TimerHandle next = deadline == NO_DEADLINE ? null : liveFirstTimer();
    if (next == null) {
      virtual.stopPacing();
      block(loop, NO_LIMIT);
      drainedAtLastWait = drained;
      return;
    }
    boolean paced = loop.jobs.backgroundCalls() > 0;
    long wait;
    if (paced) {
      wait = virtual.realNanosUntil(next.deadline);
    } else {
      virtual.stopPacing();
      wait = mayHearFromOutside(loop) ? QUIET_NANOS : 0;
    }
    drainedAtLastWait = drained;
    if (wait > 0) {
      long start = System.nanoTime();
      block(loop, wait);
      if (System.nanoTime() - start < wait) {
        return; // woken before the time was up: look at what came, then wait again
      }
    }
    if (somethingCame(loop)) {
      return;
    }
    if (paced) {
      virtual.reachPaced(next);
    } else {
      virtual.jumpTo(next);
    }
  }

  /** The first timer, dropping cancelled ones (a cancel from another thread may come any time). */
  private TimerHandle liveFirstTimer() {
    TimerHandle timer;
    while ((timer = timers.peek()) != null && timer.isCancelled()) {
      timers.poll();
    }
    return timer;
  }

  /** On a virtual clock: whether something from outside the loop may still wake it. */
  private boolean mayHearFromOutside(EventLoop loop) {
    return watchesSockets() || loop.jobs.followedStages() > 0 || drained != drainedAtLastWait;
  }

  /** After a wait: a post, a ready socket, a stop request or an interrupt is there. */
  private boolean somethingCame(EventLoop loop) {
    return !inbox.isEmpty()
        || loop.mustStopNow()
        || Thread.currentThread().isInterrupted()
        || (io != null && !io.selector().selectedKeys().isEmpty());
  }

  /** A run has ended: a virtual clock that waited in real time counts its pace afresh next run. */
  void endOfRun() {
    if (virtual != null) {
      virtual.stopPacing();
    }
  }

  /** At close: drops every timer, closes every socket still open and the selector. */
  void clear() {
    Runnable left;
    while ((left = inbox.poll()) != null) { // posted too late to run: told, if it asks to be
      if (left instanceof DroppedAtClose dropped) {
        dropped.droppedAtClose();
      }
    }
    timers.clear();
    sweepAbove = MIN_SWEEP_SIZE;
    if (io != null) {
      io.close();
      io = null;
    }
  }
}
