package io.fgbg;

import static io.fgbg.Fgbg.*;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * TLS streams with fgbg on both ends (and plain JDK sockets where a peer must misbehave): the same
 * reader and writer behaviour as TCP, certificates checked as HTTPS checks them, and failures that
 * stay with their connection.
 */
class TlsStreamsTest extends StreamsLoopSupport {
  static final TlsCertificates CERTS = TlsCertificates.get();
  static final int MIB = 1 << 20;

  /** The TLS version a stream's writer negotiated, or "plain". */
  static String tlsVersion(StreamWriter writer) {
    return ((LoopStreamWriter) writer).transport() instanceof SSLProtocol ssl
        ? ssl.engine().getSession().getProtocol()
        : "plain";
  }

  static String sha256(byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }

  /** Writes {@code data} in 64 KiB pieces, draining after each, as a well-behaved sender does. */
  static void writeDrained(StreamWriter writer, byte[] data) throws Exception {
    for (int off = 0; off < data.length; off += 64 * 1024) {
      int n = Math.min(64 * 1024, data.length - off);
      byte[] piece = new byte[n];
      System.arraycopy(data, off, piece, 0, n);
      writer.write(piece);
      await(writer.drain());
    }
  }

  /** A line echo that records the TLS version its connection negotiated. */
  static ConnectionHandler echoLinesRecording(List<String> versions) {
    return (reader, writer) -> {
      versions.add(tlsVersion(writer));
      String line;
      while ((line = await(reader.readLine())) != null) {
        writer.write(line + "\n");
        await(writer.drain());
      }
    };
  }

  @Test
  void aMebibyteGoesEachWayOverTlsAndTheStreamEndsAfterCloseNotify() throws Exception {
    Server server = runInForeground(startServer(ECHO_BYTES, LOCALHOST, 0, CERTS.server()));
    byte[] upload = pattern(3, MIB);

    List<String> got =
        foreground(
            () -> {
              Connection c = await(openConnection("localhost", server.port(), CERTS.client()));
              Task<Void> send =
                  scheduleCoroutine(
                      () -> {
                        writeDrained(c.writer(), upload);
                        return null;
                      });
              byte[] echoed = await(c.reader().readExactly(MIB));
              await(send);
              c.writer().close(); // close_notify: the server's read sees the end, its handler returns
              byte[] rest = await(c.reader().read(-1));
              await(c.writer().waitClosed());
              return List.of(
                  sha256(echoed), "rest " + rest.length, "atEof " + c.reader().atEof());
            });

    assertThat(got).containsExactly(sha256(upload), "rest 0", "atEof true");
    server.close();
    foreground(server.waitClosed());
  }

  @Test
  void theServerClosingSendsCloseNotifyAndTheClientReadsTheEndOfTheStream() throws Exception {
    ConnectionHandler greetAndLeave =
        (reader, writer) -> {
          writer.write("bye\n");
          await(writer.drain());
        };
    Server server = runInForeground(startServer(greetAndLeave, LOCALHOST, 0, CERTS.server()));

    List<String> got =
        foreground(
            () -> {
              Connection c = await(openConnection("localhost", server.port(), CERTS.client()));
              List<String> lines = new ArrayList<>();
              lines.add(await(c.reader().readLine()));
              lines.add(String.valueOf(await(c.reader().readLine())));
              lines.add("read " + await(c.reader().read(100)).length);
              lines.add("atEof " + c.reader().atEof());
              assertThatThrownBy(() -> await(c.reader().readExactly(1)))
                  .isInstanceOf(IncompleteReadException.class);
              await(c.writer().waitClosed());
              lines.add("closing " + c.writer().isClosing());
              return lines;
            });

    assertThat(got).containsExactly("bye", "null", "read 0", "atEof true", "closing true");
    server.close();
    foreground(server.waitClosed());
  }

  @Test
  void tls13AndTls12BothWork() throws Exception {
    List<String> serverSaw = Collections.synchronizedList(new ArrayList<>());
    Server server =
        runInForeground(startServer(echoLinesRecording(serverSaw), LOCALHOST, 0, CERTS.server()));

    List<String> clientSaw = new ArrayList<>();
    for (SSLContext context : List.of(CERTS.client(), CERTS.clientTls12())) {
      clientSaw.add(
          foreground(
              () -> {
                Connection c = await(openConnection("localhost", server.port(), context));
                c.writer().write("héllo ✓\n");
                String echoed = await(c.reader().readLine());
                c.writer().close();
                await(c.writer().waitClosed());
                return tlsVersion(c.writer()) + " " + echoed;
              }));
    }

    assertThat(clientSaw).containsExactly("TLSv1.3 héllo ✓", "TLSv1.2 héllo ✓");
    assertThat(serverSaw).containsExactly("TLSv1.3", "TLSv1.2");
    server.close();
    foreground(server.waitClosed());
  }

  @Test
  void anIpLiteralIsAcceptedWhenTheCertificateNamesThatAddress() throws Exception {
    Server server = runInForeground(startServer(ECHO_LINES, LOCALHOST, 0, CERTS.server()));

    String echoed =
        foreground(
            () -> {
              Connection c = await(openConnection("127.0.0.1", server.port(), CERTS.client()));
              c.writer().write("by address\n");
              String line = await(c.reader().readLine());
              c.writer().close();
              return line;
            });

    assertThat(echoed).isEqualTo("by address");
    server.close();
    foreground(server.waitClosed());
  }

  @Test
  void aCertificateForAnotherHostIsRefusedAndTheServersOtherConnectionsGoOn() throws Exception {
    List<String> served = Collections.synchronizedList(new ArrayList<>());
    Server server =
        runInForeground(
            startServer(echoLinesRecording(served), LOCALHOST, 0, CERTS.wrongHostServer()));
    // a client that asks for the name the certificate has: connected, and stays so
    Connection good =
        foreground(
            () -> {
              Connection c = await(openConnection(LOCALHOST, server.port()));
              await(startTls(c.writer(), CERTS.client(), "wrong.example"));
              return c;
            });

    assertThatThrownBy(() -> foreground(openConnection("localhost", server.port(), CERTS.client())))
        .isInstanceOf(SSLHandshakeException.class)
        .hasMessageContaining("No subject alternative DNS name matching localhost found");
    assertThatThrownBy(() -> foreground(openConnection("127.0.0.1", server.port(), CERTS.client())))
        .isInstanceOf(SSLHandshakeException.class)
        .hasMessageContaining("127.0.0.1");

    String echoed =
        foreground(
            () -> {
              good.writer().write("still here\n");
              String line = await(good.reader().readLine());
              good.writer().close();
              await(good.writer().waitClosed());
              return line;
            });
    assertThat(echoed).isEqualTo("still here");
    server.close();
    foreground(server.waitClosed());
    assertThat(served).as("handlers run: only the good connection's").containsExactly("TLSv1.3");
  }

  @Test
  void anUntrustedCertificateIsRefused() throws Exception {
    List<String> served = Collections.synchronizedList(new ArrayList<>());
    Server untrusted =
        runInForeground(
            startServer(echoLinesRecording(served), LOCALHOST, 0, CERTS.untrustedServer()));
    Server trustedByTheTestCaOnly =
        runInForeground(startServer(echoLinesRecording(served), LOCALHOST, 0, CERTS.server()));

    assertThatThrownBy(
            () -> foreground(openConnection("localhost", untrusted.port(), CERTS.client())))
        .isInstanceOf(SSLHandshakeException.class)
        .hasMessageContaining("PKIX path building failed");
    assertThatThrownBy(
            () ->
                foreground(
                    openConnection(
                        "localhost", trustedByTheTestCaOnly.port(), CERTS.clientOfTheJdkCas())))
        .isInstanceOf(SSLHandshakeException.class)
        .hasMessageContaining("PKIX path building failed");

    untrusted.close();
    trustedByTheTestCaOnly.close();
    foreground(untrusted.waitClosed());
    foreground(trustedByTheTestCaOnly.waitClosed());
    assertThat(served).as("no handler ran").isEmpty();
  }

  @Test
  void garbageInsteadOfAHandshakeFailsThatConnectionOnly() throws Exception {
    List<String> served = Collections.synchronizedList(new ArrayList<>());
    List<String> reported = Collections.synchronizedList(new ArrayList<>());
    loop.setExceptionHandler(
        (l, context) ->
            reported.add(context.message() + ": " + context.exception().getClass().getName()));
    Server server =
        runInForeground(startServer(echoLinesRecording(served), LOCALHOST, 0, CERTS.server()));
    Connection good = foreground(openConnection("localhost", server.port(), CERTS.client()));

    // a plain-text client: its connection ends, quietly (asyncio logs it in debug mode only)
    int garbageGot = foreground(callInBackground(() -> sendGarbage(server.port())));
    assertThat(garbageGot).as("bytes the garbage client read before its end").isGreaterThanOrEqualTo(0);
    assertThat(reported).isEmpty();

    loop.setDebug(true);
    foreground(callInBackground(() -> sendGarbage(server.port())));
    foreground(
        () -> { // the report comes from the connection's task, a hop or two after its socket closed
          while (reported.isEmpty()) {
            await(sleep(Duration.ofMillis(1)));
          }
          return null;
        });
    loop.setDebug(false);
    assertThat(reported)
        .containsExactly(
            "TLS handshake failed on a connection to the server on /127.0.0.1:"
                + server.port()
                + ": javax.net.ssl.SSLException");

    String echoed =
        foreground(
            () -> {
              good.writer().write("unharmed\n");
              String line = await(good.reader().readLine());
              good.writer().close();
              await(good.writer().waitClosed());
              return line;
            });
    assertThat(echoed).isEqualTo("unharmed");
    server.close();
    foreground(server.waitClosed());
    assertThat(served).as("handlers run: only the TLS client's").containsExactly("TLSv1.3");
  }

  /** Sends an HTTP request to a TLS port and reads until the server ends the connection. */
  private static int sendGarbage(int port) throws IOException {
    try (Socket s = blockingSocket(port)) {
      send(s, "GET / HTTP/1.0\r\n\r\n");
      try {
        return readToEnd(s).length; // an alert, perhaps, then the end
      } catch (java.net.SocketException reset) {
        return 0;
      }
    }
  }

  @Test
  void aClientAnsweredWithGarbageFailsWithAnSslException() throws Exception {
    try (ServerSocket listener = rawListener()) {
      Task<Void> answerGarbage =
          callInBackground(
              () -> {
                try (Socket s = acceptMade(listener)) {
                  s.getInputStream().read(new byte[512]);
                  send(s, "HTTP/1.0 400 Bad Request\r\n\r\n");
                }
                return null;
              });

      assertThatThrownBy(
              () -> foreground(openConnection("localhost", listener.getLocalPort(), CERTS.client())))
          .isInstanceOf(SSLException.class);
      foreground(answerGarbage);
    }
  }

  @Test
  void aHandshakeThatTakesTooLongFailsWithAnSslExceptionAndClosesTheConnection() throws Exception {
    assertThat(Duration.ofNanos(SSLProtocol.HANDSHAKE_TIMEOUT_NANOS)).isEqualTo(Duration.ofSeconds(60));
    assertThat(SSLProtocol.timeoutMessage(SSLProtocol.HANDSHAKE_TIMEOUT_NANOS))
        .isEqualTo("SSL handshake is taking longer than 60.0 seconds: aborting the connection");
    try (ServerSocket silent = rawListener()) { // the kernel completes the connect; nobody answers
      List<String> got =
          foreground(
              () -> {
                Connection c = await(openConnection(LOCALHOST, silent.getLocalPort()));
                List<String> seen = new ArrayList<>();
                try {
                  await(
                      Tls.startTls(
                          c.writer(), CERTS.client(), "localhost", Duration.ofMillis(200).toNanos()));
                } catch (SSLException e) {
                  seen.add(e.getClass().getSimpleName() + ": " + e.getMessage());
                }
                seen.add("closing " + c.writer().isClosing());
                return seen;
              });

      assertThat(got)
          .containsExactly(
              "SSLException: SSL handshake is taking longer than 0.2 seconds: aborting the"
                  + " connection",
              "closing true");
    }
  }

  @Test
  void startTlsUpgradesAPlainConnectionInPlaceOnBothSides() throws Exception {
    List<String> serverSaw = Collections.synchronizedList(new ArrayList<>());
    ConnectionHandler starttls =
        (reader, writer) -> {
          serverSaw.add(await(reader.readLine()) + " over " + tlsVersion(writer));
          writer.write("GO\n");
          await(writer.startTls(CERTS.server(), null));
          echoLinesRecording(serverSaw).handle(reader, writer);
        };
    Server server = runInForeground(startServer(starttls, LOCALHOST, 0));

    List<String> got =
        foreground(
            () -> {
              Connection c = await(openConnection(LOCALHOST, server.port()));
              List<String> seen = new ArrayList<>();
              c.writer().write("STARTTLS\n");
              seen.add(await(c.reader().readLine()) + " over " + tlsVersion(c.writer()));
              await(startTls(c.writer(), CERTS.client(), "localhost"));
              c.writer().write("secret\n");
              seen.add(await(c.reader().readLine()) + " over " + tlsVersion(c.writer()));
              c.writer().close();
              await(c.writer().waitClosed());
              return seen;
            });

    assertThat(got).containsExactly("GO over plain", "secret over TLSv1.3");
    server.close();
    foreground(server.waitClosed());
    assertThat(serverSaw).containsExactly("STARTTLS over plain", "TLSv1.3");
  }

  @Test
  void aLineOverTheLimitThrowsLimitOverrunExceptionOverTls() throws Exception {
    List<String> serverSaw = Collections.synchronizedList(new ArrayList<>());
    ConnectionHandler lines =
        (reader, writer) -> {
          try {
            serverSaw.add(await(reader.readLine()));
          } catch (LimitOverrunException e) {
            serverSaw.add("LimitOverrunException: " + e.getMessage());
          }
          serverSaw.add(await(reader.readLine()));
        };
    Server server = runInForeground(startServer(lines, LOCALHOST, 0, CERTS.server()));

    foreground(
        () -> {
          Connection c = await(openConnection("localhost", server.port(), CERTS.client()));
          byte[] longLine = new byte[100 * 1024];
          java.util.Arrays.fill(longLine, (byte) 'a');
          writeDrained(c.writer(), longLine);
          c.writer().write("\nshort\n");
          await(c.reader().read(-1)); // until the handler is done and its side closes
          c.writer().close();
          return null;
        });

    server.close();
    foreground(server.waitClosed());
    // which of asyncio's two messages depends on whether the newline had arrived yet
    assertThat(serverSaw).hasSize(2);
    assertThat(serverSaw.get(0))
        .isIn(
            "LimitOverrunException: Separator is not found, and chunk exceed the limit",
            "LimitOverrunException: Separator is found, but chunk is longer than limit");
    assertThat(serverSaw.get(1)).isEqualTo("short");
  }

  @Test
  void drainWaitsForASlowTlsReaderAndNothingIsLost() throws Exception {
    AsyncEvent startReading = new AsyncEvent();
    List<String> serverSaw = Collections.synchronizedList(new ArrayList<>());
    ConnectionHandler slow =
        (reader, writer) -> {
          await(startReading.waitSet());
          serverSaw.add(sha256(await(reader.readExactly(24 * MIB))));
        };
    Server server = runInForeground(startServer(slow, LOCALHOST, 0, CERTS.server()));
    Connection c = foreground(openConnection("localhost", server.port(), CERTS.client()));
    // more than the kernel's socket buffers can take (at most 4 MiB sent and 6 MiB received by
    // default on Linux), so that the writer must wait for the reader
    byte[] upload = pattern(11, 24 * MIB);

    Task<Void> writer =
        scheduleCoroutine(
            () -> {
              c.writer().write(upload); // far over the high-water mark at once
              await(c.writer().drain());
              return null;
            });
    assertThat(pendingAfter(Duration.ofMillis(300), writer))
        .as("the drain waits while the server does not read")
        .containsExactly(writer);
    startReading.set();
    foreground(writer);
    c.writer().close();
    foreground(c.writer().waitClosed());
    server.close();
    foreground(server.waitClosed());
    assertThat(serverSaw).containsExactly(sha256(upload));
  }

  @Test
  void aTls12RenegotiationIsRefusedWithAnSslException() throws Exception {
    List<String> serverSaw = Collections.synchronizedList(new ArrayList<>());
    ConnectionHandler lines =
        (reader, writer) -> {
          try {
            String line;
            while ((line = await(reader.readLine())) != null) {
              serverSaw.add(line);
              writer.write(line + "\n");
              await(writer.drain());
            }
          } catch (SSLException e) {
            serverSaw.add("SSLException: " + e.getMessage());
          }
        };
    Server server = runInForeground(startServer(lines, LOCALHOST, 0, CERTS.server()));

    String clientSaw =
        foreground(
            callInBackground(
                () -> {
                  try (SSLSocket s =
                      (SSLSocket)
                          CERTS.clientTls12().getSocketFactory().createSocket(LOCALHOST, server.port())) {
                    s.setSoTimeout((int) TIMEOUT.toMillis());
                    s.getOutputStream().write("first\n".getBytes(UTF_8));
                    s.getOutputStream().flush();
                    byte[] echo = new byte[6];
                    int n = s.getInputStream().readNBytes(echo, 0, 6);
                    try {
                      s.startHandshake(); // a renegotiation, on TLS 1.2
                      s.getOutputStream().write("second\n".getBytes(UTF_8));
                      s.getOutputStream().flush();
                      return new String(echo, 0, n, UTF_8).trim() + ", then "
                          + s.getInputStream().read();
                    } catch (IOException e) {
                      return new String(echo, 0, n, UTF_8).trim() + ", then " + e.getClass().getSimpleName();
                    }
                  }
                }));

    server.close();
    foreground(server.waitClosed());
    assertThat(clientSaw).startsWith("first, then ");
    assertThat(serverSaw).hasSize(2);
    assertThat(serverSaw.get(0)).isEqualTo("first");
    assertThat(serverSaw.get(1))
        .matches("SSLException: TLS renegotiation is not supported: the peer /127\\.0\\.0\\.1:\\d+ asked for one");
  }

  // ---- cases of CPython's test_ssl.py / test_sslproto.py (docs/ported/tls-unix-datagrams.md)

  @Test
  void whatWasWrittenIsFlushedBeforeCloseNotify() throws Exception { // test_flush_before_shutdown
    byte[] blob = pattern(5, MIB);
    ConnectionHandler writeAndLeave = (reader, writer) -> writer.write(blob); // no drain
    Server server = runInForeground(startServer(writeAndLeave, LOCALHOST, 0, CERTS.server()));

    List<String> got =
        foreground(
            () -> {
              Connection c = await(openConnection("localhost", server.port(), CERTS.client()));
              byte[] all = await(c.reader().read(-1)); // until close_notify
              c.writer().close();
              return List.of(sha256(all), "atEof " + c.reader().atEof());
            });

    assertThat(got).containsExactly(sha256(blob), "atEof true");
    server.close();
    foreground(server.waitClosed());
  }

  @Test
  void cancellingAStartTlsThatWaitsClosesTheConnection() throws Exception { // test_start_tls_slow_client_cancel
    try (ServerSocket silent = rawListener()) {
      Connection c = foreground(openConnection(LOCALHOST, silent.getLocalPort()));
      Task<Void> upgrading = scheduleCoroutine(startTls(c.writer(), CERTS.client(), "localhost"));
      assertThat(pendingAfter(Duration.ofMillis(100), upgrading)).containsExactly(upgrading);

      upgrading.cancel();

      assertThatThrownBy(() -> foreground(upgrading))
          .isInstanceOf(java.util.concurrent.CancellationException.class);
      assertThat(c.writer().isClosing()).isTrue();
      assertThatThrownBy(() -> foreground(c.reader().read(1)))
          .isInstanceOf(SSLHandshakeException.class)
          .hasMessage("the connection was closed during the TLS handshake");
    }
  }

  @Test
  void closingDuringTheHandshakeAbortsIt() throws Exception { // test_close_during_handshake
    try (ServerSocket silent = rawListener()) {
      Connection c = foreground(openConnection(LOCALHOST, silent.getLocalPort()));
      Task<Void> upgrading = scheduleCoroutine(startTls(c.writer(), CERTS.client(), "localhost"));
      assertThat(pendingAfter(Duration.ofMillis(100), upgrading)).containsExactly(upgrading);

      c.writer().close();

      assertThatThrownBy(() -> foreground(upgrading))
          .isInstanceOf(SSLHandshakeException.class)
          .hasMessage("the connection was closed during the TLS handshake");
    }
  }

  @Test
  void aPeerThatEndsTheStreamDuringTheHandshakeFailsIt() throws Exception { // test_eof_received_waiter
    try (ServerSocket listener = rawListener()) {
      Task<Void> hangUp =
          callInBackground(
              () -> {
                acceptMade(listener).close();
                return null;
              });
      assertThatThrownBy(() -> foreground(openConnection("localhost", listener.getLocalPort(), CERTS.client())))
          .isInstanceOf(SSLHandshakeException.class)
          .hasMessage("Remote host terminated the handshake");
      foreground(hangUp);
    }
  }

  @Test
  void startTlsRefusesWhatItCannotUpgrade() throws Exception { // test_start_tls_wrong_args
    Server server = runInForeground(startServer(ECHO_LINES, LOCALHOST, 0));
    Connection c = foreground(openConnection(LOCALHOST, server.port()));
    StreamWriter foreign =
        new StreamWriter() {
          public void write(byte[] data) {}
          public void write(String text) {}
          public Coroutine<Void> drain() { return () -> null; }
          public void close() {}
          public Coroutine<Void> waitClosed() { return () -> null; }
          public boolean isClosing() { return false; }
          public java.net.InetSocketAddress peerAddress() { return null; }
        };

    assertThatThrownBy(() -> startTls(c.writer(), null, "localhost"))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("tls");
    assertThatThrownBy(() -> foreign.startTls(CERTS.client(), "localhost"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("not a writer made by fgbg: ");
    assertThatThrownBy(() -> openConnection("", server.port(), CERTS.client()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a TLS connection needs the server's host name, to check its certificate against");
    c.writer().close();
    assertThatThrownBy(() -> foreground(c.writer().startTls(CERTS.client(), "localhost")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("startTls() on a closed connection to /127.0.0.1:" + server.port());
    server.close();
    foreground(server.waitClosed());
  }

  @Test
  void tlsRunsInsideTls() throws Exception { // test_create_server_ssl_over_ssl
    ConnectionHandler inner =
        (reader, writer) -> {
          await(writer.startTls(CERTS.server(), null)); // a second layer, inside the first
          ECHO_LINES.handle(reader, writer);
        };
    Server server = runInForeground(startServer(inner, LOCALHOST, 0, CERTS.server()));

    String echoed =
        foreground(
            () -> {
              Connection c = await(openConnection("localhost", server.port(), CERTS.client()));
              await(c.writer().startTls(CERTS.client(), "localhost"));
              c.writer().write("twice wrapped\n");
              String line = await(c.reader().readLine());
              c.writer().close();
              await(c.writer().waitClosed());
              return line + " over " + tlsVersion(c.writer());
            });

    assertThat(echoed).isEqualTo("twice wrapped over TLSv1.3");
    server.close();
    foreground(server.waitClosed());
  }
}
