package io.fgbg;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * One direction of a connection of a {@link MemoryNetwork}: what one endpoint has sent and the
 * other has not taken yet, as a loopback socket's kernel buffers and the wire between them hold it.
 * Each segment is due at the instant it arrives (when it was sent plus the direction's latency,
 * never before the segment ahead of it); data arrives in order and is followed, at most once each,
 * by the end of the stream (FIN) and a reset (RST).
 *
 * <p>A segment reaches the receiving endpoint in a callback on the loop: {@code callSoon} once it
 * is due, a timer until then, one feed of at most {@code maxBytesPerRead} bytes per callback, as a
 * socket gives one read per ready event. Nothing is taken while the network is stalled or the
 * receiver does not read (its reader is full, or it has seen the end of the stream); data waiting
 * here counts against {@link #WINDOW}, past which the sender's own buffer grows, and that buffer is
 * what pauses its writer.
 *
 * <p>Invariants: only the thread holding the loop's baton touches it. {@code inFlight} is the
 * number of data bytes in {@code segments}. At most one wake-up callback is pending ({@code wake},
 * due at {@code wakeAt}); none while the network is stalled.
 */
final class MemoryLink {
  /** The data bytes a direction holds (a socket's send and receive buffers together). */
  static final int WINDOW = 64 * 1024;

  private static final long NEVER = Long.MAX_VALUE;

  private enum Kind {
    DATA,
    FIN,
    RST
  }

  private record Segment(Kind kind, ByteBuffer data, long due) {}

  private final MemoryNetwork network;
  private final EventLoop loop;

  /** Client to server (the latency {@code toServer} applies), or back. */
  final boolean toServer;

  private MemoryTransport from;
  private MemoryTransport to;
  private final ArrayDeque<Segment> segments = new ArrayDeque<>();
  private int inFlight;
  private long lastDue = Long.MIN_VALUE;
  private Handle wake;
  private long wakeAt;

  /** The receiver has been told that the reset at the end of the queue has arrived. */
  private boolean resetNoted;

  MemoryLink(MemoryNetwork network, EventLoop loop, boolean toServer) {
    this.network = network;
    this.loop = loop;
    this.toServer = toServer;
  }

  void connect(MemoryTransport from, MemoryTransport to) {
    this.from = from;
    this.to = to;
  }

  /** Data bytes the sender may still put in: the window less what is in flight. */
  int room() {
    return WINDOW - inFlight;
  }

  /** Puts {@code data} (which the link may keep: nobody else writes it) on the way. */
  void sendData(ByteBuffer data) {
    inFlight += data.remaining();
    add(new Segment(Kind.DATA, data, dueTime()));
  }

  /** The end of the stream, after the data sent so far. */
  void sendFin() {
    add(new Segment(Kind.FIN, null, dueTime()));
  }

  /** A reset, after the data sent so far. */
  void sendRst() {
    add(new Segment(Kind.RST, null, dueTime()));
  }

  /** True if data has arrived that the receiver has not taken (its socket's receive queue). */
  boolean hasArrivedData() {
    Segment head = segments.peekFirst();
    return head != null && head.kind == Kind.DATA && head.due <= loop.sources.now();
  }

  /** Drops everything at once, arrived or not (the connection was reset). */
  void clear() {
    segments.clear();
    inFlight = 0;
    cancelWake();
    network.idle(this);
  }

  private long dueTime() {
    long arrival = EventSources.saturatedAdd(loop.sources.now(), network.latencyNanos(toServer));
    long due = Math.max(arrival, lastDue);
    lastDue = due;
    return due;
  }

  private void add(Segment segment) {
    if (segments.isEmpty()) {
      network.active(this);
    }
    segments.addLast(segment);
    schedule();
  }

  // ---- delivery

  /**
   * Makes sure a callback comes when the receiver can next take something: at once if that is due
   * now, else on a timer. Called whenever the queue or the receiver's state changes.
   */
  void schedule() {
    if (network.isStalled()) {
      cancelWake();
      return;
    }
    long next = nextWakeTime();
    if (next == NEVER || (wake != null && wakeAt <= next)) {
      return;
    }
    cancelWake();
    long now = loop.sources.now();
    wakeAt = next;
    wake =
        next <= now ? loop.callSoonOnLoop(this::deliver) : loop.sources.callAt(next, this::deliver);
  }

  private void cancelWake() {
    if (wake != null) {
      wake.cancel();
      wake = null;
    }
  }

  private long nextWakeTime() {
    long next = NEVER;
    Segment last = segments.peekLast();
    if (last != null && last.kind == Kind.RST && !resetNoted) {
      next = last.due;
    }
    Segment head = segments.peekFirst();
    if (head != null && canTake(head)) {
      next = Math.min(next, head.due);
    }
    return next;
  }

  private boolean canTake(Segment segment) {
    return switch (segment.kind) {
      case DATA -> to.dropsArrivals() || to.isReading();
      case FIN -> to.takesEnd();
      case RST -> to.isReading() || to.dropsArrivals();
    };
  }

  private void deliver() {
    wake = null;
    if (network.isStalled()) {
      return;
    }
    step(loop.sources.now());
    schedule();
  }

  /** One delivery: the news of a reset that has arrived, then the first segment if it is due. */
  private void step(long now) {
    Segment last = segments.peekLast();
    if (last != null && last.kind == Kind.RST && !resetNoted && last.due <= now) {
      resetNoted = true;
      to.resetArrived();
    }
    Segment head = segments.peekFirst();
    if (head == null || head.due > now || !canTake(head)) {
      return;
    }
    switch (head.kind) {
      case DATA -> {
        if (to.dropsArrivals()) {
          dropArrivedData(now);
          to.dataArrivedAfterClose();
        } else {
          feed(now);
        }
        from.windowOpened();
      }
      case FIN -> {
        poll();
        to.endArrived();
      }
      case RST -> {
        poll();
        to.resetTaken();
      }
    }
  }

  /** Feeds the receiver one read's worth of the data that has arrived. */
  private void feed(long now) {
    int max = network.maxBytesPerRead();
    Segment head = segments.peekFirst();
    ByteBuffer chunk;
    if (head.data.remaining() > max) {
      chunk = head.data.slice(head.data.position(), max);
      head.data.position(head.data.position() + max);
    } else {
      chunk = gather(now, max);
    }
    inFlight -= chunk.remaining();
    to.received(chunk);
  }

  /**
   * The first segment, which holds at most {@code max} bytes, joined with the data segments arrived
   * behind it up to {@code max} bytes in all (a socket's read takes its whole receive queue); the
   * segments used up are removed.
   */
  private ByteBuffer gather(long now, int max) {
    Segment head = poll();
    int total = head.data.remaining();
    Segment next = segments.peekFirst();
    if (next == null || next.kind != Kind.DATA || next.due > now || total >= max) {
      return head.data;
    }
    for (Segment s : segments) {
      if (s.kind != Kind.DATA || s.due > now || total >= max) {
        break;
      }
      total += Math.min(s.data.remaining(), max - total);
    }
    ByteBuffer joined = ByteBuffer.allocate(total);
    joined.put(head.data);
    while (joined.hasRemaining()) {
      Segment s = segments.peekFirst();
      int n = Math.min(s.data.remaining(), joined.remaining());
      joined.put(s.data.slice(s.data.position(), n));
      s.data.position(s.data.position() + n);
      if (!s.data.hasRemaining()) {
        poll();
      }
    }
    return joined.flip();
  }

  private void dropArrivedData(long now) {
    Segment head;
    while ((head = segments.peekFirst()) != null && head.kind == Kind.DATA && head.due <= now) {
      inFlight -= head.data.remaining();
      poll();
    }
  }

  private Segment poll() {
    Segment head = segments.pollFirst();
    if (segments.isEmpty()) {
      network.idle(this);
    }
    return head;
  }

  @Override
  public String toString() {
    return "MemoryLink["
        + (toServer ? "to server" : "to client")
        + ", "
        + segments.size()
        + " segments, "
        + inFlight
        + " bytes in flight]";
  }
}
