package io.fgbg;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * The shell model: put work in the background ({@code &}), bring one job to the foreground
 * ({@code fg}) and wait for it. Made for {@code import static io.fgbg.Fgbg.*}.
 *
 * <pre>{@code
 * Task<Void> ticker = scheduleCoroutine(() -> {     // like "ticker &": nothing runs yet
 *   for (int i = 0; ; i++) {
 *     System.out.println(i);
 *     await(sleep(ofSeconds(1)));
 *   }
 * });
 * runInForeground(sleep(ofSeconds(5)));            // the loop runs 5 s: prints 0 to 4
 * ticker.cancel();
 * }</pre>
 *
 * <p>Three ways to start work, on purpose different:
 *
 * <ul>
 *   <li>{@link #scheduleCoroutine} puts a coroutine in the background of the calling thread's
 *       loop; it starts when that thread next runs the loop;
 *   <li>{@link #runInForeground} runs the loop in the calling thread until one task is done, and
 *       returns its result; background tasks make progress meanwhile;
 *   <li>{@link #callInBackground} runs blocking code on another thread at once; its result comes
 *       back through the loop as a task like any other, which can really be cancelled (the
 *       thread is interrupted).
 * </ul>
 *
 * <p>Inside a coroutine, {@link #await} suspends the task until what it awaits is done, while
 * other tasks run. A task switches only at {@code await}; ready work runs in FIFO order.
 */
public final class Fgbg {
  private Fgbg() {}

  private static final Coroutine<Void> YIELD =
      () -> {
        requireTask("sleep").yieldOnce();
        return null;
      };

  // ------------------------------------------------------------------ background

  /**
   * Schedules {@code target} as a new task in the background of the calling thread's loop. It
   * does not start until the loop runs (a {@code runInForeground} on this thread).
   *
   * @param target the coroutine
   * @param <T> its result type
   * @return the new task
   * @throws NullPointerException if {@code target} is null
   * @throws IllegalStateException if the loop is running in another thread
   */
  public static <T> Task<T> scheduleCoroutine(Coroutine<T> target) {
    return scheduleCoroutine(target, null);
  }

  /**
   * Schedules {@code target} as a new task in the background of {@code loop}. It does not start
   * until the loop runs.
   *
   * @param target the coroutine
   * @param loop the loop; null for the calling thread's
   * @param <T> its result type
   * @return the new task
   * @throws NullPointerException if {@code target} is null
   * @throws IllegalStateException if the loop is closed or running in another thread
   */
  public static <T> Task<T> scheduleCoroutine(Coroutine<T> target, EventLoop loop) {
    Objects.requireNonNull(target, "target");
    EventLoop l = loopOrCurrent(loop);
    return l.onLoop(
        () -> {
          CoroutineTask<T> task = new CoroutineTask<>(l, target);
          l.scheduleStep(task);
          return task;
        });
  }

  /**
   * Runs blocking {@code target} at once on a new virtual thread; its outcome comes back through
   * the calling thread's loop as a task. Cancelling the task interrupts the call.
   *
   * <p>The call runs on a thread of its own, whose {@link EventLoop#current()} is that thread's
   * own loop: to hand work back to the calling loop from inside the call, use that loop's {@link
   * EventLoop#callSoonThreadsafe}.
   *
   * @param target the blocking call
   * @param <T> its result type
   * @return the task, done once the call has returned and the loop has run
   * @throws NullPointerException if {@code target} is null
   * @throws IllegalStateException if the loop is running in another thread
   */
  public static <T> Task<T> callInBackground(Callable<T> target) {
    return callInBackground(target, null, null);
  }

  /**
   * Runs blocking {@code target} on {@code executor}; its outcome comes back through the calling
   * thread's loop as a task.
   *
   * @param target the blocking call
   * @param executor where to run it; null for the loop's default (a virtual thread per call)
   * @param <T> its result type
   * @return the task
   * @throws NullPointerException if {@code target} is null
   * @throws IllegalStateException if the loop is running in another thread
   * @throws RejectedExecutionException if the executor refuses the call
   */
  public static <T> Task<T> callInBackground(Callable<T> target, Executor executor) {
    return callInBackground(target, null, executor);
  }

  /**
   * Runs blocking {@code target} on {@code executor}; its outcome comes back through {@code loop}
   * as a task. The call starts before this method returns (on the default executor).
   *
   * @param target the blocking call
   * @param loop the loop; null for the calling thread's
   * @param executor where to run it; null for the loop's default (a virtual thread per call)
   * @param <T> its result type
   * @return the task
   * @throws NullPointerException if {@code target} is null
   * @throws IllegalStateException if the loop is closed or running in another thread
   * @throws RejectedExecutionException if the executor refuses the call
   */
  public static <T> Task<T> callInBackground(Callable<T> target, EventLoop loop, Executor executor) {
    Objects.requireNonNull(target, "target");
    return startCall(target, null, loopOrCurrent(loop), executor);
  }

  private static <T> Task<T> startCall(
      Callable<T> target, Runnable onCancel, EventLoop loop, Executor executor) {
    BackgroundCall<T> call = loop.onLoop(() -> new BackgroundCall<>(loop, target, onCancel));
    Executor runner = executor != null ? executor : loop.onLoop(loop::defaultExecutor);
    try {
      runner.execute(call); // outside the baton: an executor may block, or run the call here
    } catch (RuntimeException | Error e) {
      loop.runOnLoopOrPost(() -> call.completeUnlessDone(null, e)); // done, off the job list
      throw e;
    }
    if (executor == null) {
      call.awaitStart(); // outside the baton: the loop is not held up meanwhile
    }
    return call;
  }

  /**
   * Puts {@code target} in the background of the calling thread's loop, whatever it is: the
   * combined form of the original proposal. See {@link #runInBackground(Object, EventLoop,
   * Executor)}.
   *
   * @param target a task, future, coroutine or callable
   * @return the task
   * @throws NullPointerException if {@code target} is null
   * @throws IllegalArgumentException if {@code target} is none of those
   */
  public static Task<?> runInBackground(Object target) {
    return runInBackground(target, null, null);
  }

  /**
   * Puts {@code target} in the background of {@code loop}, whatever it is:
   *
   * <ul>
   *   <li>a {@link Task}: itself;
   *   <li>a {@link CompletionStage} or {@link Future}: a task that follows it (cancelling the task
   *       cancels it);
   *   <li>a {@link Coroutine}: {@link #scheduleCoroutine};
   *   <li>a {@link Callable}, {@link Runnable} or {@link Supplier}: {@link #callInBackground}.
   * </ul>
   *
   * @param target a task, future, coroutine or callable
   * @param loop the loop; null for the calling thread's
   * @param executor for callables; null for the loop's default
   * @return the task
   * @throws NullPointerException if {@code target} is null
   * @throws IllegalArgumentException if {@code target} is none of those, or a task of another loop
   * @throws IllegalStateException if the loop is closed or running in another thread
   */
  public static Task<?> runInBackground(Object target, EventLoop loop, Executor executor) {
    Objects.requireNonNull(target, "target");
    EventLoop l = loopOrCurrent(loop);
    if (target instanceof Task<?> task) {
      if (loop != null && ((AbstractFuture<?>) task).loop != loop) {
        throw new IllegalArgumentException(task.name() + " belongs to another event loop");
      }
      return task;
    }
    if (target instanceof CompletionStage<?> stage) {
      return l.onLoop(() -> StageTask.follow(l, stage, true));
    }
    if (target instanceof Future<?> future) {
      return startCall(
          () -> {
            try {
              return future.get();
            } catch (ExecutionException e) {
              throw Throwables.sneaky(Throwables.unwrap(e));
            }
          },
          () -> future.cancel(true),
          l,
          executor);
    }
    if (target instanceof Coroutine<?> coroutine) {
      return scheduleCoroutine(coroutine, l);
    }
    if (target instanceof Callable<?> callable) {
      return startCall(callable, null, l, executor);
    }
    if (target instanceof Runnable runnable) {
      return startCall(
          () -> {
            runnable.run();
            return null;
          },
          null,
          l,
          executor);
    }
    if (target instanceof Supplier<?> supplier) {
      return startCall(supplier::get, null, l, executor);
    }
    throw new IllegalArgumentException(
        "background task must be future, coroutine or callable, not "
            + target.getClass().getName());
  }

  // ------------------------------------------------------------------ foreground

  /**
   * Runs the task's loop in the calling thread until {@code task} is done, and returns its result.
   * Background tasks make progress meanwhile. The run stops at the end of the loop iteration in
   * which the task finished. A task that is already done returns (or throws) at once.
   *
   * <p>Interrupting the calling thread ({@link Thread#interrupt()}: what Ctrl-C does at a shell
   * prompt) ends the run at the end of the current iteration and throws {@link
   * InterruptedException}; the task and every other task keep their state and go on at the next
   * foreground run. A second interrupt leaves at once. Whatever stops the calling thread, the loop
   * is left consistent.
   *
   * @param task the task
   * @param <T> its result type
   * @return the task's result
   * @throws Exception the task's own exception object, if it failed
   * @throws java.util.concurrent.CancellationException if the task was cancelled
   * @throws InterruptedException if the calling thread was interrupted
   * @throws NullPointerException if {@code task} is null
   * @throws IllegalStateException inside a task or callback (use {@link #await(Task)}), or if the
   *     loop is closed or running in another thread
   */
  public static <T> T runInForeground(Task<T> task) throws Exception {
    Objects.requireNonNull(task, "task");
    AbstractFuture<T> f = future(task);
    return f.loop.runInForeground(f, null);
  }

  /**
   * Runs {@code target} as a new task on the calling thread's loop, starting it at once (ahead of
   * whatever is ready), and runs the loop until that task is done; returns its result. So {@code
   * runInForeground(sleep(ZERO))} single-steps the loop: every task that was ready runs one step.
   *
   * <p>Interrupting the calling thread ({@link Thread#interrupt()}: what Ctrl-C does at a shell
   * prompt) cancels that task; the loop runs on only until it has finished its cleanup, then
   * {@link InterruptedException} is thrown. Tasks that existed before keep their state. A second
   * interrupt leaves at once. Whatever else stops the calling thread (JShell's Ctrl-C throws an
   * exception into it) cancels that task the same way, and lets it clean up, before the exception
   * goes on.
   *
   * @param target the coroutine
   * @param <T> its result type
   * @return the result
   * @throws Exception the coroutine's own exception object, if it failed
   * @throws java.util.concurrent.CancellationException if the task was cancelled
   * @throws InterruptedException if the calling thread was interrupted
   * @throws NullPointerException if {@code target} is null
   * @throws IllegalStateException inside a task or callback (use {@link #await(Coroutine)}), or
   *     if the loop is running in another thread
   */
  public static <T> T runInForeground(Coroutine<T> target) throws Exception {
    return runInForeground(target, null);
  }

  /**
   * Runs {@code loop} in the calling thread until {@code task} is done; see {@link
   * #runInForeground(Task)}.
   *
   * @param task the task
   * @param loop the task's loop; null for the task's own
   * @param <T> its result type
   * @return the task's result
   * @throws Exception the task's own exception object, if it failed
   * @throws InterruptedException if the calling thread was interrupted
   * @throws NullPointerException if {@code task} is null
   * @throws IllegalArgumentException if {@code task} belongs to another loop
   * @throws IllegalStateException inside a task or callback, or if the loop is closed or running
   *     in another thread
   */
  public static <T> T runInForeground(Task<T> task, EventLoop loop) throws Exception {
    Objects.requireNonNull(task, "task");
    AbstractFuture<T> f = future(task);
    if (loop != null && f.loop != loop) {
      throw new IllegalArgumentException(
          task.name() + " belongs to another event loop than the one given");
    }
    return f.loop.runInForeground(f, null);
  }

  /**
   * Runs {@code target} as a new task on {@code loop}, starting it at once, and runs the loop in
   * the calling thread until it is done; see {@link #runInForeground(Coroutine)}.
   *
   * @param target the coroutine
   * @param loop the loop; null for the calling thread's
   * @param <T> its result type
   * @return the result
   * @throws Exception the coroutine's own exception object, if it failed
   * @throws InterruptedException if the calling thread was interrupted
   * @throws NullPointerException if {@code target} is null
   * @throws IllegalStateException inside a task or callback, or if the loop is closed or running
   *     in another thread
   */
  public static <T> T runInForeground(Coroutine<T> target, EventLoop loop) throws Exception {
    Objects.requireNonNull(target, "target");
    return loopOrCurrent(loop).runInForeground(null, target);
  }

  // ------------------------------------------------------------------ inside a coroutine

  /**
   * Suspends the calling task until {@code task} is done, and returns its result. Awaiting a task
   * that is already done does not suspend; otherwise the caller resumes one loop hop after the
   * task completes. If the caller is cancelled meanwhile, {@code task} is cancelled too.
   *
   * <p>A suspension point unless {@code task} is done.
   *
   * @param task the task
   * @param <T> its result type
   * @return the task's result
   * @throws Exception the task's own exception object, if it failed
   * @throws java.util.concurrent.CancellationException if the task, or the caller, was cancelled
   * @throws NullPointerException if {@code task} is null
   * @throws IllegalStateException outside a task (use {@link #runInForeground(Task)}), or if the
   *     task belongs to another loop or is the caller itself
   */
  public static <T> T await(Task<T> task) throws Exception {
    Objects.requireNonNull(task, "task");
    return requireTask("await").await(future(task));
  }

  /**
   * Runs {@code target} inline, in the calling task, and returns its result: sequential code
   * calling sequential code, with the suspensions of {@code target} as the caller's own.
   *
   * <p>A suspension point wherever {@code target} is one.
   *
   * @param target the coroutine
   * @param <T> its result type
   * @return its result
   * @throws Exception whatever {@code target} throws, as the same object
   * @throws NullPointerException if {@code target} is null
   * @throws IllegalStateException outside a task (use {@link #runInForeground(Coroutine)})
   */
  public static <T> T await(Coroutine<T> target) throws Exception {
    Objects.requireNonNull(target, "target");
    CoroutineTask<?> task = requireTask("await");
    if (target == YIELD) {
      task.yieldOnce();
      return null;
    }
    if (target instanceof CoroutineTask.Sleeper<T> sleeper) { // one frame fewer while it sleeps
      task.sleep(sleeper.nanos);
      return sleeper.result;
    }
    return target.run();
  }

  /**
   * Suspends the calling task until {@code stage} completes (on whatever thread), and returns its
   * value. A stage that is already complete does not suspend. Cancelling the task cancels the
   * stage, where the stage allows it.
   *
   * <p>A suspension point unless the stage is already complete.
   *
   * @param stage the stage
   * @param <T> its value type
   * @return its value
   * @throws Exception the exception the stage failed with (unwrapped from CompletionException)
   * @throws java.util.concurrent.CancellationException if the stage, or the caller, was cancelled
   * @throws NullPointerException if {@code stage} is null
   * @throws IllegalStateException outside a task
   */
  public static <T> T await(CompletionStage<T> stage) throws Exception {
    Objects.requireNonNull(stage, "stage");
    CoroutineTask<?> task = requireTask("await");
    if (stage instanceof CompletableFuture<T> cf && isDone(cf)) {
      try {
        return cf.join();
      } catch (RuntimeException e) {
        Throwable cause = Throwables.unwrap(e);
        throw Throwables.sneaky(cause);
      }
    }
    return task.await(StageTask.follow(task.loop, stage, false));
  }

  /** isDone(), for the JDK's minimal stages too, which refuse it (they then take a loop hop). */
  private static boolean isDone(CompletableFuture<?> cf) {
    try {
      return cf.isDone();
    } catch (UnsupportedOperationException minimalStage) {
      return false;
    }
  }

  /**
   * A coroutine that is done once no other callback of the loop is ready: every other task is
   * suspended (sleeping, awaiting a task, a stream, a lock, a background call, a stage), and no
   * callback, posted callback, ready socket or due timer waits to run (trio's {@code
   * wait_all_tasks_blocked}). It never moves time: on a virtual clock the clock stands where it
   * was, and a sleeping task does not count as ready, so it returns before that task wakes.
   *
   * <pre>{@code
   * AsyncQueue<String> queue = new AsyncQueue<>(0);
   * scheduleCoroutine(() -> {
   *   for (;;) System.out.println(await(queue.get()));
   * });
   * queue.putNowait("a");
   * queue.putNowait("b");
   * runInForeground(untilIdle());  // the consumer has taken both and waits for the next
   * }</pre>
   *
   * <p>Precisely: the task resumes at the start of the first loop iteration that finds nothing
   * ready after it collected what was posted, the sockets that are ready and the timers that are
   * due, where the loop would otherwise wait for work (or jump a virtual clock); every task
   * awaiting it then resumes in that iteration, in the order they began to wait. A background
   * call that is still running does not keep it waiting: the call is not a ready callback.
   *
   * <p>Always a suspension point.
   *
   * @return the coroutine, to pass to {@link #await(Coroutine)} or {@link #runInForeground}
   */
  public static Coroutine<Void> untilIdle() {
    return UNTIL_IDLE;
  }

  private static final Coroutine<Void> UNTIL_IDLE =
      () -> {
        requireTask("untilIdle").untilIdle();
        return null;
      };

  /**
   * A coroutine that sleeps for {@code delay} on the loop's clock; {@link Duration#ZERO} (or a
   * negative delay) yields once to the loop, so that every other ready task runs one step.
   *
   * <p>Awaiting it is always a suspension point.
   *
   * @param delay how long
   * @return the coroutine, to pass to {@link #await(Coroutine)} or {@link #runInForeground}
   * @throws NullPointerException if {@code delay} is null
   */
  public static Coroutine<Void> sleep(Duration delay) {
    return sleep(delay, null);
  }

  /**
   * A coroutine that sleeps for {@code delay} on the loop's clock and then returns {@code
   * result}.
   *
   * @param delay how long; zero or negative: yield once to the loop
   * @param result what the coroutine returns
   * @param <T> the result type
   * @return the coroutine
   * @throws NullPointerException if {@code delay} is null
   */
  @SuppressWarnings("unchecked")
  public static <T> Coroutine<T> sleep(Duration delay, T result) {
    Objects.requireNonNull(delay, "delay");
    long nanos = EventLoop.saturatedNanos(delay);
    if (nanos == 0) {
      return result == null
          ? (Coroutine<T>) YIELD
          : () -> {
            requireTask("sleep").yieldOnce();
            return result;
          };
    }
    return new CoroutineTask.Sleeper<>(nanos, result);
  }

  /**
   * asyncio's {@code wait} until every task is done. Never cancels anything.
   *
   * @param tasks the tasks, of the calling task's loop
   * @return the done and pending tasks
   * @throws NullPointerException if {@code tasks} or one of them is null
   * @throws IllegalArgumentException if {@code tasks} is empty
   */
  public static Coroutine<WaitResult> waitTasks(Collection<? extends Task<?>> tasks) {
    return waitTasks(tasks, null, ReturnWhen.ALL_COMPLETED);
  }

  /**
   * asyncio's {@code wait} until every task is done or {@code timeout} has passed. Never cancels
   * anything: on timeout the unfinished tasks are returned as pending.
   *
   * @param tasks the tasks, of the calling task's loop
   * @param timeout the longest wait; null for none
   * @return the done and pending tasks
   * @throws NullPointerException if {@code tasks} or one of them is null
   * @throws IllegalArgumentException if {@code tasks} is empty
   */
  public static Coroutine<WaitResult> waitTasks(
      Collection<? extends Task<?>> tasks, Duration timeout) {
    return waitTasks(tasks, timeout, ReturnWhen.ALL_COMPLETED);
  }

  /**
   * asyncio's {@code wait}: suspends until {@code when} is met or {@code timeout} has passed, and
   * returns which tasks are done and which are pending. Never cancels anything. Like asyncio's, it
   * suspends at least one hop even when the tasks are already done.
   *
   * @param tasks the tasks, of the calling task's loop; duplicates count once
   * @param timeout the longest wait; null for none
   * @param when when to return
   * @return a coroutine giving the done and pending tasks, each in the order given
   * @throws NullPointerException if {@code tasks}, one of them, or {@code when} is null
   * @throws IllegalArgumentException if {@code tasks} is empty
   * @throws IllegalStateException when awaited outside a task, or if a task belongs to another
   *     loop
   */
  public static Coroutine<WaitResult> waitTasks(
      Collection<? extends Task<?>> tasks, Duration timeout, ReturnWhen when) {
    List<AbstractFuture<?>> fs = futures(tasks, "tasks");
    Objects.requireNonNull(when, "when");
    if (fs.isEmpty()) {
      throw new IllegalArgumentException("waitTasks() needs at least one task: tasks is empty");
    }
    return () -> Tasks.waitTasks(fs, timeout, when);
  }

  /**
   * asyncio's {@code wait_for}: awaits {@code task} for at most {@code timeout}. On timeout the
   * task is cancelled, waited for until it has finished, and {@link
   * java.util.concurrent.TimeoutException} is thrown (unless the task swallowed the cancellation
   * and returned a value: then that value is returned). Cancelling the caller cancels the task.
   *
   * @param task the task
   * @param timeout the longest wait; null for none; zero or negative: cancel at once unless done
   * @param <T> its result type
   * @return a coroutine giving the task's result
   * @throws NullPointerException if {@code task} is null
   */
  public static <T> Coroutine<T> waitFor(Task<T> task, Duration timeout) {
    Objects.requireNonNull(task, "task");
    AbstractFuture<T> f = future(task);
    return () -> Tasks.waitFor(f, timeout);
  }

  /**
   * asyncio's {@code wait_for} of a coroutine: when awaited, runs {@code target} as a new task
   * and awaits it for at most {@code timeout} (with no timeout, it runs inline); see {@link
   * #waitFor(Task, Duration)}.
   *
   * @param target the coroutine
   * @param timeout the longest wait; null for none
   * @param <T> its result type
   * @return a coroutine giving the result
   * @throws NullPointerException if {@code target} is null
   */
  public static <T> Coroutine<T> waitFor(Coroutine<T> target, Duration timeout) {
    Objects.requireNonNull(target, "target");
    return () -> {
      CoroutineTask<?> self = requireTask("waitFor");
      if (timeout == null) {
        return target.run();
      }
      CoroutineTask<T> task = new CoroutineTask<>(self.loop, target);
      self.loop.scheduleStep(task);
      return Tasks.waitFor(task, timeout);
    };
  }

  /**
   * asyncio's {@code gather}: awaits every task and returns their results in argument order. The
   * first failure is thrown as it happens, and the other tasks go on. Cancelling the caller
   * cancels the tasks. An empty list gives an empty result without suspending.
   *
   * @param tasks the tasks, of the calling task's loop
   * @param <T> the common result type
   * @return a coroutine giving the results, in the order of {@code tasks}
   * @throws NullPointerException if {@code tasks} or one of them is null
   */
  public static <T> Coroutine<List<T>> gather(List<? extends Task<? extends T>> tasks) {
    List<AbstractFuture<? extends T>> fs = new ArrayList<>();
    Objects.requireNonNull(tasks, "tasks");
    for (Task<? extends T> t : tasks) {
      fs.add(future(Objects.requireNonNull(t, "tasks contains null")));
    }
    return () -> Tasks.gather(fs);
  }

  /**
   * asyncio's {@code shield}: awaits {@code task} as {@link #await(Task)} does, except that
   * cancelling the calling task does not cancel {@code task}. The caller still gets a {@link
   * java.util.concurrent.CancellationException} out of this await, and {@code task} goes on to
   * its end; its outcome can be taken later, by awaiting it again.
   *
   * <pre>{@code
   * Task<Receipt> payment = scheduleCoroutine(pay(order));
   * Receipt r = await(shield(payment));   // a cancel of this task leaves the payment running
   * }</pre>
   *
   * <p>The inner's outcome propagates: its value, its own exception object, or, if {@code task}
   * itself is cancelled (by other means), a {@link java.util.concurrent.CancellationException} in
   * the caller. When awaited, a suspension point unless {@code task} is already done; the caller
   * resumes two loop hops after {@code task} completes, as in asyncio.
   *
   * <p>Differences from asyncio: {@code shield} gives a coroutine, set up when it is awaited (or
   * run with {@link #runInForeground(Coroutine)}), not a future made at the call; and a cancelled
   * inner task reaches the caller as the inner's own {@link
   * java.util.concurrent.CancellationException}, not a new one.
   *
   * @param task the task to protect from the caller's cancellation
   * @param <T> its result type
   * @return a coroutine giving the task's result
   * @throws NullPointerException if {@code task} is null
   * @throws IllegalArgumentException if {@code task} was not made by fgbg
   * @throws IllegalStateException when awaited outside a task, or in a task of another loop than
   *     {@code task}'s
   */
  public static <T> Coroutine<T> shield(Task<T> task) {
    Objects.requireNonNull(task, "task");
    AbstractFuture<T> f = future(task);
    return () -> Shield.await(f);
  }

  /**
   * asyncio's {@code as_completed}: one coroutine for each distinct task, each of which, awaited
   * in turn, gives the next result in the order the tasks complete (or throws the next failure, as
   * the task's own exception object).
   *
   * <pre>{@code
   * for (Coroutine<Page> next : asCompleted(downloads, ofSeconds(10))) {
   *   Page page = await(next);   // the first download to finish, then the second, ...
   * }
   * }</pre>
   *
   * <p>The tasks are watched from this call on: tasks that finish before their coroutine is
   * awaited wait in a queue, in completion order (tasks already done at the call come first, in the
   * order given). Duplicates count once (tasks are compared by identity), so there are exactly as
   * many coroutines as distinct tasks; an empty collection gives an empty iterable. With a timeout,
   * one timer starts at this call: once it fires, each coroutine still to come throws {@link
   * java.util.concurrent.TimeoutException}, and the unfinished tasks go on (nothing is cancelled).
   * Awaiting a coroutine is a suspension point unless a completion is already queued; the caller
   * resumes two loop hops after the task completes, as in asyncio. Each coroutine may be awaited
   * once, from any task of the tasks' loop.
   *
   * <p>Differences from asyncio: the tasks are watched and the timer starts when this method is
   * called, not at the first step of the iteration (the same in a {@code for} loop); tasks already
   * done come in the order given, where asyncio's order is that of a set.
   *
   * @param tasks the tasks, all of one loop
   * @param timeout the longest wait for all of them, from now; null for none
   * @param <T> the common result type
   * @return the coroutines, as many as distinct tasks
   * @throws NullPointerException if {@code tasks} or one of them is null
   * @throws IllegalArgumentException if a task was not made by fgbg
   * @throws IllegalStateException if the tasks belong to different loops, or their loop is closed
   *     or running in another thread; a coroutine, when awaited outside a task, in a task of
   *     another loop, or a second time
   */
  public static <T> Iterable<Coroutine<T>> asCompleted(
      Collection<? extends Task<? extends T>> tasks, Duration timeout) {
    Objects.requireNonNull(tasks, "tasks");
    List<AbstractFuture<? extends T>> fs = new ArrayList<>(tasks.size());
    for (Task<? extends T> t : tasks) {
      fs.add(future(Objects.requireNonNull(t, "tasks contains null")));
    }
    return AsCompleted.start(fs, timeout);
  }

  // ------------------------------------------------------------------ timeouts and task groups

  /**
   * asyncio 3.11's {@code timeout(delay)}: runs {@code body} inline in the calling task, and
   * cancels the task if the body is still running {@code delay} after it began.
   *
   * <pre>{@code
   * try {
   *   await(timeout(ofSeconds(5), () -> await(fetch(url))));
   * } catch (TimeoutException e) {
   *   // the body was cancelled at the deadline; its cleanup has run
   * }
   * }</pre>
   *
   * <p>At the deadline the task is cancelled: inside the body the {@code await} it is suspended in
   * throws {@link java.util.concurrent.CancellationException}, cleanup runs, and once the body has
   * ended with that exception the coroutine throws {@link java.util.concurrent.TimeoutException}
   * with it as the cause. Scopes nest as asyncio's do: each converts only the cancellation it
   * caused (see {@link Task#cancelling()}), so a cancel from elsewhere (an outer scope, {@link
   * Task#cancel()}) goes through as a CancellationException. No new task is made. A deadline
   * already past (zero or negative delay) cancels the task at its first suspension.
   *
   * <p>A suspension point wherever {@code body} is one; it adds none of its own.
   *
   * <p>Differences from asyncio: the scope is a coroutine around the body, not an {@code async
   * with} block, so the scope object ({@code when()}, {@code reschedule()}, {@code expired()}) is
   * not handed out; each await of the returned coroutine is a new scope, its deadline {@code
   * delay} from then.
   *
   * @param delay how long the body may run, from when the coroutine is awaited; null for no limit
   * @param body the code to run
   * @param <T> its result type
   * @return a coroutine giving the body's result
   * @throws NullPointerException if {@code body} is null
   */
  public static <T> Coroutine<T> timeout(Duration delay, Coroutine<T> body) {
    Objects.requireNonNull(body, "body");
    return () -> Timeout.after(requireTask("timeout").loop, delay).run(body);
  }

  /**
   * asyncio 3.11's {@code timeout_at(when)}: {@link #timeout(Duration, Coroutine)} with the
   * deadline at {@code when} on the loop's clock ({@link EventLoop#time()}).
   *
   * <pre>{@code
   * Duration deadline = EventLoop.current().time().plusSeconds(10);
   * await(timeoutAt(deadline, () -> await(step1())));
   * await(timeoutAt(deadline, () -> await(step2())));   // the same deadline for both
   * }</pre>
   *
   * <p>A suspension point wherever {@code body} is one; it adds none of its own.
   *
   * @param when the deadline on the loop's clock; null for none; a time already past cancels the
   *     task at its first suspension
   * @param body the code to run
   * @param <T> its result type
   * @return a coroutine giving the body's result; it throws {@link
   *     java.util.concurrent.TimeoutException} as {@link #timeout(Duration, Coroutine)} does
   * @throws NullPointerException if {@code body} is null
   */
  public static <T> Coroutine<T> timeoutAt(Duration when, Coroutine<T> body) {
    Objects.requireNonNull(body, "body");
    return () -> new Timeout(when).run(body);
  }

  /**
   * asyncio 3.11's {@code TaskGroup}: runs {@code body} inline in the calling task with a new
   * group to start child tasks in, then waits until every child is done.
   *
   * <pre>{@code
   * List<String> pages = await(taskGroup(group -> {
   *   Task<String> a = group.start(fetch(urlA));
   *   Task<String> b = group.start(fetch(urlB));
   *   await(sleep(ofMillis(10)));
   *   return List.of();                // returns once a and b are done
   * }));
   * }</pre>
   *
   * <p>The first failure of a child or of the body cancels the body (where it waits) and every
   * other child, waits for them all, then is thrown itself, with the failures that came after it
   * added as suppressed ({@link Throwable#getSuppressed()}); the cancellations the group caused are
   * not failures, and the task goes on after the group as if it had not been cancelled. Cancelling
   * the task cancels the group: the body and every child are cancelled, and once all are done the
   * {@link java.util.concurrent.CancellationException} is thrown (unless a child failed meanwhile:
   * then that failure is). Once the group is shutting down (a failure, a cancel, or the body and
   * children done), {@link TaskGroup#start} throws {@link IllegalStateException}.
   *
   * <p>A suspension point wherever {@code body} is one, and at the end while children are not
   * done.
   *
   * <p>Differences from asyncio: no {@code ExceptionGroup}: the first failure is thrown, the others
   * are suppressed in it; asyncio's special case for {@code KeyboardInterrupt} and {@code
   * SystemExit} has no Java counterpart (an {@link Error} is a failure like any other).
   *
   * @param body the body, handed the group
   * @param <T> its result type
   * @return a coroutine giving the body's result, once every child is done
   * @throws NullPointerException if {@code body} is null
   */
  public static <T> Coroutine<T> taskGroup(TaskGroupBody<T> body) {
    Objects.requireNonNull(body, "body");
    return () -> new LoopTaskGroup(requireTask("taskGroup")).run(body);
  }

  // ------------------------------------------------------------------ jobs

  /**
   * The tasks of the calling thread's loop that are not done, in the order they were made.
   *
   * @return an unmodifiable snapshot
   * @throws IllegalStateException if the loop is running in another thread
   */
  public static Set<Task<?>> allTasks() {
    return allTasks(null);
  }

  /**
   * The tasks of {@code loop} that are not done, in the order they were made.
   *
   * @param loop the loop; null for the calling thread's
   * @return an unmodifiable snapshot
   * @throws IllegalStateException if the loop is running in another thread
   */
  public static Set<Task<?>> allTasks(EventLoop loop) {
    EventLoop l = loop == null ? EventLoop.current() : loop;
    if (l.isClosed()) {
      return Set.of();
    }
    return l.onLoop(l.jobs::pendingTasks);
  }

  /**
   * Prints the calling thread's loop's job table on {@code System.out}, like a shell's {@code
   * jobs}; see {@link #jobs(EventLoop)}. Never waits for the loop.
   */
  public static void jobs() {
    jobs(null);
  }

  /**
   * Prints the job table of {@code loop} on {@code System.out}, like a shell's {@code jobs}: one
   * line per task that is not done, and per finished job not yet reported, in job-number order.
   * Never suspends.
   *
   * <pre>
   * [1]   Waiting  8.0 s  ticker  sleep of ticker
   * [2]-  Running  3.0 s  Task-2  call running in fgbg-background-1
   * [5]+  Done     4.0 s  Task-5
   * [7]   Failed   0.5 s  Task-7  IOException: connection reset
   * </pre>
   *
   * <p>Columns: the job number (the N of "Task-N") with bash's marks, {@code +} for the most
   * recent background job (a task made from plain code, between foreground runs) and {@code -}
   * for the one before; the state; the age on the loop's clock; the name; and what a waiting task
   * awaits, or what a failed one threw. States: {@code Pending} (not started), {@code Ready} (its
   * next step is queued), {@code Running}, {@code Waiting}, and for finished jobs {@code Done},
   * {@code Failed}, {@code Cancelled}. As in bash, the finished jobs listed count as reported: the
   * next foreground run does not report them again.
   *
   * <p>Never waits for the loop: while it runs in another thread, or a step holds it after an
   * interrupted run, the table is a copy read without it (finished jobs listed then stay
   * unreported), and the task whose step holds the loop is shown as {@code Stuck}, with how long
   * and where: {@code [2]  Stuck  63.2 s  Task-2  holding the loop for 61.9 s without awaiting,
   * at Spin.run(Spin.java:3)}.
   *
   * @param loop the loop; null for the calling thread's
   */
  public static void jobs(EventLoop loop) {
    EventLoop l = loopOrCurrent(loop);
    String table = jobsTable(l);
    System.out.print(table);
    System.out.flush();
  }

  /** The job table of {@code loop} as {@link #jobs(EventLoop)} prints it (empty once closed). */
  static String jobsTable(EventLoop loop) {
    if (loop.isClosed()) {
      return "";
    }
    String table = loop.onLoopIfFree(loop.jobs::table);
    return table != null ? table : loop.jobsTableWithoutBaton(); // never waits for the loop
  }

  /**
   * Prints every task of the calling thread's loop with what it awaits and its stack, on {@code
   * System.out}; see {@link #ps(EventLoop)}. Never waits for the loop; never suspends.
   */
  public static void ps() {
    ps(null);
  }

  /**
   * Prints every task of {@code loop} that is not done, on {@code System.out}: one line per task
   * in job order, followed by its stack, for a test or a program that seems stuck.
   *
   * <pre>
   * [1]   Waiting  0.4 s  ticker  sleep until 3.000 s
   *         at Ticker.lambda$main$0(Ticker.java:12)
   *         ... and 9 frames of fgbg and the JDK
   * [2]*  Running  0.4 s  Task-2  holds the loop
   *         at Main.lambda$main$1(Main.java:20)
   *         ... and 6 frames of fgbg and the JDK
   * [3]   Waiting  0.1 s  Task-3  Task-4
   *         at Main.lambda$main$2(Main.java:25)
   *         ... and 7 frames of fgbg and the JDK
   * [4]   Running  0.1 s  Task-4  call running in fgbg-background-1
   *         at Main.load(Main.java:31)
   *         ... and 5 frames of fgbg and the JDK
   * </pre>
   *
   * <p>Columns: the job number, marked {@code *} for the task whose step holds the loop now; the
   * state in {@link #jobs()}'s words ({@code Pending}, {@code Ready}, {@code Running}, {@code
   * Waiting}, and {@code Stuck} for a step seen holding the loop without awaiting); the age, in
   * real time since the task was made (on a virtual clock too); the name; and what it awaits:
   * {@code sleep until} its deadline on the loop's clock, the name of the task it awaits, {@code
   * read from ...} of a stream, {@code call running in} a thread for a background call, a queue or
   * a lock, as the job table names them. The stack follows, indented: a coroutine's is its
   * virtual thread's, a background call's that of the thread running the call; the frames of the
   * program come first, top first, and those of fgbg and the JDK below them are counted, not
   * shown. A task not started yet, or one that follows a stage, has no stack.
   *
   * <p>Never waits for the loop: while it runs in another thread, or a step holds it, the listing
   * is a copy read without it, which may be a moment old. Safe from any thread.
   *
   * @param loop the loop; null for the calling thread's
   */
  public static void ps(EventLoop loop) {
    String text = Ps.text(loopOrCurrent(loop));
    System.out.print(text);
    System.out.flush();
  }

  /**
   * The task with job number {@code n} (the N of its default name "Task-N") on the calling
   * thread's loop; see {@link #job(long, EventLoop)}.
   *
   * @param n the job number
   * @return the task
   * @throws IllegalArgumentException if there is no such job
   * @throws IllegalStateException if the loop is running in another thread
   */
  public static Task<?> job(long n) {
    return job(n, null);
  }

  /**
   * The task with job number {@code n} (the N of its default name "Task-N") on {@code loop}: a
   * task that is not done, or a finished one that is still remembered (until it has been reported
   * by a job notice or {@link #jobs()}, and then among the last few reported), so that after a
   * notice {@code [3]  Failed ...} the failure can be read with {@code job(3).exception()}. Job
   * numbers are {@code long}s: they never wrap, however many tasks a loop makes. Never suspends.
   *
   * @param n the job number
   * @param loop the loop; null for the calling thread's
   * @return the task
   * @throws IllegalArgumentException if there is no such job: "no such job: 7"
   * @throws IllegalStateException if the loop is running in another thread
   */
  public static Task<?> job(long n, EventLoop loop) {
    EventLoop l = loopOrCurrent(loop);
    AbstractTask<?> task = l.isClosed() ? null : l.onLoop(() -> l.jobs.find(n));
    if (task == null) {
      throw new IllegalArgumentException("no such job: " + n);
    }
    return task;
  }

  /**
   * The task whose body is running on the calling thread.
   *
   * @return the task, or null outside a task (in plain code, or in a callback)
   */
  public static Task<?> currentTask() {
    CoroutineTask<?> task = EventLoop.TASK.get();
    return task != null && task.loop.currentTask() == task ? task : null;
  }

  // ------------------------------------------------------------------ TCP streams

  /**
   * A coroutine that starts a TCP server on the loop of the task that runs it: asyncio's {@code
   * start_server}. The server accepts connections from the moment the coroutine returns, while the
   * loop runs, and serves each with {@code handler}, as a new task on that loop.
   *
   * <pre>{@code
   * Server server = runInForeground(startServer(handler, "", 0)); // "" and 0: any interface, any port
   * System.out.println(server.port());
   * }</pre>
   *
   * @param handler what to do with each connection
   * @param host the address or name to listen on; "" or null for all interfaces
   * @param port the port; 0 for an ephemeral one (read it back with {@link Server#port()})
   * @return the coroutine; it suspends only while a host name (not an address) is resolved, and
   *     throws the {@link java.io.IOException} of a failed bind (such as {@link
   *     java.net.BindException})
   * @throws NullPointerException if {@code handler} is null
   * @throws IllegalArgumentException if {@code port} is not in 0..65535
   */
  public static Coroutine<Server> startServer(ConnectionHandler handler, String host, int port) {
    return startServer(handler, host, port, Streams.DEFAULT_LIMIT);
  }

  /**
   * Like {@link #startServer(ConnectionHandler, String, int)}, with the readers' limit in bytes:
   * the longest line or separator search they accept, and the size their buffers stay near.
   *
   * @param handler what to do with each connection
   * @param host the address or name to listen on; "" or null for all interfaces
   * @param port the port; 0 for an ephemeral one
   * @param limit the readers' limit in bytes (64 KiB by default)
   * @return the coroutine; it suspends only while a host name (not an address) is resolved, and
   *     throws the {@link java.io.IOException} of a failed bind
   * @throws NullPointerException if {@code handler} is null
   * @throws IllegalArgumentException if {@code port} is not in 0..65535 or {@code limit} is not
   *     positive
   */
  public static Coroutine<Server> startServer(
      ConnectionHandler handler, String host, int port, int limit) {
    return Streams.startServer(handler, host, port, limit);
  }

  /**
   * A coroutine that opens a TCP connection: asyncio's {@code open_connection}. It suspends its
   * task while the name is resolved and the connection is made.
   *
   * <pre>{@code
   * Connection c = await(openConnection("localhost", port));
   * }</pre>
   *
   * @param host the peer's address or name; "" or null for this machine
   * @param port the peer's port
   * @return the coroutine; it throws {@link java.net.ConnectException} if the connection is
   *     refused, {@link java.net.UnknownHostException} if the name does not resolve
   * @throws IllegalArgumentException if {@code port} is not in 0..65535
   */
  public static Coroutine<Connection> openConnection(String host, int port) {
    return openConnection(host, port, Streams.DEFAULT_LIMIT);
  }

  /**
   * Like {@link #openConnection(String, int)}, with the reader's limit in bytes.
   *
   * @param host the peer's address or name; "" or null for this machine
   * @param port the peer's port
   * @param limit the reader's limit in bytes (64 KiB by default)
   * @return the coroutine; it throws {@link java.net.ConnectException} if the connection is
   *     refused
   * @throws IllegalArgumentException if {@code port} is not in 0..65535 or {@code limit} is not
   *     positive
   */
  public static Coroutine<Connection> openConnection(String host, int port, int limit) {
    return Streams.openConnection(host, port, limit);
  }

  // ------------------------------------------------------------------ subprocesses

  /**
   * A coroutine that starts {@code argv} as a child process, without a shell, with {@link
   * SubprocessOptions#defaults()} (its stdin, stdout and stderr are the JVM's): asyncio's {@code
   * create_subprocess_exec}. See {@link #createSubprocessExec(List, SubprocessOptions)}.
   *
   * <pre>{@code
   * Subprocess sleeper = runInForeground(createSubprocessExec(List.of("sleep", "10")));
   * jobs();   // [2]  Running  0.0 s  Task-2  pid 4242: sleep 10
   * }</pre>
   *
   * @param argv the program (looked up on the {@code PATH}) and its arguments
   * @return the coroutine; it never suspends, gives the running child, and throws an {@link
   *     java.io.IOException} naming the command if it cannot start ("cannot start nosuch: No such
   *     file or directory"), or {@link IllegalStateException} outside a task
   * @throws NullPointerException if {@code argv} is or holds null
   * @throws IllegalArgumentException if {@code argv} is empty
   */
  public static Coroutine<Subprocess> createSubprocessExec(List<String> argv) {
    return Subprocesses.exec(argv, SubprocessOptions.defaults());
  }

  /**
   * A coroutine that starts {@code argv} as a child process, without a shell: asyncio's {@code
   * create_subprocess_exec}. The child is started by the task that runs the coroutine and belongs
   * to that task's loop; it runs on its own from then on, whether or not the loop runs.
   *
   * <pre>{@code
   * Subprocess cat = await(createSubprocessExec(List.of("cat"), SubprocessOptions.pipes()));
   * cat.stdin().write("hello\n");
   * cat.stdin().close();
   * await(cat.stdout().readLine());   // "hello"
   * await(cat.waitExit());            // 0
   * }</pre>
   *
   * <p>The child is a job: {@link #jobs()} lists it while it runs, with its PID and command;
   * cancelling the task of its {@link Subprocess#waitExit()} terminates it (SIGTERM, then SIGKILL
   * after 2 s), and {@link EventLoop#close()} ends the children still running. Its streams started
   * as pipes are read and written through the loop, as sockets are (see {@link Subprocess}).
   *
   * @param argv the program (looked up on the {@code PATH}) and its arguments
   * @param options where the child's streams go, its directory and environment
   * @return the coroutine; it never suspends, gives the running child, and throws an {@link
   *     java.io.IOException} naming the command if it cannot start, or {@link
   *     IllegalStateException} outside a task
   * @throws NullPointerException if {@code argv} is or holds null, or {@code options} is null
   * @throws IllegalArgumentException if {@code argv} is empty
   */
  public static Coroutine<Subprocess> createSubprocessExec(
      List<String> argv, SubprocessOptions options) {
    return Subprocesses.exec(argv, options);
  }

  /**
   * A coroutine that runs {@code command} with {@code /bin/sh -c}, with {@link
   * SubprocessOptions#defaults()}: asyncio's {@code create_subprocess_shell}. See {@link
   * #createSubprocessShell(String, SubprocessOptions)}.
   *
   * @param command the shell command line
   * @return the coroutine; it never suspends and gives the running shell; a command the shell
   *     cannot find makes it exit with 127, as in a shell; it throws {@link IllegalStateException}
   *     outside a task
   * @throws NullPointerException if {@code command} is null
   */
  public static Coroutine<Subprocess> createSubprocessShell(String command) {
    return Subprocesses.shell(command, SubprocessOptions.defaults());
  }

  /**
   * A coroutine that runs {@code command} with {@code /bin/sh -c}: asyncio's {@code
   * create_subprocess_shell}. The child is the shell, a job as {@link
   * #createSubprocessExec(List, SubprocessOptions)} describes; the processes the shell starts are
   * its children, which signals to the job do not reach (the JDK has no process groups): {@code
   * exec} in the command line makes the program the job itself.
   *
   * <pre>{@code
   * Subprocess sh = await(createSubprocessShell("ls | wc -l", SubprocessOptions.pipes()));
   * Output out = await(sh.communicate(null));
   * }</pre>
   *
   * @param command the shell command line
   * @param options where the shell's streams go, its directory and environment
   * @return the coroutine; it never suspends and gives the running shell; it throws {@link
   *     IllegalStateException} outside a task
   * @throws NullPointerException if {@code command} or {@code options} is null
   */
  public static Coroutine<Subprocess> createSubprocessShell(
      String command, SubprocessOptions options) {
    return Subprocesses.shell(command, options);
  }

  // ------------------------------------------------------------------ TLS, Unix sockets, datagrams

  /**
   * A coroutine that opens a TLS connection: asyncio's {@code open_connection(host, port,
   * ssl=context)}. It connects as {@link #openConnection(String, int)} does, then makes the TLS
   * handshake; the reader and writer it returns behave as a plain connection's (limits, drain,
   * the end of the stream once the peer's close_notify arrives), and the writer's {@code close()}
   * sends close_notify. The server name sent (SNI) is {@code host}, and the server's certificate
   * must name it, by the rules of HTTPS: a host name among its DNS names, an IP literal among its IP
   * addresses. TLS 1.2 and 1.3, as {@code tls} enables them; no renegotiation.
   *
   * <pre>{@code
   * Connection c = await(openConnection("example.org", 443, SSLContext.getDefault()));
   * }</pre>
   *
   * @param host the server's name or IP literal, which its certificate must name
   * @param port the server's port
   * @param tls the context: its trust managers decide which certificates are trusted
   * @return the coroutine; it suspends while the name is resolved, the connection made and the
   *     handshake done, and throws {@link javax.net.ssl.SSLException} if the handshake fails (a
   *     certificate that is not trusted or does not name {@code host}, a peer that does not speak
   *     TLS) or takes longer than 60 s (asyncio's {@code ssl_handshake_timeout}), {@link
   *     java.net.ConnectException} if the connection is refused
   * @throws NullPointerException if {@code tls} is null
   * @throws IllegalArgumentException if {@code port} is not in 0..65535, or {@code host} is null
   *     or empty (there is no name to check the certificate against)
   */
  public static Coroutine<Connection> openConnection(
      String host, int port, javax.net.ssl.SSLContext tls) {
    Objects.requireNonNull(tls, "tls");
    return Streams.openConnection(host, port, Streams.DEFAULT_LIMIT, tls);
  }

  /**
   * A coroutine that starts a TLS server: asyncio's {@code start_server(..., ssl=context)}. Each
   * connection makes its TLS handshake first; {@code handler} runs, as a new task, once it has
   * succeeded, with a reader and writer that behave as a plain connection's. A failed handshake
   * (a client that does not speak TLS, or refuses the certificate) closes that connection alone;
   * as in asyncio, it is reported to the loop's exception handler only in debug mode. A handshake
   * that takes longer than 60 s fails.
   *
   * @param handler what to do with each connection, once its handshake is done
   * @param host the address or name to listen on; "" or null for all interfaces
   * @param port the port; 0 for an ephemeral one
   * @param tls the context: its key managers hold the server's certificate and key
   * @return the coroutine; it suspends only while a host name is resolved, and throws the {@link
   *     java.io.IOException} of a failed bind
   * @throws NullPointerException if {@code handler} or {@code tls} is null
   * @throws IllegalArgumentException if {@code port} is not in 0..65535
   */
  public static Coroutine<Server> startServer(
      ConnectionHandler handler, String host, int port, javax.net.ssl.SSLContext tls) {
    Objects.requireNonNull(tls, "tls");
    return Streams.startServer(handler, host, port, Streams.DEFAULT_LIMIT, tls);
  }

  /**
   * A coroutine that upgrades an open connection to TLS in place: asyncio's {@code start_tls}
   * (also {@link StreamWriter#startTls}). It first drains what was written in the clear, then
   * makes the handshake on the same socket, as a client if the connection was opened with {@code
   * openConnection}, as a server if a server accepted it. From then on the same reader and writer
   * carry TLS. Bytes the reader had received but not read yet count as the start of the TLS
   * stream (so plain text a peer pipelined after its STARTTLS command fails the handshake rather
   * than being read as if it had come over TLS).
   *
   * <pre>{@code
   * writer.write("STARTTLS\n");
   * await(reader.readLine());                        // the server's go-ahead
   * await(startTls(writer, context, "mail.example.org"));
   * }</pre>
   *
   * @param writer the writer of the connection
   * @param tls the context
   * @param serverName a client's: the name sent (SNI) and checked against the certificate by the
   *     rules of HTTPS; null for neither (asyncio's {@code server_hostname=''}); a server's side
   *     does not use it
   * @return the coroutine; it suspends for the drain and the handshake, and throws {@link
   *     javax.net.ssl.SSLException} if the handshake fails or takes longer than 60 s (the
   *     connection is closed then), {@link IllegalStateException} if the connection is closed
   * @throws NullPointerException if {@code writer} or {@code tls} is null
   * @throws IllegalArgumentException if {@code writer} is not the writer of a socket connection
   *     made by fgbg
   */
  public static Coroutine<Void> startTls(
      StreamWriter writer, javax.net.ssl.SSLContext tls, String serverName) {
    return Tls.startTls(writer, tls, serverName, SSLProtocol.HANDSHAKE_TIMEOUT_NANOS);
  }

  /**
   * A coroutine that starts a server on a Unix domain socket: asyncio's {@code start_unix_server}.
   * It serves as {@link #startServer(ConnectionHandler, String, int)} does; its writers' {@code
   * peerAddress()} is null and its {@code port()} throws {@link IllegalStateException} ({@code
   * addresses()} is empty). A socket file already at {@code path} is taken as stale and replaced
   * (asyncio 3.13); the server removes the file when it closes.
   *
   * @param handler what to do with each connection
   * @param path the socket file to make
   * @return the coroutine; it does not suspend, and throws {@link java.net.BindException} (an
   *     {@link java.io.IOException}) if another kind of file is at {@code path}, the {@code
   *     IOException} of a path that cannot be made
   * @throws NullPointerException if {@code handler} or {@code path} is null
   */
  public static Coroutine<Server> startUnixServer(
      ConnectionHandler handler, java.nio.file.Path path) {
    return UnixStreams.startServer(handler, path, Streams.DEFAULT_LIMIT);
  }

  /**
   * A coroutine that opens a connection to a Unix domain socket: asyncio's {@code
   * open_unix_connection}. The writer's {@code peerAddress()} is null.
   *
   * @param path the server's socket file
   * @return the coroutine; it suspends while the connection is made, and throws the {@link
   *     java.io.IOException} of a failed connect: {@link java.net.ConnectException} if nobody
   *     listens there, {@link java.net.SocketException} if there is no such file
   * @throws NullPointerException if {@code path} is null
   */
  public static Coroutine<Connection> openUnixConnection(java.nio.file.Path path) {
    return UnixStreams.openConnection(path, Streams.DEFAULT_LIMIT);
  }

  /**
   * A coroutine that opens a UDP endpoint: asyncio's {@code create_datagram_endpoint(local_addr=,
   * remote_addr=)}. With {@code local} it binds there (port 0: an ephemeral one); without it, to an
   * ephemeral port of every interface. With {@code remote} it is connected: {@code send(data)}
   * goes there, only its datagrams are received, and an ICMP error for it fails the next {@code
   * receive()}. An IPv4 address (of {@code local}, else of {@code remote}) makes an IPv4 socket.
   *
   * <pre>{@code
   * DatagramEndpoint client = await(openDatagramEndpoint(null, new InetSocketAddress("127.0.0.1", port)));
   * client.send("ping".getBytes());
   * Datagram reply = await(client.receive());
   * }</pre>
   *
   * @param local where to bind; null for an ephemeral port of every interface
   * @param remote where to connect; null for none
   * @return the coroutine; it does not suspend, and throws the {@link java.io.IOException} of a
   *     failed bind or connect
   */
  public static Coroutine<DatagramEndpoint> openDatagramEndpoint(
      java.net.InetSocketAddress local, java.net.InetSocketAddress remote) {
    return LoopDatagramEndpoint.open(local, remote);
  }

  // ------------------------------------------------------------------ helpers

  /** The task running on this thread, or a clear error saying to use runInForeground. */
  static CoroutineTask<?> requireTask(String what) {
    CoroutineTask<?> task = EventLoop.TASK.get();
    if (task == null || task.loop.currentTask() != task) {
      throw new IllegalStateException(
          what
              + "() can only be used inside a task: outside one, use runInForeground() to run the"
              + " loop until the work is done");
    }
    return task;
  }

  private static EventLoop loopOrCurrent(EventLoop loop) {
    return loop == null ? EventLoop.current() : loop;
  }

  private static <T> AbstractFuture<T> future(Task<T> task) {
    if (task instanceof AbstractFuture<?>) {
      @SuppressWarnings("unchecked")
      AbstractFuture<T> f = (AbstractFuture<T>) task;
      return f;
    }
    throw new IllegalArgumentException(
        "not a task made by fgbg: " + task.getClass().getName()
            + " (wrap other futures with runInBackground)");
  }

  private static List<AbstractFuture<?>> futures(Collection<? extends Task<?>> tasks, String name) {
    Objects.requireNonNull(tasks, name);
    List<AbstractFuture<?>> fs = new ArrayList<>(tasks.size());
    for (Task<?> t : tasks) {
      fs.add(future(Objects.requireNonNull(t, name + " contains null")));
    }
    return fs;
  }
}
