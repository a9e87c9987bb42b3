package io.fgbg;

/** When {@link Fgbg#waitTasks(java.util.Collection, java.time.Duration, ReturnWhen)} returns. */
public enum ReturnWhen {
  /** As soon as any task is done (or is cancelled). */
  FIRST_COMPLETED,
  /** As soon as any task fails with an exception; if none does, when all are done. */
  FIRST_EXCEPTION,
  /** When every task is done. */
  ALL_COMPLETED
}
