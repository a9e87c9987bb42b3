package io.fgbg.bench;

import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.callInBackground;
import static io.fgbg.Fgbg.runInForeground;
import static io.fgbg.Fgbg.startServer;

import io.fgbg.ConnectionHandler;
import io.fgbg.EventLoop;
import io.fgbg.Server;
import io.fgbg.StreamReader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * W5 of {@code bin/bench-compare}: an HTTP/1.1 keep-alive hello world server on one fgbg loop,
 * written with the streams a user has: {@code startServer}, {@code readLine}, {@code write},
 * {@code drain}. Per request it reads the request line and the headers up to the blank line,
 * writes a fixed 200 response with a Content-Length and keep-alive, and drains; a {@code
 * Connection: close} header (answered with {@code Connection: close}) or the client's end of
 * stream ends the connection. The same server as
 * {@code benchmarks/python/http_hello.py} on asyncio.
 *
 * <p>It listens on 127.0.0.1, prints {@code port N} once it does, and serves until its standard
 * input reaches end of file (read by a background call, while the loop serves in the
 * foreground); then it closes the server and the loop. {@code bin/bench-compare} points {@code
 * wrk} at it. By hand: {@code java -cp core/target/classes:benchmarks/target/classes
 * io.fgbg.bench.HttpHelloServer}. Only the loop's tasks touch the connections.
 */
public final class HttpHelloServer {
  private HttpHelloServer() {}

  private static final byte[] RESPONSE = response("keep-alive");
  private static final byte[] LAST_RESPONSE = response("close");

  private static byte[] response(String connection) {
    return ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\nConnection: "
            + connection + "\r\n\r\nHello, World!")
        .getBytes(StandardCharsets.US_ASCII);
  }

  /** One connection: requests answered in turn until end of stream or {@code Connection: close}. */
  static final ConnectionHandler SERVE =
      (reader, writer) -> {
        try {
          while (await(reader.readLine()) != null) { // the request line
            Boolean close = readHeaders(reader);
            if (close == null) {
              return; // the client left in the middle of a request: nothing to answer
            }
            writer.write(close ? LAST_RESPONSE : RESPONSE);
            await(writer.drain());
            if (close) {
              return;
            }
          }
        } catch (IOException reset) {
          // a client that resets: nothing to answer
        }
      };

  /**
   * Serves until standard input ends.
   *
   * @param args none
   * @throws Exception if the server cannot start
   */
  public static void main(String[] args) throws Exception {
    if (args.length > 0) {
      System.err.println("usage: HttpHelloServer   (serves on 127.0.0.1, any free port)");
      System.exit(2);
    }
    EventLoop.current().setJobNotices(false);
    Server server = runInForeground(startServer(SERVE, "127.0.0.1", 0));
    System.out.println("port " + server.port());
    System.out.flush();
    runInForeground(
        callInBackground(() -> System.in.transferTo(OutputStream.nullOutputStream())));
    server.close();
    EventLoop.current().close();
  }

  /**
   * Reads the headers up to the blank line, suspending while they have not come: whether one of
   * them is {@code Connection: close}, or null if the stream ended first.
   */
  private static Boolean readHeaders(StreamReader reader) throws Exception {
    boolean close = false;
    for (; ; ) {
      String header = await(reader.readLine());
      if (header == null) {
        return null;
      }
      if (header.isEmpty()) {
        return close;
      }
      close |= isConnectionClose(header);
    }
  }

  private static boolean isConnectionClose(String header) {
    int colon = header.indexOf(':');
    return colon > 0
        && header.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("connection")
        && header.substring(colon + 1).trim().toLowerCase(Locale.ROOT).equals("close");
  }
}
