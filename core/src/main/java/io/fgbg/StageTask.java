package io.fgbg;

import java.util.concurrent.CompletionStage;

/**
 * A task that follows a {@link CompletionStage} (asyncio's {@code wrap_future}): done through the
 * loop's inbox once the stage completes, with the stage's value or exception. Cancelling the task
 * cancels the stage, where the stage allows it.
 */
final class StageTask<T> extends AbstractFuture<T> implements Task<T> {
  private final String name; // null when only awaited, not a job of its own
  private final CompletionStage<T> stage;

  private StageTask(EventLoop loop, CompletionStage<T> stage, boolean isJob) {
    super(loop);
    this.stage = stage;
    this.name = isJob ? loop.registerTask(this) : null;
  }

  /** A task that follows {@code stage}. Baton holder only. */
  static <T> StageTask<T> follow(EventLoop loop, CompletionStage<T> stage, boolean isJob) {
    StageTask<T> task = new StageTask<>(loop, stage, isJob);
    stage.whenComplete(
        (value, failure) -> {
          Throwable cause = failure == null ? null : Throwables.unwrap(failure);
          loop.post(() -> task.completeUnlessDone(value, cause));
        });
    return task;
  }

  @Override
  boolean cancelOnLoop() {
    if (!super.cancelOnLoop()) {
      return false;
    }
    try {
      stage.toCompletableFuture().cancel(true);
    } catch (UnsupportedOperationException notCancellable) {
      // a stage that cannot be cancelled goes on; its outcome is dropped
    }
    return true;
  }

  @Override
  public String name() {
    return name == null ? "future" : name;
  }

  @Override
  String describe() {
    return name();
  }

  @Override
  public String toString() {
    return "Task[" + name() + ", following " + stage + ", " + stateText() + "]";
  }
}
