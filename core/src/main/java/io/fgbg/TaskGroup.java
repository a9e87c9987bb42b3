package io.fgbg;

/**
 * A set of child tasks that a task waits for together (asyncio 3.11's {@code TaskGroup}): the
 * group a {@link TaskGroupBody} is handed by {@link Fgbg#taskGroup}.
 *
 * <pre>{@code
 * await(taskGroup(group -> {
 *   group.start(download(url1));
 *   group.start(download(url2), "second");
 *   return null;
 * }));                                           // both are done here, or both were cancelled
 * }</pre>
 *
 * <p>The group belongs to the loop of the task that runs it; use it from that loop's thread only
 * (the body, a child, a callback of that loop). Its methods never suspend.
 *
 * <p>Differences from asyncio: there is no {@code async with}: the group exists for the length of
 * {@link Fgbg#taskGroup}, is entered once, and has no {@code context} parameter (Java has no
 * context variables).
 */
public interface TaskGroup {
  /**
   * Starts {@code child} as a new task in this group (asyncio's {@code create_task}): it is
   * scheduled on the loop at once, and starts when the loop next runs ready work. The group waits
   * for it; if it fails, the group cancels the body and the other children.
   *
   * @param child the coroutine
   * @param <T> its result type
   * @return the new task
   * @throws NullPointerException if {@code child} is null
   * @throws IllegalStateException if the group is shutting down (a child or the body failed, the
   *     group was cancelled, or the body and every child are done), or if called from another
   *     thread than the loop's
   */
  <T> Task<T> start(Coroutine<T> child);

  /**
   * {@link #start(Coroutine)}, naming the task {@code name} (see {@link Task#setName}).
   *
   * @param child the coroutine
   * @param name the task's name; null for the default "Task-N"
   * @param <T> its result type
   * @return the new task
   * @throws NullPointerException if {@code child} is null
   * @throws IllegalStateException as {@link #start(Coroutine)}
   */
  <T> Task<T> start(Coroutine<T> child, String name);
}
