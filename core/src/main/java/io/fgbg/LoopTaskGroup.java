package io.fgbg;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;

/**
 * asyncio 3.11's {@code TaskGroup} ({@code Lib/asyncio/taskgroups.py}), ported with its flags and
 * hops, behind {@link Fgbg#taskGroup}: {@link #run} is {@code async with}, its exit is {@code
 * __aexit__}; {@code _abort}, {@code _on_task_done} and the parent's {@code uncancel()} are
 * asyncio's.
 *
 * <p>Thread regime: touched only by the thread holding the loop's baton: the parent task running
 * the body or waiting at exit, a child calling {@link #start}, the done callbacks of children.
 *
 * <p>Failures, shaped for Java: the first failure (a child's or the body's, in the order they
 * happened) is thrown itself, with the later ones added to it as suppressed, where asyncio raises
 * an {@code ExceptionGroup} of them all. A child that ends cancelled is not a failure, nor is the
 * {@link CancellationException} the group made in its parent to stop the body.
 */
final class LoopTaskGroup implements TaskGroup {
  private final EventLoop loop;
  /** The task that runs the body and waits for the children. */
  private final CoroutineTask<?> parentTask;
  private boolean exiting;
  /** Cancelling the children: no more may start. */
  private boolean aborting;
  /** The group cancelled its parent (a child failed): the exit withdraws that request. */
  private boolean parentCancelRequested;
  /** The children not yet done, in the order started. */
  private final Set<AbstractTask<?>> tasks = new LinkedHashSet<>();
  /** Failures, in the order they happened; null once thrown. */
  private List<Throwable> errors = new ArrayList<>();
  /** What the exit waits on until the last child is done. */
  private LoopFuture<Void> onCompletedFut;
  private final AbstractFuture.DoneCallback onTaskDone = this::onTaskDone;

  /** asyncio's {@code __aenter__}: the group of the calling task. */
  LoopTaskGroup(CoroutineTask<?> parentTask) {
    this.parentTask = parentTask;
    this.loop = parentTask.loop;
  }

  /** Runs {@code body} in the calling task, then waits for every child (asyncio's async with). */
  <T> T run(TaskGroupBody<T> body) throws Exception {
    T result = null;
    Throwable failure = null;
    try {
      result = body.run(this);
    } catch (Throwable e) {
      failure = e;
    }
    exit(failure);
    return result;
  }

  /** asyncio's {@code __aexit__}, given what the body threw (null if it returned). */
  private void exit(Throwable failure) throws Exception {
    exiting = true;
    if (failure != null && !(failure instanceof CancellationException)) {
      errors.add(failure); // in the order it happened: before any child that fails from now on
    }
    CancellationException propagateCancellation =
        failure instanceof CancellationException cancelled ? cancelled : null;
    if (parentCancelRequested) {
      // the group cancelled its parent: that request must be withdrawn
      if (parentTask.uncancel() == 0) {
        propagateCancellation = null; // no other request: the cancellation was the group's own
      }
    }
    if (failure != null && !aborting) {
      abort(); // the parent is being cancelled, or the body failed
    }
    while (!tasks.isEmpty()) {
      if (onCompletedFut == null) {
        onCompletedFut = new LoopFuture<>(loop, "taskGroup of " + parentTask.name());
      }
      try {
        parentTask.await(onCompletedFut);
      } catch (CancellationException e) {
        if (!aborting) {
          propagateCancellation = e; // the parent was cancelled while waiting for children
          abort();
        }
      }
      onCompletedFut = null;
    }
    List<Throwable> failures = errors;
    errors = null;
    if (propagateCancellation != null && failures.isEmpty()) {
      throw propagateCancellation;
    }
    if (!failures.isEmpty()) {
      throw Throwables.sneaky(firstWithTheOthersSuppressed(failures));
    }
  }

  private static Throwable firstWithTheOthersSuppressed(List<Throwable> failures) {
    Throwable first = failures.get(0);
    for (Throwable later : failures.subList(1, failures.size())) {
      if (later != first) {
        first.addSuppressed(later);
      }
    }
    return first;
  }

  @Override
  public <T> Task<T> start(Coroutine<T> child) {
    return start(child, null);
  }

  @Override
  public <T> Task<T> start(Coroutine<T> child, String name) {
    Objects.requireNonNull(child, "child");
    if (!loop.inLoop()) {
      throw new IllegalStateException(
          "TaskGroup.start() can only be used on its loop's thread: use it inside a task");
    }
    if (exiting && tasks.isEmpty()) {
      throw new IllegalStateException(
          "TaskGroup is shutting down: it is finished (its body and children are done)");
    }
    if (aborting) {
      throw new IllegalStateException(
          "TaskGroup is shutting down: it is cancelling its tasks (a failure, or a cancel)");
    }
    CoroutineTask<T> task = new CoroutineTask<>(loop, child);
    if (name != null) {
      task.setName(name);
    }
    loop.scheduleStep(task);
    task.markObserved(); // the group takes the outcome
    task.addCallback(onTaskDone);
    tasks.add(task);
    return task;
  }

  /** asyncio's {@code _abort}: cancels every child not done. */
  private void abort() {
    aborting = true;
    for (AbstractTask<?> t : List.copyOf(tasks)) {
      if (!t.isDone()) {
        t.cancelOnLoop();
      }
    }
  }

  /** asyncio's {@code _on_task_done}: a done callback of each child. */
  private void onTaskDone(AbstractFuture<?> future) {
    tasks.remove(future);
    if (onCompletedFut != null && tasks.isEmpty()) {
      onCompletedFut.setResultIfPending(null);
    }
    if (future.isCancelled()) {
      return;
    }
    Throwable failure = future.exception();
    if (failure == null) {
      return;
    }
    if (errors == null || parentTask.isDone()) { // asyncio: "not sure if this case is possible"
      loop.callExceptionHandler(
          ExceptionContext.of(
              "Task " + future.describe() + " has errored out but its parent task "
                  + parentTask.name() + " is already completed",
              failure,
              (Task<?>) future));
      return;
    }
    errors.add(failure);
    if (!aborting && !parentCancelRequested) {
      // stop the body where it waits; the exit withdraws this request (uncancel)
      abort();
      parentCancelRequested = true;
      parentTask.cancelOnLoop();
    }
  }

  /** The children not yet done (asyncio's {@code len(_tasks)}). */
  int taskCount() {
    return tasks.size();
  }

  /** {@code TaskGroup[tasks=2, errors=1, cancelling]}: asyncio's repr. */
  @Override
  public String toString() {
    List<String> info = new ArrayList<>();
    if (!tasks.isEmpty()) {
      info.add("tasks=" + tasks.size());
    }
    if (errors != null && !errors.isEmpty()) {
      info.add("errors=" + errors.size());
    }
    info.add(aborting ? "cancelling" : exiting && tasks.isEmpty() ? "finished" : "entered");
    return "TaskGroup" + info;
  }
}
