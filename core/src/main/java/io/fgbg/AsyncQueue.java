package io.fgbg;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.StringJoiner;

/**
 * A queue that hands items from producer tasks to consumer tasks of one loop: asyncio's {@code
 * Queue}, {@code PriorityQueue} and {@code LifoQueue}, with Python 3.13's shutdown.
 *
 * <p>Thread regime: the queue belongs to the loop of the task that first waits on it ({@link LoopBound}); every
 * method but {@link #maxSize()} runs holding that loop's baton, and only the baton holder touches
 * the items, the waiters and the counts. A task's body holds the baton while it runs, so {@link
 * #get()}, {@link #put(Object)} and {@link #join()} touch the queue directly between their
 * suspensions. Another thread gets an {@code IllegalStateException} while the loop runs there; it
 * posts its puts with the loop's {@link EventLoop#callSoonThreadsafe(Runnable)}.
 *
 * <pre>{@code
 * AsyncQueue<String> lines = new AsyncQueue<>(100);           // at most 100 waiting
 * Task<Void> consumer = scheduleCoroutine(() -> {
 *   for (;;) {
 *     System.out.println(await(lines.get()));                 // waits for an item
 *     lines.taskDone();
 *   }
 * });
 * runInForeground(() -> {
 *   for (String line : List.of("a", "b", "c")) {
 *     await(lines.put(line));                                 // waits while the queue is full
 *   }
 *   await(lines.join());                                      // until each one was handled
 *   return null;
 * });
 * consumer.cancel();
 * }</pre>
 *
 * <p>{@code get()}, {@code put()} and {@code join()} return coroutines that suspend only when they
 * must wait: getting from a queue that has an item, putting into one that has room, joining a queue
 * whose items are all done return without yielding. Waiting getters and putters are woken in the
 * order they came (FIFO); a waiter that is cancelled after it was woken passes its turn to the
 * next one, so no item and no free place is lost. The others never suspend. Items are never null.
 *
 * <p>Three orders, by factory: {@code new AsyncQueue<>(n)} is first in, first out (a deque);
 * {@link #priority(int)} gives the least item first (a binary heap); {@link #lifo(int)} the last
 * item put first (a stack).
 *
 * <p>Differences from asyncio: null items are refused; {@code taskDone()}
 * too often is an {@code IllegalStateException} (asyncio: {@code ValueError}); the exceptions carry
 * a message; the priority queue takes a {@link Comparator} and gives equal items in the order they
 * were put (asyncio's {@code heapq} gives them in an order that depends on the heap's shape).
 *
 * @param <E> the type of the items
 */
public class AsyncQueue<E> extends LoopBound {
  private final int maxSize; // <= 0: unbounded
  /** asyncio's {@code _queue}: where the items are, in the order of this kind of queue. */
  private final Storage<E> items;
  /**
   * asyncio's {@code _getters}: a future per task waiting for an item, oldest first. A future is
   * taken off when it is woken (done) or when its task leaves {@code get()}; one that is done (its
   * task was cancelled) is skipped by the next wake-up. Package-private for the ported tests, which
   * look at it as asyncio's tests look at {@code _getters}.
   */
  final ArrayDeque<LoopFuture<Void>> getters = new ArrayDeque<>();
  /** asyncio's {@code _putters}: the same for tasks waiting for room. */
  final ArrayDeque<LoopFuture<Void>> putters = new ArrayDeque<>();
  /** Items put and not yet marked done by {@link #taskDone()}; never negative. */
  private int unfinishedTasks;
  /**
   * asyncio's {@code _finished} event, inlined: set exactly when {@code unfinishedTasks} is 0 (a
   * put clears it, the last taskDone sets it), and {@code joiners} are its waiters.
   */
  private boolean finished = true;

  private final ArrayList<LoopFuture<Void>> joiners = new ArrayList<>();
  private boolean isShutdown;

  /** A first-in, first-out queue without a bound. Never suspends. */
  public AsyncQueue() {
    this(0);
  }

  /**
   * A first-in, first-out queue that holds at most {@code maxSize} items. Never suspends.
   *
   * @param maxSize the most items it holds; 0 or less: no bound (as in asyncio)
   */
  public AsyncQueue(int maxSize) {
    this(maxSize, new Fifo<>());
  }

  private AsyncQueue(int maxSize, Storage<E> items) {
    this.maxSize = maxSize;
    this.items = items;
  }

  /**
   * A queue that gives the least item first, in the items' natural order: asyncio's {@code
   * PriorityQueue}. Items that compare equal come out in the order they were put. Never suspends.
   *
   * @param maxSize the most items it holds; 0 or less: no bound
   * @param <E> the type of the items
   * @return the queue
   */
  public static <E extends Comparable<? super E>> AsyncQueue<E> priority(int maxSize) {
    return priority(maxSize, Comparator.<E>naturalOrder());
  }

  /**
   * A queue that gives the least item first by {@code order}: asyncio's {@code PriorityQueue}, kept
   * as a binary heap. Items that {@code order} finds equal come out in the order they were put
   * (first in, first out). Never suspends.
   *
   * @param maxSize the most items it holds; 0 or less: no bound
   * @param order the order of the items, least first
   * @param <E> the type of the items
   * @return the queue
   * @throws NullPointerException if {@code order} is null
   */
  public static <E> AsyncQueue<E> priority(int maxSize, Comparator<? super E> order) {
    Objects.requireNonNull(order, "order");
    return new AsyncQueue<>(maxSize, new Heap<>(order));
  }

  /**
   * A queue that gives the item put last first: asyncio's {@code LifoQueue}, kept as a stack.
   * Never suspends.
   *
   * @param maxSize the most items it holds; 0 or less: no bound
   * @param <E> the type of the items
   * @return the queue
   */
  public static <E> AsyncQueue<E> lifo(int maxSize) {
    return new AsyncQueue<>(maxSize, new Lifo<>());
  }

  @Override
  final String kind() {
    return "AsyncQueue";
  }

  // ------------------------------------------------------------------ state

  /**
   * The number of items in the queue (asyncio's {@code qsize()}). Never suspends.
   *
   * @return how many items wait to be got
   * @throws IllegalStateException from a thread other than the queue's loop's while it runs
   */
  public int size() {
    return onLoop("size", items::size);
  }

  /**
   * The most items the queue holds, as given; 0 or less means no bound. Never suspends; any thread.
   *
   * @return the bound given when the queue was made
   */
  public int maxSize() {
    return maxSize;
  }

  /**
   * Whether the queue has no item (asyncio's {@code empty()}). Never suspends.
   *
   * @return true if a get would wait
   * @throws IllegalStateException from a thread other than the queue's loop's while it runs
   */
  public boolean isEmpty() {
    return onLoop("isEmpty", this::empty);
  }

  /**
   * Whether the queue holds {@link #maxSize()} items (asyncio's {@code full()}); never true for a
   * queue without a bound. Never suspends.
   *
   * @return true if a put would wait
   * @throws IllegalStateException from a thread other than the queue's loop's while it runs
   */
  public boolean isFull() {
    return onLoop("isFull", this::full);
  }

  private boolean empty() {
    return items.size() == 0;
  }

  private boolean full() {
    return maxSize > 0 && items.size() >= maxSize;
  }

  // ------------------------------------------------------------------ put

  /**
   * Puts {@code item} at the end of the queue, first waiting for room while the queue is full.
   *
   * <p>A suspension point only while the queue is full: into a queue with room it returns without
   * yielding. A putter that is cancelled while it waits puts nothing; one that had been woken for a
   * free place passes it to the next putter.
   *
   * @param item the item
   * @return a coroutine to await, inside a task
   * @throws NullPointerException if {@code item} is null (at once)
   */
  public Coroutine<Void> put(E item) {
    Objects.requireNonNull(item, "item");
    return () -> {
      CoroutineTask<?> self = enter("put");
      while (full()) {
        if (isShutdown) {
          throw shutDownForPut();
        }
        LoopFuture<Void> putter = newWaiter("put of queue");
        putters.addLast(putter);
        try {
          self.await(putter);
        } catch (Throwable e) {
          putter.cancelOnLoop(); // in case it is not done yet
          putters.remove(putter); // gone already if a get or a shutdown woke it
          if (!full() && !putter.isCancelled()) {
            wakeUpNext(putters); // woken for a free place it cannot take: the next one takes it
          }
          throw e;
        }
      }
      putOnLoop(item);
      return null;
    };
  }

  /**
   * Puts {@code item} at the end of the queue at once. Never suspends.
   *
   * @param item the item
   * @throws NullPointerException if {@code item} is null
   * @throws QueueFullException if the queue holds {@link #maxSize()} items
   * @throws QueueShutDownException if the queue was shut down
   * @throws IllegalStateException from a thread other than the queue's loop's while it runs
   */
  public void putNowait(E item) {
    Objects.requireNonNull(item, "item");
    onLoop("putNowait", () -> putOnLoop(item));
  }

  /** asyncio's {@code put_nowait}, holding the baton. */
  private void putOnLoop(E item) {
    if (isShutdown) {
      throw shutDownForPut();
    }
    if (full()) {
      throw new QueueFullException(
          "putNowait() on a full AsyncQueue (maxSize " + maxSize + "): put() waits for room");
    }
    items.put(item);
    unfinishedTasks++;
    finished = false; // asyncio's _finished.clear()
    wakeUpNext(getters);
  }

  // ------------------------------------------------------------------ get

  /**
   * Takes the next item out of the queue, first waiting for one while the queue is empty.
   *
   * <p>A suspension point only while the queue is empty: from a queue with an item it returns
   * without yielding. A getter that is cancelled while it waits takes nothing; one that had been
   * woken for an item passes it to the next getter.
   *
   * @return a coroutine to await, inside a task, for the item
   * @throws QueueShutDownException (from the coroutine) once the queue was shut down and is empty
   */
  public Coroutine<E> get() {
    return () -> {
      CoroutineTask<?> self = enter("get");
      while (empty()) {
        if (isShutdown) {
          throw shutDownForGet();
        }
        LoopFuture<Void> getter = newWaiter("get of queue");
        getters.addLast(getter);
        try {
          self.await(getter);
        } catch (Throwable e) {
          getter.cancelOnLoop(); // in case it is not done yet
          getters.remove(getter); // gone already if a put or a shutdown woke it
          if (!empty() && !getter.isCancelled()) {
            wakeUpNext(getters); // woken for an item it cannot take: the next one takes it
          }
          throw e;
        }
      }
      return getOnLoop();
    };
  }

  /**
   * Takes the next item out of the queue at once. Never suspends.
   *
   * @return the item
   * @throws QueueEmptyException if the queue is empty
   * @throws QueueShutDownException if the queue is empty and was shut down
   * @throws IllegalStateException from a thread other than the queue's loop's while it runs
   */
  public E getNowait() {
    return onLoop("getNowait", this::getOnLoop);
  }

  /** asyncio's {@code get_nowait}, holding the baton. */
  private E getOnLoop() {
    if (empty()) {
      if (isShutdown) {
        throw shutDownForGet();
      }
      throw new QueueEmptyException("getNowait() on an empty AsyncQueue: get() waits for an item");
    }
    E item = items.get();
    wakeUpNext(putters);
    return item;
  }

  // ------------------------------------------------------------------ join

  /**
   * Marks one item that was got as handled, for {@link #join()}: a consumer calls it once per item
   * it got, when it is done with the item. Never suspends.
   *
   * @throws IllegalStateException if called more times than items were put (items dropped by
   *     {@code shutdown(true)} count as done already), or from a thread other than the queue's
   *     loop's while it runs
   */
  public void taskDone() {
    onLoop(
        "taskDone",
        () -> {
          if (unfinishedTasks <= 0) {
            throw new IllegalStateException(
                "taskDone() called more times than there were items put");
          }
          unfinishedTasks--;
          if (unfinishedTasks == 0) {
            setFinished();
          }
        });
  }

  /**
   * Waits until every item put has been marked done with {@link #taskDone()}.
   *
   * <p>A suspension point only while some item is not done: it returns without yielding otherwise.
   * The joiners wake together, when the last item is marked done.
   *
   * @return a coroutine to await, inside a task
   */
  public Coroutine<Void> join() {
    return () -> {
      CoroutineTask<?> self = enter("join");
      if (unfinishedTasks > 0) {
        awaitFinished(self);
      }
      return null;
    };
  }

  /** asyncio's {@code Event.wait()} of {@code _finished}. */
  private void awaitFinished(CoroutineTask<?> self) throws Exception {
    if (finished) {
      return;
    }
    LoopFuture<Void> joiner = newWaiter("join of queue");
    joiners.add(joiner);
    try {
      self.await(joiner);
    } finally {
      joiners.remove(joiner);
    }
  }

  /** asyncio's {@code Event.set()} of {@code _finished}: wakes every joiner, in order. */
  private void setFinished() {
    if (!finished) {
      finished = true;
      for (LoopFuture<Void> joiner : joiners) {
        joiner.setResultIfPending(null);
      }
    }
  }

  // ------------------------------------------------------------------ shutdown

  /**
   * Shuts the queue down, keeping its items for the getters: {@code shutdown(false)}. Never
   * suspends.
   *
   * @throws IllegalStateException from a thread other than the queue's loop's while it runs
   */
  public void shutdown() {
    shutdown(false);
  }

  /**
   * Shuts the queue down (asyncio 3.13's {@code shutdown(immediate)}): every put from now on throws
   * {@link QueueShutDownException}, and so does every get once the queue is empty. With {@code
   * immediate}, the items still in the queue are dropped and each counts as done for {@link
   * #join()}, so gets throw at once and joiners may wake. Every task waiting to put or to get is
   * woken, in the order it came, to try again and throw. Calling it again does no harm. Never
   * suspends.
   *
   * @param immediate whether to drop the items left in the queue
   * @throws IllegalStateException from a thread other than the queue's loop's while it runs
   */
  public void shutdown(boolean immediate) {
    onLoop(
        "shutdown",
        () -> {
          isShutdown = true;
          if (immediate) {
            while (!empty()) {
              items.get();
              if (unfinishedTasks > 0) {
                unfinishedTasks--;
              }
            }
            if (unfinishedTasks == 0) {
              setFinished();
            }
          }
          wakeUpAll(getters); // each one checks again whether the queue is empty, and throws
          wakeUpAll(putters);
        });
  }

  private static QueueShutDownException shutDownForPut() {
    return new QueueShutDownException("put into an AsyncQueue that was shut down");
  }

  private static QueueShutDownException shutDownForGet() {
    return new QueueShutDownException(
        "get from an AsyncQueue that was shut down and has no item left");
  }

  // ------------------------------------------------------------------ waiters

  /**
   * Binds the queue to the calling task's loop, or refuses a task of another loop; returns the
   * task. Everything after it in a coroutine's body touches the queue directly: the body holds its
   * loop's baton while it runs.
   */
  private CoroutineTask<?> enter(String call) {
    CoroutineTask<?> self = Fgbg.requireTask(call);
    onLoop(call, () -> {});
    return self;
  }

  /** asyncio's {@code _wakeup_next}: wakes the oldest waiter that is not done (cancelled). */
  private static void wakeUpNext(ArrayDeque<LoopFuture<Void>> waiters) {
    while (!waiters.isEmpty()) {
      LoopFuture<Void> waiter = waiters.pollFirst();
      if (!waiter.isDone()) {
        waiter.setResult(null);
        break;
      }
    }
  }

  /** Wakes every waiter that is not done, oldest first, and forgets them all. */
  private static void wakeUpAll(ArrayDeque<LoopFuture<Void>> waiters) {
    while (!waiters.isEmpty()) {
      waiters.pollFirst().setResultIfPending(null);
    }
  }

  // ------------------------------------------------------------------ printing

  /**
   * The queue's state, as asyncio's {@code str()} gives it: {@code AsyncQueue(maxSize=1 items=[a]
   * getters[0] putters[2] tasks=3 shutdown)}, leaving out what is empty or zero; at most 10 items
   * are listed. Never waits: while the loop runs in another thread, only {@code maxSize} is known.
   */
  @Override
  public String toString() {
    EventLoop l = boundLoop();
    String state = l == null ? format() : l.onLoopIfFree(this::format);
    return "AsyncQueue(" + (state != null ? state : "maxSize=" + maxSize + " (loop busy)") + ")";
  }

  private String format() {
    StringBuilder s = new StringBuilder("maxSize=").append(maxSize);
    if (!empty()) {
      StringJoiner listed = new StringJoiner(", ", "[", "]");
      Iterator<E> it = items.iterator();
      for (int i = 0; i < 10 && it.hasNext(); i++) {
        listed.add(String.valueOf(it.next()));
      }
      if (it.hasNext()) {
        listed.add("... " + (items.size() - 10) + " more");
      }
      s.append(" items=").append(listed);
    }
    if (!getters.isEmpty()) {
      s.append(" getters[").append(getters.size()).append(']');
    }
    if (!putters.isEmpty()) {
      s.append(" putters[").append(putters.size()).append(']');
    }
    if (unfinishedTasks != 0) {
      s.append(" tasks=").append(unfinishedTasks);
    }
    if (isShutdown) {
      s.append(" shutdown");
    }
    return s.toString();
  }

  // ------------------------------------------------------------------ storage

  /** asyncio's overridable {@code _init}, {@code _put} and {@code _get}: the queue's order. */
  private sealed interface Storage<E> permits Fifo, Heap, Lifo {
    void put(E item);

    /** Takes the next item; only when there is one. */
    E get();

    int size();

    /** The items as they are kept (not the order they come out in, for the heap). */
    Iterator<E> iterator();
  }

  /** {@code Queue}'s {@code collections.deque}: append, popleft. */
  private static final class Fifo<E> implements Storage<E> {
    private final ArrayDeque<E> deque = new ArrayDeque<>();

    @Override
    public void put(E item) {
      deque.addLast(item);
    }

    @Override
    public E get() {
      return deque.pollFirst();
    }

    @Override
    public int size() {
      return deque.size();
    }

    @Override
    public Iterator<E> iterator() {
      return deque.iterator();
    }
  }

  /** {@code LifoQueue}'s list: append, pop. Listed from the bottom of the stack, as Python does. */
  private static final class Lifo<E> implements Storage<E> {
    private final ArrayDeque<E> stack = new ArrayDeque<>();

    @Override
    public void put(E item) {
      stack.addLast(item);
    }

    @Override
    public E get() {
      return stack.pollLast();
    }

    @Override
    public int size() {
      return stack.size();
    }

    @Override
    public Iterator<E> iterator() {
      return stack.iterator();
    }
  }

  /**
   * {@code PriorityQueue}'s {@code heapq}: a binary heap (the JDK's), whose entries carry the
   * number of their put, so that equal items come out first in, first out.
   */
  private static final class Heap<E> implements Storage<E> {
    private record Entry<E>(E item, long seq) {}

    private final PriorityQueue<Entry<E>> heap;
    private long puts;

    Heap(Comparator<? super E> order) {
      Comparator<Entry<E>> byItem = (a, b) -> order.compare(a.item(), b.item());
      this.heap = new PriorityQueue<>(byItem.thenComparingLong(Entry::seq));
    }

    @Override
    public void put(E item) {
      heap.add(new Entry<>(item, puts));
      puts++;
    }

    @Override
    public E get() {
      return heap.poll().item();
    }

    @Override
    public int size() {
      return heap.size();
    }

    @Override
    public Iterator<E> iterator() {
      List<E> listed = new ArrayList<>(heap.size());
      for (Entry<E> e : heap) {
        listed.add(e.item());
      }
      return listed.iterator();
    }
  }
}
