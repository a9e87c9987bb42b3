package io.fgbg.inspect;

/**
 * A task of a loop that is not done, as {@link io.fgbg.Fgbg#jobs()} would list it.
 *
 * @param number the job number (the N of "Task-N")
 * @param name the task's name
 * @param state the job table's word for it: {@code Pending} (not started), {@code Ready} (its next
 *     step is queued), {@code Waiting}, {@code Running}
 * @param awaits what it waits on, in the job table's words ("sleep of ticker", "read from
 *     /127.0.0.1:4242", a task's name, "call running in fgbg-background-1"), or "" for nothing
 * @param thread for a background call whose callable is running: the name of the thread running
 *     it; else null
 */
public record PendingTask(long number, String name, String state, String awaits, String thread) {}
