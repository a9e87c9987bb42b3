package io.fgbg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayDeque;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The loop's ready queue: a FIFO that behaves as the ArrayDeque it replaces, gives a flood's
 * memory back once it is mostly empty, and keeps its capacity (allocates nothing) while every
 * round fills it to about the same size.
 *
 * <p>Threads: one, the test's, which stands for the thread holding the baton.
 */
@Timeout(60)
class ReadyQueueTest {

  @Test
  void itBehavesAsAnArrayDequeOverARandomRunOfOperations() {
    long seed = new Random().nextLong();
    Random random = new Random(seed);
    ReadyQueue queue = new ReadyQueue();
    ArrayDeque<Object> model = new ArrayDeque<>();
    int next = 0;
    for (int step = 0; step < 200_000; step++) {
      int op = random.nextInt(100);
      String at = "seed " + seed + ", step " + step;
      if (op < 50 + (step / 20_000 % 2 == 0 ? 10 : -20)) { // phases that grow, phases that drain
        Integer e = next++;
        queue.addLast(e);
        model.addLast(e);
      } else if (op < 90) {
        assertThat(queue.pollFirst()).as(at).isEqualTo(model.pollFirst());
      } else if (op < 98) {
        assertThat(queue.peekFirst()).as(at).isEqualTo(model.peekFirst());
      } else if (op < 99) {
        queue.trim();
      } else if (random.nextInt(50) == 0) {
        queue.clear();
        model.clear();
      }
      assertThat(queue.size()).as(at).isEqualTo(model.size());
      assertThat(queue.isEmpty()).as(at).isEqualTo(model.isEmpty());
    }
  }

  @Test
  void aFloodsCapacityIsGivenBackOnceTheQueueIsBusyWithSmallRoundsAgain() {
    ReadyQueue queue = new ReadyQueue();
    fillAndDrain(queue, 1_000_000);
    assertThat(queue.capacity()).isGreaterThanOrEqualTo(1_000_000);
    for (int round = 1; round < ReadyQueue.QUIET_EMPTYINGS; round++) {
      fillAndDrain(queue, 100);
    }
    assertThat(queue.capacity()).as("before the last quiet round").isGreaterThan(1_000_000);
    fillAndDrain(queue, 100);
    assertThat(queue.capacity()).isEqualTo(512); // the power of two above 4 x 100
  }

  @Test
  void aQueueLeftIdleAfterAFloodShrinksWhenTheLoopTrimsItBeforeWaiting() {
    ReadyQueue queue = new ReadyQueue();
    for (int i = 0; i < 100_000; i++) {
      queue.addLast(i);
    }
    queue.trim();
    assertThat(queue.capacity()).as("trim while it holds work does nothing").isGreaterThan(100_000);
    while (queue.pollFirst() != null) {
      // drain
    }
    queue.trim();
    assertThat(queue.capacity()).isEqualTo(ReadyQueue.MIN_CAPACITY);
    queue.addLast("after");
    assertThat(queue.pollFirst()).isEqualTo("after");
  }

  @Test
  void roundsOfTheSameSizeNeverShrinkIt() {
    ReadyQueue queue = new ReadyQueue();
    fillAndDrain(queue, 5000);
    int capacity = queue.capacity();
    for (int round = 0; round < 10 * ReadyQueue.QUIET_EMPTYINGS; round++) {
      fillAndDrain(queue, 4000 + round % 1000);
    }
    assertThat(queue.capacity()).isEqualTo(capacity);
  }

  @Test
  void clearDropsEverythingAndGivesTheMemoryBack() {
    ReadyQueue queue = new ReadyQueue();
    for (int i = 0; i < 10_000; i++) {
      queue.addLast(i);
    }
    queue.clear();
    assertThat(queue.isEmpty()).isTrue();
    assertThat(queue.pollFirst()).isNull();
    assertThat(queue.peekFirst()).isNull();
    assertThat(queue.capacity()).isEqualTo(ReadyQueue.MIN_CAPACITY);
  }

  @Test
  void aNullElementIsRefused() {
    ReadyQueue queue = new ReadyQueue();
    assertThatThrownBy(() -> queue.addLast(null))
        .isExactlyInstanceOf(NullPointerException.class)
        .hasMessage("e");
    assertThat(queue.isEmpty()).isTrue();
  }

  private static void fillAndDrain(ReadyQueue queue, int n) {
    for (int i = 0; i < n; i++) {
      queue.addLast(i);
    }
    for (int i = 0; i < n; i++) {
      assertThat(queue.pollFirst()).isEqualTo(i);
    }
    assertThat(queue.isEmpty()).isTrue();
  }
}
