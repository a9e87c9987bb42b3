package io.fgbg;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.util.ArrayDeque;
import java.util.Objects;

/**
 * fgbg's {@link DatagramEndpoint}: a non-blocking {@link DatagramChannel} on the loop's selector,
 * asyncio's {@code _SelectorDatagramTransport} with a protocol that queues what arrives.
 *
 * <p>Invariants: only the thread holding the loop's baton touches its state; the public methods
 * take the baton (or refuse, if the loop runs in another thread), and refuse the tasks of other
 * loops before they touch anything. At most {@link #QUEUE} datagrams wait in {@code received}
 * (past it the oldest goes, counted in {@code dropped}) and at most {@link #QUEUE} in {@code
 * toSend}; the selector watches for writing only while {@code toSend} is not empty. {@code error}
 * holds the first failure no receive has thrown yet. {@code dropped} and {@code closed} are
 * written by the baton holder only and read anywhere (volatile); {@code local} is fixed.
 */
final class LoopDatagramEndpoint implements DatagramEndpoint, Runnable {
  /** Datagrams that wait to be received, and to be sent. */
  static final int QUEUE = 1024;

  private final EventLoop loop;
  private final SelectorEvents io;
  private final DatagramChannel channel;
  private final SelectionKey key;
  private final InetSocketAddress local;
  private final InetSocketAddress remote;
  private final ArrayDeque<Datagram> received = new ArrayDeque<>();
  private final ArrayDeque<LoopFuture<Void>> waiters = new ArrayDeque<>(1);
  private final ArrayDeque<Outgoing> toSend = new ArrayDeque<>();
  private IOException error;
  private volatile long dropped;
  private long sendDropped;
  private long readFromSocket;
  private volatile boolean closed;

  /** A datagram waiting for room in the socket's send buffer; {@code to} null: the remote. */
  private record Outgoing(ByteBuffer data, InetSocketAddress to) {}

  private LoopDatagramEndpoint(
      EventLoop loop, DatagramChannel channel, InetSocketAddress remote) throws IOException {
    this.loop = loop;
    this.io = Streams.selector(loop);
    this.channel = channel;
    this.remote = remote;
    this.local = (InetSocketAddress) channel.getLocalAddress();
    this.key = io.register(channel, SelectionKey.OP_READ, this);
  }

  /** {@link Fgbg#openDatagramEndpoint}: binds (null: an ephemeral port), connects if remote. */
  static Coroutine<DatagramEndpoint> open(InetSocketAddress local, InetSocketAddress remote) {
    return () -> {
      CoroutineTask<?> task = Fgbg.requireTask("openDatagramEndpoint");
      InetSocketAddress chosen = local != null ? local : remote;
      DatagramChannel channel =
          chosen == null || chosen.getAddress() == null
              ? DatagramChannel.open()
              : DatagramChannel.open(family(chosen));
      try {
        channel.configureBlocking(false);
        channel.bind(local);
        if (remote != null) {
          channel.connect(remote);
        }
        return new LoopDatagramEndpoint(task.loop, channel, remote);
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
    };
  }

  /** An IPv4 address gets an IPv4 socket (as "0.0.0.0" in asyncio), an IPv6 one an IPv6 socket. */
  private static ProtocolFamily family(InetSocketAddress address) {
    return address.getAddress() instanceof Inet4Address
        ? StandardProtocolFamily.INET
        : StandardProtocolFamily.INET6;
  }

  // ---- the selector

  /** The socket is ready: reads what waits (a queue's worth at most), then sends what waits. */
  @Override
  public void run() {
    if (!key.isValid()) {
      return;
    }
    int ready = key.readyOps();
    if ((ready & SelectionKey.OP_READ) != 0) {
      readReady();
    }
    if ((ready & SelectionKey.OP_WRITE) != 0 && !toSend.isEmpty() && !closed) {
      writeReady();
    }
  }

  private void readReady() {
    ByteBuffer in = io.readBuffer;
    for (int i = 0; i < QUEUE && !closed; i++) {
      in.clear();
      SocketAddress from;
      try {
        from = channel.receive(in);
      } catch (IOException e) { // an ICMP error of a connected endpoint: PortUnreachableException
        failNextReceive(e);
        return;
      }
      if (from == null) {
        return;
      }
      in.flip();
      byte[] data = new byte[in.remaining()];
      in.get(data);
      readFromSocket++;
      arrived(new Datagram(data, (InetSocketAddress) from));
    }
  }

  private void arrived(Datagram datagram) {
    received.addLast(datagram);
    if (received.size() > QUEUE) {
      received.pollFirst();
      dropped++; // one writer: the baton holder
    }
    for (LoopFuture<Void> w : waiters) {
      if (!w.isDone()) {
        w.setResult(null); // that task takes the oldest when it runs
        return;
      }
    }
  }

  private void failNextReceive(IOException e) {
    for (LoopFuture<Void> w : waiters) {
      if (!w.isDone()) {
        w.setException(e);
        return;
      }
    }
    if (error == null) {
      error = e;
    }
  }

  private void writeReady() {
    while (!toSend.isEmpty()) {
      Outgoing next = toSend.peekFirst();
      try {
        if (!sendNow(next.data(), next.to())) {
          return; // still no room: the selector tells when there is
        }
      } catch (IOException e) {
        failNextReceive(e);
      }
      toSend.pollFirst();
    }
    key.interestOps(SelectionKey.OP_READ);
  }

  /** True if the datagram went (all of it: a datagram goes whole or not at all). */
  private boolean sendNow(ByteBuffer data, InetSocketAddress to) throws IOException {
    int size = data.remaining();
    int sent = to == null ? channel.write(data) : channel.send(data, to);
    return sent > 0 || size == 0;
  }

  // ---- DatagramEndpoint

  @Override
  public void send(byte[] data) {
    send(data, null);
  }

  @Override
  public void send(byte[] data, InetSocketAddress to) {
    Objects.requireNonNull(data, "data");
    Streams.onLoop(loop, "send", this, () -> sendOnLoop(data, to));
  }

  private void sendOnLoop(byte[] data, InetSocketAddress to) {
    if (closed) {
      throw new IllegalStateException("send() after close() of " + describe());
    }
    InetSocketAddress target;
    if (remote != null) {
      if (to != null && !to.equals(remote)) {
        throw new IllegalArgumentException("Invalid address: must be null or " + remote);
      }
      target = null; // connected: write() to the remote
    } else if (to == null) {
      throw new IllegalStateException(
          "send() without an address on " + describe()
              + ", which has no remote address: use send(data, to)");
    } else {
      target = to;
    }
    if (toSend.isEmpty()) {
      try {
        if (sendNow(ByteBuffer.wrap(data), target)) {
          return;
        }
      } catch (IOException e) { // an earlier ICMP error, or this send's: for the next receive
        failNextReceive(e);
        return;
      }
    }
    if (toSend.size() >= QUEUE) {
      sendDropped++; // a full queue drops what comes, as a full network queue does
      return;
    }
    toSend.addLast(new Outgoing(ByteBuffer.wrap(data.clone()), target));
    key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
  }

  @Override
  public Coroutine<Datagram> receive() {
    return () -> {
      CoroutineTask<?> task = Streams.requireTaskOf(loop, "receive", this);
      for (; ; ) {
        if (error != null) {
          IOException e = error;
          error = null;
          throw e;
        }
        if (closed) {
          throw new IllegalStateException(describe() + " is closed");
        }
        Datagram next = received.pollFirst();
        if (next != null) {
          return next;
        }
        LoopFuture<Void> w = new LoopFuture<>(loop, "receive on " + local);
        waiters.addLast(w);
        try {
          task.await(w);
        } finally {
          waiters.remove(w);
        }
      }
    };
  }

  @Override
  public InetSocketAddress localAddress() {
    return local;
  }

  @Override
  public long dropped() {
    return dropped;
  }

  @Override
  public void close() {
    Streams.onLoop(loop, "close", this, this::closeOnLoop);
  }

  private void closeOnLoop() {
    if (closed) {
      return;
    }
    closed = true;
    received.clear();
    toSend.clear();
    error = null;
    io.release(key);
    for (LoopFuture<Void> w : waiters) {
      w.setResultIfPending(null); // each sees the endpoint closed
    }
  }

  /** Datagrams read from the socket so far (the test of the bounded queue counts them). */
  long readFromSocket() {
    return readFromSocket;
  }

  /** Datagrams waiting to be received. */
  int queued() {
    return received.size();
  }

  /** What a refused call names: "the datagram endpoint on /127.0.0.1:5000". */
  String describe() {
    return "the datagram endpoint on " + local + (remote != null ? " to " + remote : "");
  }

  @Override
  public String toString() {
    return "DatagramEndpoint[" + local + (remote != null ? " to " + remote : "")
        + (closed ? ", closed" : "") + ", " + received.size() + " waiting, " + dropped
        + " dropped" + (sendDropped > 0 ? ", " + sendDropped + " not sent" : "") + "]";
  }
}
