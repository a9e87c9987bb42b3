package io.fgbg;

/**
 * The loop's ready queue (asyncio's {@code _ready} deque): a FIFO ring of callbacks and task steps
 * that gives its memory back after a flood.
 *
 * <p>It does what {@link java.util.ArrayDeque} does for the loop ({@code addLast}, {@code
 * pollFirst}, {@code peekFirst}, {@code size}, {@code isEmpty}, {@code clear}) at the same cost:
 * no allocation and no lock, except when it grows (doubling, as ArrayDeque does) or shrinks. It
 * shrinks in two cases, both while it is empty, so that shrinking never copies:
 *
 * <ul>
 *   <li>it became empty {@value #QUIET_EMPTYINGS} times in a row having held less than an eighth
 *       of its capacity each time (a loop that stays busy after a flood): it shrinks to the power of
 *       two above four times the most it held meanwhile;
 *   <li>{@link #trim()} is called while it is empty (the loop is about to wait for work): it
 *       shrinks to its least capacity.
 * </ul>
 *
 * A loop whose every iteration fills the queue to about the same size never shrinks it, so the
 * steady state allocates nothing; a queue never shrinks below {@value #MIN_CAPACITY} slots.
 *
 * <p>Invariants: only the thread holding the loop's baton touches it. {@code elements.length} is a
 * power of two; the elements are {@code elements[head]}, {@code elements[head + 1]}, ... up to,
 * not including, {@code elements[tail]} (indices modulo the length); every other slot is null, so
 * the queue keeps nothing alive it does not hold. {@code head == tail} means empty: the queue grows
 * when an element fills its last free slot.
 */
final class ReadyQueue {
  static final int MIN_CAPACITY = 64;
  static final int QUIET_EMPTYINGS = 16;

  private Object[] elements = new Object[MIN_CAPACITY];
  private int head;
  private int tail;
  /** The most the queue has held since it was last empty. */
  private int peak;
  /** How many emptyings in a row found the queue had held less than an eighth of its capacity. */
  private int quietEmptyings;
  /** The most the queue held during those quiet emptyings. */
  private int quietPeak;

  void addLast(Object e) {
    if (e == null) {
      throw new NullPointerException("e");
    }
    Object[] es = elements;
    int mask = es.length - 1;
    es[tail] = e;
    int t = (tail + 1) & mask;
    tail = t;
    int size = (t - head) & mask;
    if (size > peak) {
      peak = size;
    }
    if (t == head) {
      grow();
    }
  }

  /** The first element, removed; or null if the queue is empty. */
  Object pollFirst() {
    Object[] es = elements;
    int h = head;
    Object e = es[h];
    if (e == null) {
      return null;
    }
    es[h] = null;
    h = (h + 1) & (es.length - 1);
    head = h;
    if (h == tail) {
      emptied();
    }
    return e;
  }

  /** The first element, left in place; or null if the queue is empty. */
  Object peekFirst() {
    return elements[head];
  }

  int size() {
    return (tail - head) & (elements.length - 1);
  }

  boolean isEmpty() {
    return head == tail;
  }

  /** Drops every element, and gives the memory back as {@link #trim()} does. */
  void clear() {
    Object[] es = elements;
    for (int i = head; i != tail; i = (i + 1) & (es.length - 1)) {
      es[i] = null;
    }
    head = 0;
    tail = 0;
    peak = 0;
    trim();
  }

  /**
   * Shrinks to the least capacity if the queue is empty (else does nothing): for the loop to call
   * before it waits for work, so that a loop left idle after a flood does not keep the flood's
   * memory. Costs a comparison unless the queue has grown beyond its least capacity.
   */
  void trim() {
    if (head == tail && elements.length > MIN_CAPACITY) {
      shrinkTo(MIN_CAPACITY);
    }
  }

  /** The number of slots, for tests and diagnostics. */
  int capacity() {
    return elements.length;
  }

  @Override
  public String toString() {
    return "ReadyQueue[" + size() + " of " + elements.length + "]";
  }

  private void grow() {
    Object[] es = elements;
    int n = es.length;
    if (n == 1 << 30) {
      throw new IllegalStateException("the loop's ready queue is full (2^30 callbacks)");
    }
    Object[] bigger = new Object[n << 1];
    // full: head == tail; the elements run from head to the end, then from 0 to head
    int firstPart = n - head;
    System.arraycopy(es, head, bigger, 0, firstPart);
    System.arraycopy(es, 0, bigger, firstPart, head);
    elements = bigger;
    head = 0;
    tail = n;
    quietEmptyings = 0;
    quietPeak = 0;
  }

  /** The queue has just become empty. */
  private void emptied() {
    int p = peak;
    peak = 0;
    int n = elements.length;
    if (n == MIN_CAPACITY) {
      return;
    }
    if (p >= n >> 3) {
      quietEmptyings = 0;
      quietPeak = 0;
      return;
    }
    if (p > quietPeak) {
      quietPeak = p;
    }
    if (++quietEmptyings >= QUIET_EMPTYINGS) {
      int target = Integer.highestOneBit(Math.max(quietPeak, 1)) << 3; // more than 4x, < n
      shrinkTo(Math.max(MIN_CAPACITY, target));
    }
  }

  /** While empty: a new array of {@code capacity} slots, a power of two. */
  private void shrinkTo(int capacity) {
    if (capacity < elements.length) {
      elements = new Object[capacity];
    }
    head = 0;
    tail = 0;
    peak = 0;
    quietEmptyings = 0;
    quietPeak = 0;
  }
}
