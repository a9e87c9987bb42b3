package io.fgbg.bench.peers;

import io.fgbg.bench.Figures;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * W3 of {@code bin/bench-compare} on Netty 4.2 (NIO transport), without fgbg: an echo server and
 * {@code clients} clients on one event loop with one thread ({@code new
 * MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory())}), as fgbg's server and clients share
 * one loop. The server is Netty's own echo handler: it writes back what it reads and flushes when
 * a read is complete. Each client writes a 64-byte line, waits until the whole line has come back,
 * then writes the next, {@code n} times a round. The same steps in the same order as {@link
 * io.fgbg.bench.EchoBenchmark}: one connection does a round trip and is closed (and the server
 * has closed its side) before anything is measured, then the clients connect, then warm-up rounds
 * and measured rounds, each timed by the main thread from handing the clients their round to all
 * of them having done it.
 *
 * <p>Same arguments and output as {@code EchoBenchmark} without {@code --tls}: the median of the
 * measured rounds in round trips per second, then every round as a comment:
 *
 * <pre>
 * netty 81234.5
 * # clients 50, round trips each 2000, warm-up rounds 2, measured rounds 5
 * # netty rounds 80111.2 81234.5 82010.9
 * </pre>
 *
 * <p>By hand: {@code java -cp benchmarks/target/classes:$(cat benchmarks/target/peers.classpath)
 * io.fgbg.bench.peers.NettyEchoBenchmark [clients [n [warmup [rounds]]]]} (defaults 50 2000 2
 * 5). Only the event loop's thread touches the channels' handlers and buffers; the main thread
 * connects, hands a round to the loop with {@code execute} and waits for the round's futures.
 */
public final class NettyEchoBenchmark {
  private NettyEchoBenchmark() {}

  private static final String USAGE =
      "NettyEchoBenchmark [clients [n [warmup [rounds]]]]  (defaults 50 2000 2 5)";
  private static final String HOST = "127.0.0.1";
  private static final byte[] LINE = Figures.echoLine();

  /**
   * Runs the benchmark. Blocks the calling thread until every round has run.
   *
   * @param args {@code [clients [n [warmup [rounds]]]]}
   * @throws Exception if a connection fails, a line comes back wrong, or the main thread is
   *     interrupted
   */
  public static void main(String[] args) throws Exception {
    int[] values =
        Figures.positives(
            args, "NettyEchoBenchmark", USAGE, new String[] {"clients", "n", "warmup", "rounds"},
            50, 2000, 2, 5);
    int clients = values[0];
    int n = values[1];
    EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try {
      BlockingQueue<Channel> accepted = new LinkedBlockingQueue<>();
      EchoServer echo = new EchoServer();
      Channel server =
          new ServerBootstrap()
              .group(loop)
              .channel(NioServerSocketChannel.class)
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      ch.pipeline().addLast(echo);
                      accepted.add(ch);
                    }
                  })
              .bind(HOST, 0)
              .sync()
              .channel();
      int port = ((InetSocketAddress) server.localAddress()).getPort();
      Bootstrap connector = new Bootstrap().group(loop).channel(NioSocketChannel.class);

      // the warm-up connection: one round trip, closed, and its server side closed too
      EchoClient first = connect(connector, port);
      round(loop, List.of(first), 1);
      first.channel.close().sync();
      accepted.take().closeFuture().sync();

      List<EchoClient> connections = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        connections.add(connect(connector, port));
      }
      double[] perSecond =
          Figures.measure(
              values[2], values[3],
              () -> (double) clients * n / (round(loop, connections, n) / 1e9));
      for (EchoClient c : connections) {
        c.channel.close().sync();
      }
      server.close().sync();
      for (Channel child : accepted) {
        child.closeFuture().sync(); // each ends at its client's end of stream
      }

      System.out.println("netty " + Figures.format(Figures.median(perSecond)));
      System.out.println(
          "# clients " + clients + ", round trips each " + n + ", warm-up rounds " + values[2]
              + ", measured rounds " + values[3]);
      System.out.println("# netty rounds " + Figures.formatAll(perSecond));
    } finally {
      loop.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
    }
  }

  private static EchoClient connect(Bootstrap connector, int port) throws InterruptedException {
    EchoClient client = new EchoClient();
    client.channel = connector.handler(client).connect(HOST, port).sync().channel();
    return client;
  }

  /**
   * Hands every client {@code n} round trips at once, on the loop's thread, and waits until all
   * are done; returns the elapsed nanoseconds.
   */
  private static long round(EventLoopGroup loop, List<EchoClient> clients, int n) throws Exception {
    List<CompletableFuture<Void>> done = new ArrayList<>();
    for (int i = 0; i < clients.size(); i++) {
      done.add(new CompletableFuture<>());
    }
    long start = System.nanoTime();
    loop.execute(
        () -> {
          for (int i = 0; i < clients.size(); i++) {
            clients.get(i).start(n, done.get(i));
          }
        });
    CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get();
    return System.nanoTime() - start;
  }

  /** The server side of every connection: writes back what it reads, flushes once a read is done. */
  @Sharable
  private static final class EchoServer extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ctx.write(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close(); // a client that resets: nothing more to echo
    }
  }

  /**
   * One client connection: writes its line, counts the echoed bytes until the whole line is back,
   * then writes the next, until the round's round trips are done. Its fields are the loop
   * thread's, but {@code channel}, which the main thread sets once connected.
   */
  private static final class EchoClient extends ChannelInboundHandlerAdapter {
    Channel channel;
    private ChannelHandlerContext ctx;
    private ByteBuf line;
    private int remaining;
    private int received;
    private CompletableFuture<Void> done;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      this.ctx = ctx;
      line = ctx.alloc().directBuffer(LINE.length).writeBytes(LINE);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
      line.release();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (done != null && !done.isDone()) {
        done.completeExceptionally(new IllegalStateException("the connection closed mid-round"));
      }
      ctx.fireChannelInactive();
    }

    /** Starts a round of {@code n} round trips, on the loop's thread; {@code done} when they are. */
    void start(int n, CompletableFuture<Void> done) {
      this.done = done;
      remaining = n;
      received = 0;
      send();
    }

    private void send() {
      ctx.writeAndFlush(line.retainedDuplicate(), ctx.voidPromise());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf back = (ByteBuf) msg;
      try {
        received += back.readableBytes();
        boolean whole = received == LINE.length;
        if (received > LINE.length || whole && back.getByte(back.writerIndex() - 1) != '\n') {
          throw new IllegalStateException("echoed " + received + " bytes, not a 64-byte line");
        }
      } finally {
        back.release();
      }
      if (received < LINE.length) {
        return;
      }
      received = 0;
      if (--remaining > 0) {
        send();
      } else {
        done.complete(null);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (done != null) {
        done.completeExceptionally(cause);
      }
      ctx.close();
    }
  }
}
