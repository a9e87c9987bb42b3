package io.fgbg;

import java.util.concurrent.CompletionStage;

/**
 * A task that follows a {@link CompletionStage} (asyncio's {@code wrap_future}): done through the
 * loop's inbox once the stage completes, with the stage's value or exception. Cancelling the task
 * cancels the stage, where the stage allows it.
 */
final class StageTask<T> extends AbstractTask<T> {
  private final CompletionStage<T> stage;

  /** A job (runInBackground of a stage): numbered and listed. */
  private StageTask(EventLoop loop, CompletionStage<T> stage) {
    super(loop);
    this.stage = stage;
  }

  /** A future that is only awaited (await of a stage): not a job; named "a CompletableFuture". */
  private StageTask(CompletionStage<T> stage, EventLoop loop) {
    super(loop, "a " + kind(stage));
    this.stage = stage;
  }

  /** The stage's class as a person names it: "CompletableFuture". */
  private static String kind(CompletionStage<?> stage) {
    String kind = stage.getClass().getSimpleName();
    return kind.isEmpty() ? "CompletionStage" : kind;
  }

  /** A task that follows {@code stage}. Baton holder only. */
  static <T> StageTask<T> follow(EventLoop loop, CompletionStage<T> stage, boolean isJob) {
    StageTask<T> task = isJob ? new StageTask<>(loop, stage) : new StageTask<>(stage, loop);
    stage.whenComplete(
        (value, failure) -> {
          Throwable cause = failure == null ? null : Throwables.unwrap(failure);
          loop.post(() -> task.completeUnlessDone(value, cause));
        });
    return task;
  }

  @Override
  boolean cancelOnLoop() {
    if (isDone()) {
      return false;
    }
    countCancelRequest();
    super.cancelOnLoop(); // with the request's message, if it has one

    try {
      stage.toCompletableFuture().cancel(true);
    } catch (UnsupportedOperationException notCancellable) {
      // a stage that cannot be cancelled goes on; its outcome is dropped
    }
    return true;
  }

  @Override
  String jobState() {
    return "Waiting";
  }

  @Override
  String jobDetail() {
    return "following a " + kind(stage);
  }

  @Override
  public String toString() {
    return "Task[" + name() + ", following " + stage + ", " + stateText() + "]";
  }
}
