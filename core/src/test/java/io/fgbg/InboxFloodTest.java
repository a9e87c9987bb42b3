package io.fgbg;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A flood of posts from other threads, at the level of {@link EventSources} run by a {@link
 * SourcesDriver} on the real clock: the loop goes on running its timers and ready callbacks, users'
 * posters are held at the high-water mark while the loop runs and never while it does not, fgbg's
 * own posts never wait, and posted work keeps its order, also against the loop's callSoon.
 *
 * <p>Threads: one driver thread per test holds the baton: only it touches the driver's ready
 * queue and timers, and the plain fields and lists its callbacks write; the test thread reads them
 * after joining it. Poster threads call only {@code post}, {@code postFromUser} and {@code
 * backlog}, and write atomics; the test thread starts and joins them. Real time is the subject
 * here (posters that wait), so waits are latches and joins with generous limits.
 */
@Timeout(120)
class InboxFloodTest {
  private static final int POSTERS = 16;
  private static final int HIGH_WATER = 256;
  private static final long LIMIT_SECONDS = 30;

  @Test
  void sixteenPostersFloodingARunningLoopAreHeldAtTheMarkWhileItsTimerAndCallbacksKeepRunning()
      throws Exception {
    try (SourcesDriver driver = new SourcesDriver(LoopClock.real(), HIGH_WATER)) {
      EventSources sources = driver.sources;
      AtomicBoolean flooding = new AtomicBoolean(true);
      AtomicLong maxBacklog = new AtomicLong();
      AtomicLong postsMade = new AtomicLong();
      CountDownLatch progress = new CountDownLatch(1);
      // written by the driver thread only
      long[] postsRun = new long[1];
      long[] lastSeen = new long[POSTERS];
      List<String> outOfOrder = new ArrayList<>();
      List<Long> latenessNanos = new ArrayList<>();
      int[] rounds = new int[1];

      Runnable checkProgress =
          () -> {
            if (latenessNanos.size() >= 20 && rounds[0] >= 2000) {
              progress.countDown();
            }
          };
      Runnable tick =
          new Runnable() {
            long due = sources.now() + Duration.ofMillis(5).toNanos();

            @Override
            public void run() {
              latenessNanos.add(sources.now() - due);
              checkProgress.run();
              due = sources.now() + Duration.ofMillis(5).toNanos();
              sources.callLater(Duration.ofMillis(5).toNanos(), this);
            }
          };
      Runnable chain =
          new Runnable() {
            @Override
            public void run() {
              rounds[0]++;
              checkProgress.run();
              driver.callSoon(this);
            }
          };
      Thread loopThread =
          Thread.ofPlatform()
              .name("driver")
              .start(
                  () -> {
                    sources.callLater(Duration.ofMillis(5).toNanos(), tick);
                    driver.callSoon(chain);
                    driver.run(() -> false);
                  });
      List<Thread> posters = new ArrayList<>();
      for (int p = 0; p < POSTERS; p++) {
        int poster = p;
        posters.add(
            Thread.ofPlatform()
                .name("poster-" + p)
                .start(
                    () -> {
                      for (long seq = 1; flooding.get(); seq++) {
                        long s = seq;
                        sources.postFromUser(
                            () -> {
                              postsRun[0]++;
                              if (lastSeen[poster] != s - 1) {
                                outOfOrder.add(poster + ": " + s + " after " + lastSeen[poster]);
                              }
                              lastSeen[poster] = s;
                            });
                        postsMade.incrementAndGet();
                        long b = sources.backlog();
                        if (driver.isRunning() && flooding.get()) {
                          maxBacklog.accumulateAndGet(b, Math::max);
                        }
                      }
                    }));
      }

      boolean progressed = progress.await(LIMIT_SECONDS, TimeUnit.SECONDS);
      flooding.set(false);
      for (Thread t : posters) {
        assertThat(t.join(Duration.ofSeconds(LIMIT_SECONDS))).as(t.getName() + " ended").isTrue();
      }
      driver.stop();
      assertThat(loopThread.join(Duration.ofSeconds(LIMIT_SECONDS))).isTrue();
      while (postsRun[0] < postsMade.get()) {
        driver.runOnce(); // the test thread holds the baton now: what is left runs
      }

      assertThat(progressed)
          .as("20 timer firings and 2000 ready rounds within %d s of flood", LIMIT_SECONDS)
          .isTrue();
      assertThat(maxBacklog.get())
          .as("the flood reached the mark, and was held there (plus one post per poster)")
          .isBetween((long) HIGH_WATER, (long) HIGH_WATER + POSTERS);
      assertThat(latenessNanos.stream().mapToLong(Long::longValue).max().orElseThrow())
          .as("the most a 5 ms timer fired late, in ns")
          .isLessThan(Duration.ofSeconds(2).toNanos());
      assertThat(outOfOrder).as("posts of one poster that ran out of order").isEmpty();
      assertThat(postsRun[0]).isEqualTo(postsMade.get());
    }
  }

  @Test
  void aPostThatHappenedBeforeTheLoopsCallSoonRunsBeforeItUnderAFlood() throws Exception {
    try (SourcesDriver driver = new SourcesDriver(LoopClock.real(), HIGH_WATER)) {
      EventSources sources = driver.sources;
      int rounds = 200;
      AtomicInteger posted = new AtomicInteger(); // k: "post k" has been posted
      AtomicInteger scheduled = new AtomicInteger(); // k: "soon k" has run
      AtomicBoolean flooding = new AtomicBoolean(true);
      List<String> events = new ArrayList<>(); // the driver's
      Runnable watch =
          new Runnable() {
            int seen;

            @Override
            public void run() {
              int k = posted.get();
              if (k > seen) {
                seen = k;
                driver.callSoon(
                    () -> {
                      events.add("soon " + k);
                      scheduled.set(k);
                    });
              }
              if (seen < rounds) {
                driver.callSoon(this);
              }
            }
          };
      Thread loopThread =
          Thread.ofPlatform()
              .start(
                  () -> {
                    driver.callSoon(watch);
                    driver.run(() -> scheduled.get() == rounds);
                  });
      List<Thread> flooders = new ArrayList<>();
      for (int p = 0; p < POSTERS - 1; p++) {
        flooders.add(
            Thread.ofPlatform()
                .start(
                    () -> {
                      while (flooding.get()) {
                        sources.postFromUser(() -> {});
                      }
                    }));
      }
      long limit = System.nanoTime() + TimeUnit.SECONDS.toNanos(LIMIT_SECONDS);
      for (int k = 1; k <= rounds && System.nanoTime() < limit; k++) {
        int round = k;
        sources.postFromUser(() -> events.add("post " + round));
        posted.set(k);
        while (scheduled.get() < k && System.nanoTime() < limit) {
          Thread.onSpinWait();
        }
      }
      flooding.set(false);
      for (Thread t : flooders) {
        assertThat(t.join(Duration.ofSeconds(LIMIT_SECONDS))).isTrue();
      }
      assertThat(loopThread.join(Duration.ofSeconds(LIMIT_SECONDS))).isTrue();

      List<String> expected = new ArrayList<>();
      for (int k = 1; k <= rounds; k++) {
        expected.add("post " + k);
        expected.add("soon " + k);
      }
      assertThat(events).containsExactlyElementsOf(expected);
    }
  }

  @Test
  void postersWaitingAtTheMarkGoOnOnceTheLoopStopsRunningAndALoopNobodyRunsHoldsNone()
      throws Exception {
    try (SourcesDriver driver = new SourcesDriver(LoopClock.real(), HIGH_WATER)) {
      EventSources sources = driver.sources;
      CountDownLatch stepStarted = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      Thread loopThread =
          Thread.ofPlatform()
              .start(
                  () -> {
                    driver.callSoon(
                        () -> { // a step that holds the loop: it runs, but drains nothing
                          stepStarted.countDown();
                          awaitUninterruptibly(release);
                          driver.stop();
                        });
                    driver.run(() -> false);
                  });
      assertThat(stepStarted.await(LIMIT_SECONDS, TimeUnit.SECONDS)).isTrue();
      for (int i = 0; i < HIGH_WATER; i++) {
        sources.post(() -> {}); // fgbg's own posts: never wait, even at the mark
      }
      assertThat(sources.backlog()).isEqualTo(HIGH_WATER);

      AtomicBoolean returned = new AtomicBoolean();
      Thread poster =
          Thread.ofPlatform()
              .start(
                  () -> {
                    sources.postFromUser(() -> {});
                    returned.set(true);
                  });
      awaitWaiting(poster);
      assertThat(returned).as("a user's post at the mark of a running loop waits").isFalse();

      release.countDown(); // the step returns and the run ends, draining nothing more
      assertThat(poster.join(Duration.ofSeconds(LIMIT_SECONDS))).isTrue();
      assertThat(loopThread.join(Duration.ofSeconds(LIMIT_SECONDS))).isTrue();
      assertThat(returned).isTrue();
      assertThat(driver.isRunning()).isFalse();

      // nobody runs the loop: a flood of ten marks' worth goes straight into the inbox
      Thread flooder =
          Thread.ofPlatform()
              .start(
                  () -> {
                    for (int i = 0; i < 10 * HIGH_WATER; i++) {
                      sources.postFromUser(() -> {});
                    }
                  });
      assertThat(flooder.join(Duration.ofSeconds(LIMIT_SECONDS))).isTrue();
      // the mark, the waiting poster's post, the stop's wake-up post, and the flood
      assertThat(sources.backlog()).isEqualTo(HIGH_WATER + 1 + 1 + 10L * HIGH_WATER);
    }
  }

  @Test
  void anInterruptEndsAPostersWaitAndTheCallbackIsPostedAllTheSame() throws Exception {
    try (SourcesDriver driver = new SourcesDriver(LoopClock.real(), HIGH_WATER)) {
      EventSources sources = driver.sources;
      CountDownLatch stepStarted = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      List<String> events = new ArrayList<>(); // the driver's, then the test thread's
      Thread loopThread =
          Thread.ofPlatform()
              .start(
                  () -> {
                    driver.callSoon(
                        () -> {
                          stepStarted.countDown();
                          awaitUninterruptibly(release);
                          driver.stop();
                        });
                    driver.run(() -> false);
                  });
      assertThat(stepStarted.await(LIMIT_SECONDS, TimeUnit.SECONDS)).isTrue();
      for (int i = 0; i < HIGH_WATER; i++) {
        sources.post(() -> {});
      }
      AtomicBoolean interruptKept = new AtomicBoolean();
      Thread poster =
          Thread.ofPlatform()
              .start(
                  () -> {
                    sources.postFromUser(() -> events.add("interrupted poster's callback"));
                    interruptKept.set(Thread.currentThread().isInterrupted());
                  });
      awaitWaiting(poster);
      poster.interrupt();
      assertThat(poster.join(Duration.ofSeconds(LIMIT_SECONDS))).isTrue();
      assertThat(interruptKept).as("the poster's interrupt status after its post").isTrue();
      assertThat(sources.backlog()).isEqualTo(HIGH_WATER + 1L);

      release.countDown();
      assertThat(loopThread.join(Duration.ofSeconds(LIMIT_SECONDS))).isTrue();
      driver.runOnce();
      assertThat(events).containsExactly("interrupted poster's callback");
    }
  }

  /** Bounded polling: until {@code t} waits (the subject is a real wait of another thread). */
  private static void awaitWaiting(Thread t) throws InterruptedException {
    long limit = System.nanoTime() + TimeUnit.SECONDS.toNanos(LIMIT_SECONDS);
    while (t.getState() != Thread.State.TIMED_WAITING && t.getState() != Thread.State.WAITING) {
      assertThat(System.nanoTime()).as(t.getName() + " waits").isLessThan(limit);
      assertThat(t.isAlive()).as(t.getName() + " is still in its post").isTrue();
      Thread.sleep(1);
    }
  }

  private static void awaitUninterruptibly(CountDownLatch latch) {
    boolean interrupted = false;
    while (true) {
      try {
        latch.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
