package io.fgbg.inspect;

import io.fgbg.EventLoop;
import java.util.List;

/**
 * The seam between this package and the loop's internals: implemented once, inside {@code
 * io.fgbg}, which hands its implementation to {@link LoopInspection#install} when that class is
 * first initialized. Users call {@link LoopInspection}, never this.
 *
 * <p>Each method takes the loop's baton for the length of one read (it waits for no run: a loop
 * running in another thread is an {@link IllegalStateException}); on a closed loop each answers
 * empty, or false.
 */
public interface LoopAccess {
  /**
   * See {@link LoopInspection#pendingTasks}.
   *
   * @param loop the loop, not null
   * @return the pending tasks
   */
  List<PendingTask> pendingTasks(EventLoop loop);

  /**
   * See {@link LoopInspection#takeUnretrievedFailures}.
   *
   * @param loop the loop, not null
   * @return the failures, now retrieved
   */
  List<UnretrievedFailure> takeUnretrievedFailures(EventLoop loop);

  /**
   * See {@link LoopInspection#openSockets}.
   *
   * @param loop the loop, not null
   * @return the open sockets
   */
  List<OpenSocket> openSockets(EventLoop loop);

  /**
   * See {@link LoopInspection#hasReadyWork}.
   *
   * @param loop the loop, not null
   * @return true if work is ready
   */
  boolean hasReadyWork(EventLoop loop);
}
