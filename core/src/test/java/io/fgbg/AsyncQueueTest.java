package io.fgbg;

import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.gather;
import static io.fgbg.Fgbg.runInForeground;
import static io.fgbg.Fgbg.scheduleCoroutine;
import static io.fgbg.Fgbg.sleep;
import static io.fgbg.Fgbg.waitFor;
import static java.time.Duration.ZERO;
import static java.time.Duration.ofMillis;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * CPython 3.11's {@code Lib/test/test_asyncio/test_queues.py}, case by case: each nested class is
 * the Python class of that name and each method the case it ports, asserting what the case asserts
 * (see {@code docs/ported/test_queues.md} for the cases that could not be ported, and why). The
 * join cases, which Python runs over {@code Queue}, {@code LifoQueue} and {@code PriorityQueue},
 * run over the three {@link Kind}s. {@link FgbgOwn} holds what fgbg adds: FIFO wake-ups as event
 * lists (their expected lists are what CPython 3.11 records for the same programs), the fast paths,
 * the errors, and the job table.
 */
@Timeout(60) // a lost wake-up would leave a task waiting for ever: fail instead
class AsyncQueueTest extends LoopTestSupport {

  /** The three queues asyncio has, made by fgbg's constructor and factories. */
  enum Kind {
    FIFO {
      @Override
      <E extends Comparable<? super E>> AsyncQueue<E> make(int maxSize) {
        return new AsyncQueue<>(maxSize);
      }
    },
    LIFO {
      @Override
      <E extends Comparable<? super E>> AsyncQueue<E> make(int maxSize) {
        return AsyncQueue.lifo(maxSize);
      }
    },
    PRIORITY {
      @Override
      <E extends Comparable<? super E>> AsyncQueue<E> make(int maxSize) {
        return AsyncQueue.priority(maxSize);
      }
    };

    abstract <E extends Comparable<? super E>> AsyncQueue<E> make(int maxSize);
  }

  /** Awaits a plain future (asyncio's {@code await fut}); inside a task. */
  static <T> T awaitFuture(AbstractFuture<T> future) throws Exception {
    return Fgbg.requireTask("await").await(future);
  }

  /** A future of the running loop, standing for an asyncio.Event the case sets once. */
  LoopFuture<Void> newEvent(String description) {
    return new LoopFuture<>(loop, description);
  }

  // ------------------------------------------------------------------ QueueBasicTests

  @Nested
  class QueueBasicTests {
    @Test
    void testStr() throws Exception {
      AsyncQueue<Integer> q = new AsyncQueue<>();
      assertThat(q.toString()).startsWith("AsyncQueue(");

      // getters
      AsyncQueue<Integer> getters = new AsyncQueue<>();
      Task<Integer> getter = scheduleCoroutine(getters.get());
      runInForeground(
          () -> {
            await(sleep(ZERO)); // let it start waiting
            assertThat(getters.toString()).contains("getters[1]");
            getters.putNowait(0);
            return null;
          });
      assertThat(runInForeground(getter)).isEqualTo(0);

      // putters
      AsyncQueue<Integer> putters = new AsyncQueue<>(1);
      putters.putNowait(1);
      Task<Void> putter = scheduleCoroutine(putters.put(2));
      runInForeground(
          () -> {
            await(sleep(ZERO));
            assertThat(putters.toString()).contains("putters[1]");
            putters.getNowait();
            return null;
          });
      runInForeground(putter);
      assertThat(putter.isDone()).isTrue();

      AsyncQueue<Integer> items = new AsyncQueue<>();
      items.putNowait(1);
      assertThat(items.toString()).contains("items=[1]");
    }

    @Test
    void testEmpty() throws Exception {
      AsyncQueue<Integer> q = new AsyncQueue<>();
      runInForeground(
          () -> {
            assertThat(q.isEmpty()).isTrue();
            await(q.put(1));
            assertThat(q.isEmpty()).isFalse();
            assertThat(await(q.get())).isEqualTo(1);
            assertThat(q.isEmpty()).isTrue();
            return null;
          });
    }

    @Test
    void testFull() throws Exception {
      AsyncQueue<Integer> unbounded = new AsyncQueue<>();
      assertThat(unbounded.isFull()).isFalse();

      AsyncQueue<Integer> q = new AsyncQueue<>(1);
      runInForeground(q.put(1));
      assertThat(q.isFull()).isTrue();
    }

    @Test
    void testOrder() throws Exception {
      assertThat(putThenGet(new AsyncQueue<>(), 1, 3, 2)).containsExactly(1, 3, 2);
    }

    @Test
    void testMaxsize() throws Exception {
      AsyncQueue<Integer> q = new AsyncQueue<>(2);
      assertThat(q.maxSize()).isEqualTo(2);
      List<Integer> haveBeenPut = new ArrayList<>();
      runInForeground(
          () -> {
            Task<Boolean> t =
                scheduleCoroutine(
                    () -> {
                      for (int i = 0; i < 3; i++) {
                        await(q.put(i));
                        haveBeenPut.add(i);
                      }
                      return true;
                    });
            for (int i = 0; i < 2; i++) {
              await(sleep(ZERO));
            }

            // The putter is blocked after putting two items.
            assertThat(haveBeenPut).containsExactly(0, 1);
            assertThat(await(q.get())).isEqualTo(0);

            // Let the putter resume and put last item.
            await(sleep(ZERO));
            assertThat(haveBeenPut).containsExactly(0, 1, 2);
            assertThat(await(q.get())).isEqualTo(1);
            assertThat(await(q.get())).isEqualTo(2);

            assertThat(t.isDone()).isTrue();
            assertThat(t.result()).isTrue();
            return null;
          });
    }
  }

  /** Puts each item with put(), then gets as many with get(), in one task; returns what came. */
  static List<Integer> putThenGet(AsyncQueue<Integer> q, Integer... items) throws Exception {
    return runInForeground(
        () -> {
          for (Integer i : items) {
            await(q.put(i));
          }
          List<Integer> got = new ArrayList<>();
          for (int n = 0; n < items.length; n++) {
            got.add(await(q.get()));
          }
          return got;
        });
  }

  // ------------------------------------------------------------------ QueueGetTests

  @Nested
  class QueueGetTests {
    @Test
    void testBlockingGet() throws Exception {
      AsyncQueue<Integer> q = new AsyncQueue<>();
      q.putNowait(1);
      assertThat(runInForeground(q.get())).isEqualTo(1);
    }

    @Test
    void testGetWithPutters() throws Exception {
      AsyncQueue<Integer> q = new AsyncQueue<>(1);
      runInForeground(
          () -> {
            await(q.put(1));

            LoopFuture<Void> waiter = new LoopFuture<>(loop, "waiter");
            q.putters.addLast(waiter);

            assertThat(await(q.get())).isEqualTo(1);
            assertThat(waiter.isDone()).isTrue();
            assertThat(waiter.result()).isNull();
            return null;
          });
    }

    @Test
    void testBlockingGetWait() throws Exception {
      AsyncQueue<Integer> q = new AsyncQueue<>();
      boolean[] finished = {false};
      runInForeground(
          () -> {
            LoopFuture<Void> started = newEvent("started");
            Task<Integer> queueGetTask =
                scheduleCoroutine(
                    () -> {
                      started.setResultIfPending(null);
                      Integer res = await(q.get());
                      finished[0] = true;
                      return res;
                    });
            awaitFuture(started);
            assertThat(finished[0]).isFalse();
            loop.callLater(ofMillis(10), () -> q.putNowait(1));
            Integer res = await(queueGetTask);
            assertThat(finished[0]).isTrue();
            assertThat(res).isEqualTo(1);
            return null;
          });
    }

    @Test
    void testNonblockingGet() {
      AsyncQueue<Integer> q = new AsyncQueue<>();
      q.putNowait(1);
      assertThat(q.getNowait()).isEqualTo(1);
    }

    @Test
    void testNonblockingGetException() {
      AsyncQueue<Integer> q = new AsyncQueue<>();
      assertThatThrownBy(q::getNowait).isExactlyInstanceOf(QueueEmptyException.class);
    }

    @Test
    void testGetCancelledRace() throws Exception {
      AsyncQueue<String> q = new AsyncQueue<>();
      runInForeground(
          () -> {
            Task<String> t1 = scheduleCoroutine(q.get());
            Task<String> t2 = scheduleCoroutine(q.get());

            await(sleep(ZERO));
            t1.cancel();
            await(sleep(ZERO));
            assertThat(t1.isDone()).isTrue();
            await(q.put("a"));
            await(sleep(ZERO));
            assertThat(await(t2)).isEqualTo("a");
            return null;
          });
    }

    @Test
    void testGetWithWaitingPutters() throws Exception {
      AsyncQueue<String> q = new AsyncQueue<>(1);
      runInForeground(
          () -> {
            scheduleCoroutine(q.put("a"));
            scheduleCoroutine(q.put("b"));
            assertThat(await(q.get())).isEqualTo("a");
            assertThat(await(q.get())).isEqualTo("b");
            return null;
          });
    }

    @Test
    void testWhyAreGettersWaiting() throws Exception {
      int producerNumItems = 5;
      AsyncQueue<Integer> q = new AsyncQueue<>(1);
      runInForeground(
          () ->
              await(
                  gather(
                      List.of(
                          scheduleCoroutine(
                              () -> {
                                for (int i = 0; i < producerNumItems; i++) {
                                  await(q.put(i));
                                }
                                return null;
                              }),
                          scheduleCoroutine(
                              () -> {
                                for (int i = 0; i < producerNumItems; i++) {
                                  await(q.get());
                                }
                                return null;
                              })))));
    }

    @Test
    void testCancelledGettersNotBeingHeldInSelfGetters() throws Exception {
      AsyncQueue<Integer> queue = new AsyncQueue<>(5);
      runInForeground(
          () -> {
            assertThatThrownBy(() -> await(waitFor(queue.get(), ofMillis(100))))
                .isExactlyInstanceOf(TimeoutException.class);
            assertThat(queue.getters).isEmpty();
            return null;
          });
    }
  }

  // ------------------------------------------------------------------ QueuePutTests

  @Nested
  class QueuePutTests {
    @Test
    void testBlockingPut() throws Exception {
      AsyncQueue<Integer> q = new AsyncQueue<>();
      runInForeground(
          () -> {
            // No maxsize, won't block.
            await(q.put(1));
            assertThat(await(q.get())).isEqualTo(1);
            return null;
          });
    }

    @Test
    void testBlockingPutWait() throws Exception {
      AsyncQueue<Integer> q = new AsyncQueue<>(1);
      boolean[] finished = {false};
      runInForeground(
          () -> {
            LoopFuture<Void> started = newEvent("started");
            loop.callLater(ofMillis(10), q::getNowait);
            Task<Void> queuePutTask =
                scheduleCoroutine(
                    () -> {
                      started.setResultIfPending(null);
                      await(q.put(1));
                      await(q.put(2));
                      finished[0] = true;
                      return null;
                    });
            awaitFuture(started);
            assertThat(finished[0]).isFalse();
            await(queuePutTask);
            assertThat(finished[0]).isTrue();
            return null;
          });
    }

    @Test
    void testNonblockingPut() {
      AsyncQueue<Integer> q = new AsyncQueue<>();
      q.putNowait(1);
      assertThat(q.getNowait()).isEqualTo(1);
    }

    @Test
    void testGetCancelDropOnePendingReader() throws Exception {
      AsyncQueue<Integer> q = new AsyncQueue<>();
      Integer result =
          runInForeground(
              () -> {
                Task<Integer> reader = scheduleCoroutine(q.get());

                await(sleep(ZERO));

                q.putNowait(1);
                q.putNowait(2);
                reader.cancel();

                try {
                  await(reader);
                } catch (CancellationException e) {
                  // try again
                  reader = scheduleCoroutine(q.get());
                  await(reader);
                }
                return reader.result();
              });
      // if we get 2, it means 1 got dropped!
      assertThat(result).isEqualTo(1);
    }

    @Test
    void testGetCancelDropManyPendingReaders() throws Exception {
      AsyncQueue<Integer> q = new AsyncQueue<>();
      List<Task<Integer>> readers = new ArrayList<>();
      runInForeground(
          () -> {
            Task<Integer> reader1 = scheduleCoroutine(q.get());
            Task<Integer> reader2 = scheduleCoroutine(q.get());
            Task<Integer> reader3 = scheduleCoroutine(q.get());
            readers.addAll(List.of(reader2, reader3));

            await(sleep(ZERO));

            q.putNowait(1);
            q.putNowait(2);
            reader1.cancel();

            assertThatThrownBy(() -> await(reader1))
                .isInstanceOf(CancellationException.class);

            await(reader3);
            await(reader2); // where the task group's end waits for it
            return null;
          });
      // It is undefined in which order concurrent readers receive results.
      assertThat(Set.of(readers.get(0).result(), readers.get(1).result()))
          .isEqualTo(Set.of(1, 2));
    }

    @Test
    void testPutCancelDrop() throws Exception {
      AsyncQueue<Integer> q = new AsyncQueue<>(1);
      q.putNowait(1);
      runInForeground(
          () -> {
            // putting a second item in the queue has to block (qsize=1)
            Task<Void> writer = scheduleCoroutine(q.put(2));
            await(sleep(ZERO));

            Integer value1 = q.getNowait();
            assertThat(value1).isEqualTo(1);

            writer.cancel();
            try {
              await(writer);
            } catch (CancellationException e) {
              // try again
              writer = scheduleCoroutine(q.put(2));
              await(writer);
            }

            Integer value2 = q.getNowait();
            assertThat(value2).isEqualTo(2);
            assertThat(q.size()).isZero();
            return null;
          });
    }

    @Test
    void testNonblockingPutException() {
      AsyncQueue<Integer> q = new AsyncQueue<>(1);
      q.putNowait(1);
      assertThatThrownBy(() -> q.putNowait(2)).isExactlyInstanceOf(QueueFullException.class);
    }

    @Test
    void testPutCancelled() throws Exception {
      AsyncQueue<Integer> q = new AsyncQueue<>();
      runInForeground(
          () -> {
            Task<Boolean> t =
                scheduleCoroutine(
                    () -> {
                      await(q.put(1));
                      return true;
                    });

            assertThat(await(q.get())).isEqualTo(1);
            assertThat(t.isDone()).isTrue();
            assertThat(t.result()).isTrue();
            return null;
          });
    }

    @Test
    void testPutCancelledRace() throws Exception {
      AsyncQueue<String> q = new AsyncQueue<>(1);
      runInForeground(
          () -> {
            Task<Void> putA = scheduleCoroutine(q.put("a"));
            Task<Void> putB = scheduleCoroutine(q.put("b"));
            Task<Void> putC = scheduleCoroutine(q.put("X"));

            await(sleep(ZERO));
            assertThat(putA.isDone()).isTrue();
            assertThat(putB.isDone()).isFalse();

            putC.cancel();
            await(sleep(ZERO));
            assertThat(putC.isDone()).isTrue();
            assertThat(q.getNowait()).isEqualTo("a");
            await(sleep(ZERO));
            assertThat(q.getNowait()).isEqualTo("b");

            await(putB);
            return null;
          });
    }

    @Test
    void testPutWithWaitingGetters() throws Exception {
      AsyncQueue<String> q = new AsyncQueue<>();
      runInForeground(
          () -> {
            Task<String> t = scheduleCoroutine(q.get());
            await(sleep(ZERO));
            await(q.put("a"));
            assertThat(await(t)).isEqualTo("a");
            return null;
          });
    }

    @Test
    void testWhyArePuttersWaiting() throws Exception {
      AsyncQueue<Integer> queue = new AsyncQueue<>(2);
      runInForeground(
          () -> {
            List<Task<Void>> group = new ArrayList<>();
            group.add(
                scheduleCoroutine(
                    () -> {
                      await(sleep(ZERO));
                      int num = queue.size();
                      for (int i = 0; i < num; i++) {
                        queue.getNowait();
                      }
                      return null;
                    }));
            for (int item = 0; item < 4; item++) {
              group.add(scheduleCoroutine(queue.put(item)));
            }
            return await(gather(group));
          });
    }

    @Test
    void testCancelledPutsNotBeingHeldInSelfPutters() throws Exception {
      // Full queue.
      AsyncQueue<Integer> queue = new AsyncQueue<>(1);
      queue.putNowait(1);
      runInForeground(
          () -> {
            // Task waiting for space to put an item in the queue.
            Task<Void> putTask = scheduleCoroutine(queue.put(1));
            await(sleep(ZERO));

            // Check that the putter is correctly removed from queue.putters when the task is
            // cancelled.
            assertThat(queue.putters).hasSize(1);
            putTask.cancel();
            assertThatThrownBy(() -> await(putTask)).isInstanceOf(CancellationException.class);
            assertThat(queue.putters).isEmpty();
            return null;
          });
    }

    @Test
    void testCancelledPutSilenceValueErrorException() throws Exception {
      // Full Queue.
      AsyncQueue<Integer> queue = new AsyncQueue<>(1);
      queue.putNowait(1);
      runInForeground(
          () -> {
            // Task waiting for space to put a item in the queue.
            Task<Void> putTask = scheduleCoroutine(queue.put(1));
            await(sleep(ZERO));

            // getNowait() removes the future of putTask from queue.putters.
            queue.getNowait();
            // When cancelled, put() removes its future from putters, but getNowait() did
            // already: that must not fail, the task must end cancelled.
            putTask.cancel();

            assertThatThrownBy(() -> await(putTask)).isInstanceOf(CancellationException.class);
            return null;
          });
    }
  }

  // ------------------------------------------------------------------ Lifo / Priority

  @Nested
  class LifoQueueTests {
    @Test
    void testOrder() throws Exception {
      assertThat(putThenGet(AsyncQueue.lifo(0), 1, 3, 2)).containsExactly(2, 3, 1);
    }
  }

  @Nested
  class PriorityQueueTests {
    @Test
    void testOrder() throws Exception {
      assertThat(putThenGet(AsyncQueue.priority(0), 1, 3, 2)).containsExactly(1, 2, 3);
    }
  }

  // ------------------------------------------------------------------ _QueueJoinTestMixin

  /** Python's QueueJoinTests, LifoQueueJoinTests and PriorityQueueJoinTests, by {@link Kind}. */
  @Nested
  class QueueJoinTests {
    @ParameterizedTest
    @EnumSource(Kind.class)
    void testTaskDoneUnderflow(Kind kind) {
      AsyncQueue<Integer> q = kind.make(0);
      assertThatThrownBy(q::taskDone)
          .isExactlyInstanceOf(IllegalStateException.class)
          .hasMessage("taskDone() called more times than there were items put");
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void testTaskDone(Kind kind) throws Exception {
      AsyncQueue<Integer> q = kind.make(0);
      for (int i = 0; i < 100; i++) {
        q.putNowait(i);
      }

      int[] accumulator = {0};

      // Two workers get items from the queue and call taskDone after each.
      // Join the queue and assert all items have been processed.
      boolean[] running = {true};

      Coroutine<Void> worker =
          () -> {
            while (running[0]) {
              Integer item = await(q.get());
              accumulator[0] += item;
              q.taskDone();
            }
            return null;
          };

      runInForeground(
          () -> {
            List<Task<Void>> tasks = List.of(scheduleCoroutine(worker), scheduleCoroutine(worker));

            await(q.join());
            assertThat(accumulator[0]).isEqualTo(4950); // sum(range(100))

            // close running generators
            running[0] = false;
            for (int i = 0; i < tasks.size(); i++) {
              q.putNowait(0);
            }
            return await(gather(tasks)); // where the task group's end waits for them
          });
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void testJoinEmptyQueue(Kind kind) throws Exception {
      AsyncQueue<Integer> q = kind.make(0);

      // Test that a queue join()s successfully, and before anything else
      // (done twice for insurance).
      runInForeground(
          () -> {
            Task<Void> other = scheduleCoroutine(() -> null);
            await(q.join());
            await(q.join());
            assertThat(other.isDone()).as("join() did not yield").isFalse();
            return null;
          });
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void testFormat(Kind kind) {
      AsyncQueue<Integer> q = kind.make(0);
      assertThat(q.toString()).isEqualTo("AsyncQueue(maxSize=0)");

      q.putNowait(1); // asyncio's case sets _unfinished_tasks = 2; these two puts and gets do
      q.putNowait(2);
      q.getNowait();
      q.getNowait();
      assertThat(q.toString()).isEqualTo("AsyncQueue(maxSize=0 tasks=2)");
    }
  }

  // ------------------------------------------------------------------ fgbg's own

  /** What fgbg adds to the ported cases. */
  @Nested
  class FgbgOwn {
    @Test
    void gettersAreWokenInTheOrderTheyCame() throws Exception {
      AsyncQueue<Integer> q = new AsyncQueue<>();
      runInForeground(
          () -> {
            List<Task<Void>> getters = new ArrayList<>();
            for (String name : List.of("g1", "g2", "g3")) {
              getters.add(scheduleCoroutine(() -> logged(name + " got " + await(q.get()))));
            }
            await(sleep(ZERO));
            for (int i = 1; i <= 3; i++) {
              q.putNowait(i);
            }
            return await(gather(getters));
          });
      assertThat(events).containsExactly("g1 got 1", "g2 got 2", "g3 got 3");
    }

    @Test
    void puttersAreWokenInTheOrderTheyCame() throws Exception {
      AsyncQueue<Integer> q = new AsyncQueue<>(1);
      q.putNowait(0);
      runInForeground(
          () -> {
            List<Task<Void>> putters = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
              int item = i;
              putters.add(
                  scheduleCoroutine(
                      () -> {
                        await(q.put(item));
                        return logged("p" + item + " put " + item);
                      }));
            }
            await(sleep(ZERO));
            for (int i = 0; i < 4; i++) {
              log("main got " + await(q.get()));
            }
            return await(gather(putters));
          });
      assertThat(events)
          .containsExactly(
              "main got 0", "p1 put 1", "main got 1", "p2 put 2", "main got 2", "p3 put 3",
              "main got 3");
    }

    @Test
    void aGetterCancelledAfterItWasWokenPassesTheItemToTheNext() throws Exception {
      AsyncQueue<String> q = new AsyncQueue<>();
      runInForeground(
          () -> {
            Coroutine<Void> g1 = getter(q, "g1");
            Task<Void> t1 = scheduleCoroutine(g1);
            Task<Void> t2 = scheduleCoroutine(getter(q, "g2"));
            await(sleep(ZERO));
            q.putNowait("x"); // wakes g1
            t1.cancel(); // before g1 runs: it cannot take the item
            await(gather(List.of(t1, t2)));
            log("size " + q.size());
            return null;
          });
      assertThat(events).containsExactly("g1 cancelled", "g2 got x", "size 0");
    }

    @Test
    void aPutterCancelledAfterItWasWokenPassesTheRoomToTheNext() throws Exception {
      AsyncQueue<Integer> q = new AsyncQueue<>(1);
      q.putNowait(0);
      runInForeground(
          () -> {
            Task<Void> t1 = scheduleCoroutine(putter(q, "p1", 1));
            Task<Void> t2 = scheduleCoroutine(putter(q, "p2", 2));
            await(sleep(ZERO));
            log("main got " + q.getNowait()); // wakes p1
            t1.cancel(); // before p1 runs: it cannot take the room
            await(gather(List.of(t1, t2)));
            log("left " + q.getNowait() + " size " + q.size());
            return null;
          });
      assertThat(events).containsExactly("main got 0", "p1 cancelled", "p2 put 2", "left 2 size 0");
    }

    private Coroutine<Void> putter(AsyncQueue<Integer> q, String name, int item) {
      return () -> {
        try {
          await(q.put(item));
          log(name + " put " + item);
        } catch (CancellationException e) {
          log(name + " cancelled");
        }
        return null;
      };
    }

    private Coroutine<Void> getter(AsyncQueue<String> q, String name) {
      return () -> {
        try {
          log(name + " got " + await(q.get()));
        } catch (CancellationException e) {
          log(name + " cancelled");
        }
        return null;
      };
    }

    @Test
    void fastPathsReturnWithoutYielding() throws Exception {
      AsyncQueue<Integer> q = new AsyncQueue<>(1);
      runInForeground(
          () -> {
            q.putNowait(1);
            scheduleCoroutine(() -> logged("other ran"));
            log("got " + await(q.get()));
            await(q.put(2));
            log("put 2");
            q.getNowait();
            q.taskDone();
            q.taskDone();
            await(q.join());
            log("joined");
            await(sleep(ZERO));
            return null;
          });
      assertThat(events).containsExactly("got 1", "put 2", "joined", "other ran");
    }

    @Test
    void theJobTableSaysWhatEachTaskWaitsFor() throws Exception {
      AsyncQueue<Integer> empty = new AsyncQueue<>();
      AsyncQueue<Integer> full = new AsyncQueue<>(1);
      full.putNowait(0);
      scheduleCoroutine(empty.get()); // Task-1
      scheduleCoroutine(full.put(1)); // Task-2
      scheduleCoroutine(full.join()); // Task-3
      runInForeground(sleep(ZERO)); // Task-4: one step each

      assertThat(Fgbg.jobsTable(loop).lines().toList())
          .containsExactly(
              "[1]   Waiting  0.0 s  Task-1  get of queue",
              "[2]-  Waiting  0.0 s  Task-2  put of queue",
              "[3]+  Waiting  0.0 s  Task-3  join of queue");

      for (Task<?> t : Fgbg.allTasks(loop)) {
        t.cancel();
      }
      runInForeground(sleep(ZERO));
    }

    @Test
    void nullItemsAreRefused() {
      AsyncQueue<Integer> q = new AsyncQueue<>();
      assertThatThrownBy(() -> q.putNowait(null))
          .isExactlyInstanceOf(NullPointerException.class)
          .hasMessage("item");
      assertThatThrownBy(() -> q.put(null))
          .isExactlyInstanceOf(NullPointerException.class)
          .hasMessage("item");
      assertThatThrownBy(() -> AsyncQueue.priority(0, null))
          .isExactlyInstanceOf(NullPointerException.class)
          .hasMessage("order");
    }

    @Test
    void theNowaitCallsSayWhatWaitsInstead() {
      AsyncQueue<Integer> q = new AsyncQueue<>(1);
      assertThatThrownBy(q::getNowait)
          .isInstanceOf(java.util.NoSuchElementException.class)
          .hasMessage("getNowait() on an empty AsyncQueue: get() waits for an item");
      q.putNowait(1);
      assertThatThrownBy(() -> q.putNowait(2))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("putNowait() on a full AsyncQueue (maxSize 1): put() waits for room");
    }

    @Test
    void aMaxSizeOfZeroOrLessIsNoBound() {
      for (int maxSize : new int[] {0, -1, Integer.MIN_VALUE}) {
        AsyncQueue<Integer> q = new AsyncQueue<>(maxSize);
        for (int i = 0; i < 1000; i++) {
          q.putNowait(i);
        }
        assertThat(q.isFull()).isFalse();
        assertThat(q.size()).isEqualTo(1000);
        assertThat(q.maxSize()).isEqualTo(maxSize);
      }
    }

    @Test
    void equalItemsOfAPriorityQueueComeOutInTheOrderTheyWerePut() {
      record Job(int priority, String name) {}
      AsyncQueue<Job> q =
          AsyncQueue.priority(0, java.util.Comparator.comparingInt(Job::priority));
      String[] names = {"a", "b", "c", "d", "e", "f", "g", "h"};
      for (int i = 0; i < names.length; i++) {
        q.putNowait(new Job(i % 2 == 0 ? 2 : 1, names[i])); // odd places first
      }
      List<String> out = new ArrayList<>();
      while (!q.isEmpty()) {
        out.add(q.getNowait().name());
      }
      assertThat(out).containsExactly("b", "d", "f", "h", "a", "c", "e", "g");
    }

    @Test
    void aQueueServesTheLoopOfTheTaskThatFirstWaitedOnItOnly() throws Exception {
      AsyncQueue<Integer> q = new AsyncQueue<>();
      Task<Integer> getter = scheduleCoroutine(q.get());
      runInForeground(sleep(ZERO)); // it waits on the empty queue: the queue is this loop's now
      try (EventLoop other = EventLoop.createVirtual()) {
        assertThatThrownBy(() -> runInForeground(q.get(), other))
            .isExactlyInstanceOf(IllegalStateException.class)
            .hasMessageStartingWith(
                "get() of AsyncQueue called from another event loop than the one it belongs to");
        assertThatThrownBy(() -> runInForeground(() -> {
              q.putNowait(2);
              return null;
            }, other))
            .isExactlyInstanceOf(IllegalStateException.class)
            .hasMessageStartingWith("putNowait() of AsyncQueue called from another event loop");
      }
      q.putNowait(1); // plain code on this thread: the queue's own loop
      assertThat(runInForeground(getter)).isEqualTo(1);
    }

    @Test
    void aQueueNoTaskHasWaitedOnIsNobodysAndServesAnyLoop() throws Exception {
      AsyncQueue<Integer> q = new AsyncQueue<>();
      q.putNowait(1); // plain code, before any task waited: no loop is bound
      try (EventLoop other = EventLoop.createVirtual()) {
        assertThat(runInForeground(q.get(), other)).isEqualTo(1);
      }
    }


    @Test
    void getOutsideATaskSaysToUseRunInForeground() {
      AsyncQueue<Integer> q = new AsyncQueue<>();
      assertThatThrownBy(() -> q.get().run())
          .isExactlyInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("get() can only be used inside a task");
    }
  }

  Void logged(String event) {
    log(event);
    return null;
  }
}
