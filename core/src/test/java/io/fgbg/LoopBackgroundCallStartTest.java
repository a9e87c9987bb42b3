package io.fgbg;

import static io.fgbg.Fgbg.allTasks;
import static io.fgbg.Fgbg.callInBackground;
import static io.fgbg.Fgbg.runInForeground;
import static io.fgbg.Fgbg.scheduleCoroutine;
import static io.fgbg.Fgbg.sleep;
import static java.time.Duration.ZERO;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Starting a background call holds nothing up: an executor that blocks in {@code execute} leaves
 * the idle loop free for other threads' callSoon, scheduleCoroutine and runs meanwhile; and a
 * caller whose interrupt status is set waits for the call to start without spinning, and gets its
 * status back. Callers are platform threads of the test's own, joined with timeouts.
 */
class LoopBackgroundCallStartTest {
  private EventLoop loop;

  @BeforeEach
  void aFreshLoop() {
    loop = EventLoop.create();
  }

  @AfterEach
  void closeTheLoop() {
    loop.close();
  }

  @Test
  void anExecutorBlockedInExecuteLeavesTheIdleLoopToOtherThreads() throws Exception {
    CountDownLatch inExecute = new CountDownLatch(1);
    CountDownLatch releaseExecute = new CountDownLatch(1);
    Executor blockedInExecute =
        command -> {
          inExecute.countDown();
          try {
            releaseExecute.await(20, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          Thread.ofPlatform().start(command);
        };
    AtomicReference<Task<String>> call = new AtomicReference<>();
    Thread starter =
        Thread.ofPlatform()
            .start(() -> call.set(callInBackground(() -> "called", loop, blockedInExecute)));
    List<String> ran = new CopyOnWriteArrayList<>();
    AtomicReference<Task<String>> scheduled = new AtomicReference<>();
    AtomicReference<Object> otherOutcome = new AtomicReference<>();
    CountDownLatch otherDone = new CountDownLatch(1);
    boolean executeStillBlocked;
    try {
      assertThat(inExecute.await(10, TimeUnit.SECONDS)).isTrue();
      Thread other =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      loop.callSoon(() -> ran.add("callSoon"));
                      scheduled.set(scheduleCoroutine(() -> "scheduled", loop));
                      otherOutcome.set(runInForeground(sleep(ZERO, "ran"), loop));
                    } catch (Throwable e) {
                      otherOutcome.set(e);
                    }
                    otherDone.countDown();
                  });
      assertThat(otherDone.await(10, TimeUnit.SECONDS))
          .as("the other thread's calls neither spin nor wait for execute()")
          .isTrue();
      executeStillBlocked = releaseExecute.getCount() == 1 && starter.isAlive();
      other.join(10_000);
    } finally {
      releaseExecute.countDown();
      starter.join(10_000);
    }
    assertThat(executeStillBlocked).isTrue();
    assertThat(otherOutcome.get()).isEqualTo("ran");
    assertThat(ran).containsExactly("callSoon");
    assertThat(scheduled.get().isDone()).isTrue();
    assertThat(scheduled.get().result()).isEqualTo("scheduled");
    assertThat(starter.isAlive()).isFalse();
    assertThat(runInForeground(call.get(), loop)).isEqualTo("called");
    assertThat(allTasks(loop)).isEmpty();
  }

  @Test
  void anInterruptedCallerWaitsForTheCallToStartWithoutSpinningAndKeepsItsInterruptStatus()
      throws Exception {
    // While every carrier of the virtual-thread scheduler is busy, the call (a virtual thread of
    // the default executor) cannot start: the caller has to wait for it, parked, not spinning.
    int carriers =
        Integer.getInteger(
            "jdk.virtualThreadScheduler.parallelism", Runtime.getRuntime().availableProcessors());
    AtomicBoolean occupy = new AtomicBoolean(true);
    CountDownLatch occupied = new CountDownLatch(carriers);
    List<Thread> occupiers = new CopyOnWriteArrayList<>();
    CountDownLatch callStarted = new CountDownLatch(1);
    AtomicReference<Task<String>> call = new AtomicReference<>();
    AtomicBoolean interruptedAfter = new AtomicBoolean();
    boolean returnedBeforeTheCallCouldStart;
    Thread caller = null;
    try {
      for (int i = 0; i < carriers; i++) {
        occupiers.add(
            Thread.ofVirtual()
                .start(
                    () -> {
                      occupied.countDown();
                      while (occupy.get()) {
                        Thread.onSpinWait();
                      }
                    }));
      }
      assertThat(occupied.await(10, TimeUnit.SECONDS)).isTrue();
      caller =
          Thread.ofPlatform()
              .name("interrupted caller")
              .start(
                  () -> {
                    Thread.currentThread().interrupt(); // e.g. restored by a catch
                    call.set(
                        callInBackground(
                            () -> {
                              callStarted.countDown();
                              return "called";
                            },
                            loop,
                            null));
                    interruptedAfter.set(Thread.currentThread().isInterrupted());
                  });
      assertThat(staysParked(caller)).as("the caller waits parked, not spinning").isTrue();
      returnedBeforeTheCallCouldStart = call.get() != null;
    } finally {
      occupy.set(false);
      for (Thread t : occupiers) {
        t.join(10_000);
      }
      if (caller != null) {
        caller.join(10_000);
      }
    }
    assertThat(caller.isAlive()).isFalse();
    assertThat(returnedBeforeTheCallCouldStart).as("it waits for the call to start").isFalse();
    assertThat(callStarted.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(interruptedAfter).as("the interrupt status is kept").isTrue();
    assertThat(runInForeground(call.get(), loop)).isEqualTo("called");
  }

  /**
   * True if {@code t} is seen parked (WAITING) in 20 looks in a row, 5 ms apart, within 10 s: a
   * thread that spins on a park that returns at once is seen running most of the time.
   */
  private static boolean staysParked(Thread t) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    int inARow = 0;
    while (System.nanoTime() < end && t.isAlive()) {
      inARow = t.getState() == Thread.State.WAITING ? inARow + 1 : 0;
      if (inARow == 20) {
        return true;
      }
      Thread.sleep(5);
    }
    return false;
  }
}
