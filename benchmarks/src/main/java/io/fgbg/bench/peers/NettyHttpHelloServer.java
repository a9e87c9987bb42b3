package io.fgbg.bench.peers;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * W5 of {@code bin/bench-compare} on Netty 4.2 (NIO transport), without fgbg: an HTTP/1.1
 * keep-alive hello world server on one event loop with one thread ({@code new
 * MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory())}), written the way Netty's own hello
 * world example is: an {@link HttpServerCodec} and a handler that answers each request with a
 * {@link FullHttpResponse}, flushing once a read is complete. It does what {@link
 * io.fgbg.bench.HttpHelloServer} does, in the same order, and answers the same bytes: per request
 * {@code HTTP/1.1 200 OK} with {@code Content-Type: text/plain}, {@code Content-Length: 13} and
 * {@code Connection: keep-alive}, then {@code Hello, World!}; a request with {@code Connection:
 * close} is answered with {@code Connection: close} and ends the connection, as does the client's
 * end of stream.
 *
 * <p>It listens on 127.0.0.1, prints {@code port N} once it does, and serves until its standard
 * input reaches end of file, as {@code HttpHelloServer} does; then it closes the server and the
 * loop. {@code bin/bench-compare} points {@code wrk} at it. By hand: {@code java -cp
 * benchmarks/target/classes:$(cat benchmarks/target/peers.classpath)
 * io.fgbg.bench.peers.NettyHttpHelloServer}. Only the event loop's thread touches the
 * connections; the main thread binds, waits for its input's end and shuts the loop down.
 */
public final class NettyHttpHelloServer {
  private NettyHttpHelloServer() {}

  /**
   * Serves until standard input ends. Blocks the calling thread until then.
   *
   * @param args none
   * @throws Exception if the server cannot bind, or reading standard input fails
   */
  public static void main(String[] args) throws Exception {
    if (args.length > 0) {
      System.err.println("usage: NettyHttpHelloServer   (serves on 127.0.0.1, any free port)");
      System.exit(2);
    }
    EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try {
      Channel server =
          new ServerBootstrap()
              .group(loop)
              .channel(NioServerSocketChannel.class)
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      ch.pipeline().addLast(new HttpServerCodec(), Hello.HANDLER);
                    }
                  })
              .bind("127.0.0.1", 0)
              .sync()
              .channel();
      System.out.println("port " + ((InetSocketAddress) server.localAddress()).getPort());
      System.out.flush();
      System.in.transferTo(OutputStream.nullOutputStream());
      server.close().sync();
    } finally {
      loop.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
    }
  }

  /**
   * Answers each request with the hello world response; stateless, so one instance serves every
   * connection, each on the loop's thread.
   */
  @Sharable
  static final class Hello extends SimpleChannelInboundHandler<HttpObject> {
    static final Hello HANDLER = new Hello();

    // HttpHelloServer's spelling of the names; Netty's HttpHeaderNames are lower case
    private static final AsciiString CONTENT_TYPE = AsciiString.cached("Content-Type");
    private static final AsciiString CONTENT_LENGTH = AsciiString.cached("Content-Length");
    private static final AsciiString CONNECTION = AsciiString.cached("Connection");
    private static final AsciiString TEXT_PLAIN = AsciiString.cached("text/plain");
    private static final AsciiString KEEP_ALIVE = AsciiString.cached("keep-alive");
    private static final AsciiString CLOSE = AsciiString.cached("close");
    private static final byte[] CONTENT = "Hello, World!".getBytes(StandardCharsets.US_ASCII);

    private Hello() {}

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
      if (!(msg instanceof HttpRequest request)) {
        return; // the request's (empty) content: answered at its head already
      }
      boolean close =
          request.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE, true);
      FullHttpResponse response =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(CONTENT));
      response
          .headers()
          .set(CONTENT_TYPE, TEXT_PLAIN)
          .setInt(CONTENT_LENGTH, CONTENT.length)
          .set(CONNECTION, close ? CLOSE : KEEP_ALIVE);
      if (close) {
        ctx.write(response).addListener(ChannelFutureListener.CLOSE);
      } else {
        ctx.write(response, ctx.voidPromise());
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close(); // a client that resets, or a request that does not parse: nothing to answer
    }
  }
}
