package io.fgbg;

import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.runInForeground;
import static io.fgbg.Fgbg.sleep;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code callSoonThreadsafe} floods on a real {@link EventLoop}: sixteen threads posting as fast
 * as they can while the loop runs do not keep its timers (a task's sleeps) or its ready callbacks
 * from running, and a loop nobody runs takes every post without holding the poster, then runs
 * them in order.
 *
 * <p>The flood test needs {@code callSoonThreadsafe} from a foreign thread to go through {@link
 * EventSources#postFromUser} (held at the high-water mark): without it the drain is bounded, so
 * every iteration ends, but the posters outrun the loop and each iteration's batch, and the heap,
 * grow without end. Its posters stop after {@value #FLOOD_SECONDS} s whatever happens.
 *
 * <p>Threads: the test thread runs the loop in the foreground; the task's body and the loop's
 * callbacks write the plain lists and counters, which the test thread reads once the run has
 * returned. Poster threads call only {@code callSoonThreadsafe} and read a volatile flag; the
 * task starts them, the test thread joins them.
 */
@Timeout(120)
class CallSoonThreadsafeFloodTest {
  private static final int POSTERS = 16;
  private static final long LIMIT_SECONDS = 30;
  private static final long FLOOD_SECONDS = 5;

  private final EventLoop loop = EventLoop.create();

  @AfterEach
  void closeTheLoop() {
    loop.close();
  }

  @Test
  void sixteenThreadsFloodingCallSoonThreadsafeDoNotStarveTheLoopsSleepsOrCallbacks()
      throws Exception {
    AtomicBoolean flooding = new AtomicBoolean(true);
    long floodEnds = System.nanoTime() + TimeUnit.SECONDS.toNanos(FLOOD_SECONDS);
    List<Thread> posters = new ArrayList<>();
    long[] postsRun = new long[1]; // the loop's
    int[] rounds = new int[1]; // the loop's
    List<Long> sleptNanos = new ArrayList<>(); // the task's
    Runnable chain =
        new Runnable() {
          @Override
          public void run() {
            if (++rounds[0] < 1000) {
              loop.callSoon(this);
            }
          }
        };
    try {
      runInForeground(
          () -> {
            for (int p = 0; p < POSTERS; p++) {
              posters.add(
                  Thread.ofPlatform()
                      .start(
                          () -> {
                            while (flooding.get() && System.nanoTime() < floodEnds) {
                              loop.callSoonThreadsafe(() -> postsRun[0]++);
                            }
                          }));
            }
            loop.callSoon(chain);
            for (int i = 0; i < 10; i++) {
              long before = System.nanoTime();
              await(sleep(Duration.ofMillis(10)));
              sleptNanos.add(System.nanoTime() - before);
            }
            assertThat(System.nanoTime()).as("still flooding").isLessThan(floodEnds);
            flooding.set(false);
            return null;
          },
          loop);
    } finally {
      flooding.set(false);
      for (Thread t : posters) {
        assertThat(t.join(Duration.ofSeconds(LIMIT_SECONDS))).isTrue();
      }
    }
    assertThat(sleptNanos).hasSize(10);
    assertThat(sleptNanos.stream().mapToLong(Long::longValue).max().orElseThrow())
        .as("the longest 10 ms sleep under the flood, in ns")
        .isLessThan(TimeUnit.SECONDS.toNanos(5));
    assertThat(rounds[0]).as("rounds of a callSoon chain that ran beside the flood").isEqualTo(1000);
    assertThat(postsRun[0]).as("posts that ran during the flood").isPositive();
  }

  @Test
  void aLoopNobodyRunsTakesEveryPostWithoutHoldingThePosterThenRunsThemInOrder()
      throws Exception {
    int posts = 100_000;
    List<Integer> ran = new ArrayList<>(); // the loop's
    Thread poster =
        Thread.ofPlatform()
            .start(
                () -> {
                  for (int i = 0; i < posts; i++) {
                    int n = i;
                    loop.callSoonThreadsafe(() -> ran.add(n));
                  }
                });
    assertThat(poster.join(Duration.ofSeconds(LIMIT_SECONDS)))
        .as("the poster of an idle loop returned")
        .isTrue();
    runInForeground( // one iteration: it takes the inbox
        () -> {
          await(sleep(Duration.ZERO));
          return null;
        },
        loop);
    assertThat(ran).hasSize(posts);
    for (int i = 0; i < posts; i++) {
      if (ran.get(i) != i) {
        assertThat(ran.get(i)).as("post run at place " + i).isEqualTo(i);
      }
    }
  }
}
