package io.fgbg;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;

/**
 * TLS for streams, behind {@link Fgbg#openConnection(String, int, SSLContext)}, {@link
 * Fgbg#startServer(ConnectionHandler, String, int, SSLContext)} and {@link Fgbg#startTls}: the
 * engines a client and a server use, and the upgrade of an open connection (asyncio's {@code
 * loop.start_tls}), which the client's open and the server's accept go through as well.
 *
 * <p>A client's engine checks the certificate's host name against the name it was given, by the
 * rules of HTTPS ({@link SSLParameters#setEndpointIdentificationAlgorithm}): a host name must be
 * among the certificate's DNS names, an IP literal among its IP addresses. The name is also sent
 * as the server name (SNI) unless it is an IP literal, which SNI cannot carry.
 *
 * <p>Thread regime: static; the coroutines run in a task of the stream's loop, holding its baton.
 */
final class Tls {
  private Tls() {}

  /** A client's engine for {@code serverName} (null: no SNI, no host-name check). */
  static SSLEngine clientEngine(SSLContext tls, String serverName, int port) {
    SSLEngine engine =
        serverName == null ? tls.createSSLEngine() : tls.createSSLEngine(serverName, port);
    engine.setUseClientMode(true);
    if (serverName != null) {
      SSLParameters parameters = engine.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      if (!Streams.isIpLiteral(serverName)) {
        try {
          parameters.setServerNames(List.of(new SNIHostName(serverName)));
        } catch (IllegalArgumentException notAnSniName) {
          // a name SNI cannot carry (an underscore, say): sent without, still checked
        }
      }
      engine.setSSLParameters(parameters);
    }
    return engine;
  }

  /** A server's engine. */
  static SSLEngine serverEngine(SSLContext tls) {
    SSLEngine engine = tls.createSSLEngine();
    engine.setUseClientMode(false);
    return engine;
  }

  /**
   * Puts a TLS layer with {@code engine} between {@code stream} and its transport, and starts the
   * handshake; returns at once (the caller awaits {@link SSLProtocol#awaitHandshake}). Bytes the
   * reader holds unread are taken as the first records of the TLS stream: a peer that starts its
   * handshake before this side upgrades loses nothing, and plain text pipelined after a STARTTLS
   * command can never be read as if it had come over TLS (it fails the handshake instead).
   *
   * @throws IllegalArgumentException if the stream's transport cannot carry TLS
   */
  static SSLProtocol install(StreamProtocol stream, SSLEngine engine, long timeoutNanos) {
    Transport transport = stream.transport();
    if (!(transport instanceof ProtocolTransport below) || below.protocol() != stream) {
      throw new IllegalArgumentException(
          "startTls() needs a socket connection; " + transport.name() + " cannot carry TLS");
    }
    SSLProtocol ssl =
        new SSLProtocol(stream.writer.loop(), below, engine, stream, timeoutNanos);
    below.setProtocol(ssl);
    stream.replaceTransport(ssl);
    byte[] early = stream.reader.takeBuffered();
    ssl.start();
    if (early.length > 0) { // arrived before the upgrade, unread: the start of the TLS stream
      ssl.dataReceived(java.nio.ByteBuffer.wrap(early));
    }
    return ssl;
  }

  /**
   * Upgrades {@code stream} in place and waits for the handshake; a failed or cancelled handshake
   * leaves the connection closed.
   */
  static void upgrade(CoroutineTask<?> task, StreamProtocol stream, SSLEngine engine, long timeoutNanos)
      throws Exception {
    SSLProtocol ssl = install(stream, engine, timeoutNanos);
    try {
      ssl.awaitHandshake(task);
    } catch (CancellationException e) {
      ssl.abort(); // as asyncio's start_tls: a handshake given up closes the connection
      throw e;
    }
  }

  /** {@link Fgbg#startTls}: the side is the side the connection was made on. */
  static Coroutine<Void> startTls(
      StreamWriter writer, SSLContext tls, String serverName, long timeoutNanos) {
    Objects.requireNonNull(writer, "writer");
    Objects.requireNonNull(tls, "tls");
    if (!(writer instanceof LoopStreamWriter w)) {
      throw new IllegalArgumentException(
          "not a writer made by fgbg: " + writer.getClass().getName());
    }
    return () -> {
      CoroutineTask<?> task = Streams.requireTaskOf(w.loop(), "startTls", w);
      if (w.transport().isClosing()) {
        throw new IllegalStateException(
            "startTls() on a closed connection to " + w.transport().name());
      }
      w.drain().run(); // as asyncio: what was written goes out in the clear first
      Transport transport = w.transport();
      if (!(transport instanceof ProtocolTransport below)
          || !(below.protocol() instanceof StreamProtocol stream)
          || stream.writer != w) {
        throw new IllegalArgumentException(
            "startTls() needs a socket connection; " + transport.name() + " cannot carry TLS");
      }
      if (transport.isClosing()) {
        throw new IllegalStateException(
            "startTls() on a closed connection to " + transport.name());
      }
      if (stream.isEnded()) {
        throw new SSLHandshakeException(
            "Remote host terminated the handshake: " + transport.name()
                + " ended the stream before startTls()");
      }
      SSLEngine engine =
          stream.serverSide
              ? serverEngine(tls)
              : clientEngine(tls, serverName, portOf(transport));
      upgrade(task, stream, engine, timeoutNanos);
      return null;
    };
  }

  private static int portOf(Transport transport) {
    return transport.peerAddress() == null ? -1 : transport.peerAddress().getPort();
  }
}
