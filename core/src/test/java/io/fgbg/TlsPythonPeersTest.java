package io.fgbg;

import static io.fgbg.Fgbg.*;
import static io.fgbg.TlsStreamsTest.CERTS;
import static io.fgbg.TlsStreamsTest.MIB;
import static io.fgbg.TlsStreamsTest.sha256;
import static io.fgbg.TlsStreamsTest.tlsVersion;
import static io.fgbg.TlsStreamsTest.writeDrained;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

/**
 * fgbg's TLS against CPython's: asyncio clients of fgbg's TLS server and fgbg's TLS client of an
 * asyncio server ({@code streams/tls_peer.py}), with the certificates of {@link TlsCertificates}:
 * a MiB each way checked by SHA-256, TLS 1.3 and 1.2, startTls against asyncio's start_tls both
 * ways, the end of the stream after close_notify, and a host name the certificate does not name
 * refused by CPython. Skipped, saying why, without python3.
 */
class TlsPythonPeersTest extends StreamsLoopSupport {

  /** The server's side of tls_peer.py's session, in fgbg; startTls first if {@code upgrade}. */
  static ConnectionHandler session(SSLContext upgrade, List<String> seen) {
    return (reader, writer) -> {
      if (upgrade != null) {
        seen.add(await(reader.readLine()));
        writer.write("GO\n");
        await(writer.startTls(upgrade, null));
      }
      String line;
      while ((line = await(reader.readLine())) != null) {
        seen.add(line.split(" ")[0]);
        if (line.startsWith("send ")) {
          writeDrained(writer, pattern(0, Integer.parseInt(line.substring(5))));
        } else if (line.startsWith("sha ")) {
          writer.write(sha256(await(reader.readExactly(Integer.parseInt(line.substring(4))))) + "\n");
        } else if (line.equals("version")) {
          writer.write(tlsVersion(writer) + "\n");
        } else if (line.equals("bye")) {
          writer.write("bye\n");
          await(writer.drain());
          return; // the server closes: close_notify, then the socket
        } else {
          writer.write("echo: " + line + "\n");
        }
        await(writer.drain());
      }
    };
  }

  private List<String> pythonClientAgainstFgbg(boolean starttls, String... flags) throws Exception {
    List<String> seen = Collections.synchronizedList(new ArrayList<>());
    Server server =
        starttls
            ? runInForeground(startServer(session(CERTS.server(), seen), LOCALHOST, 0))
            : runInForeground(startServer(session(null, seen), LOCALHOST, 0, CERTS.server()));
    List<String> args = new ArrayList<>(List.of("client", String.valueOf(server.port()),
        CERTS.caPem().toString(), "localhost"));
    args.addAll(List.of(flags));
    try (StreamsPythonSupport client =
        StreamsPythonSupport.start("tls_peer.py", args.toArray(new String[0]))) {
      int exit = foreground(callInBackground(client::waitForExit));
      assertThat(exit).as("python3 exit status%s", client.describe()).isZero();
      server.close();
      foreground(server.waitClosed());
      List<String> out = new ArrayList<>(client.stdout());
      out.add("server saw " + String.join(" ", seen));
      return out;
    }
  }

  @Test
  void aCPythonAsyncioTlsClientTalksToAnFgbgTlsServer() throws Exception {
    assertThat(pythonClientAgainstFgbg(false))
        .containsExactly(
            "ok echo: héllo ✓ | upload ok | download ok | TLSv1.3 | client TLSv1.3 | bye | eof",
            "server saw héllo sha send version bye");
  }

  @Test
  void aCPythonClientCappedAtTls12TalksToAnFgbgTlsServer() throws Exception {
    assertThat(pythonClientAgainstFgbg(false, "--tls12"))
        .containsExactly(
            "ok echo: héllo ✓ | upload ok | download ok | TLSv1.2 | client TLSv1.2 | bye | eof",
            "server saw héllo sha send version bye");
  }

  @Test
  void aCPythonClientStartsTlsOnAPlainFgbgConnection() throws Exception {
    assertThat(pythonClientAgainstFgbg(true, "--starttls"))
        .containsExactly(
            "ok echo: héllo ✓ | upload ok | download ok | TLSv1.3 | client TLSv1.3 | bye | eof",
            "server saw STARTTLS héllo sha send version bye");
  }

  @Test
  void aCPythonClientRefusesAnFgbgServerWhoseCertificateNamesAnotherHost() throws Exception {
    List<String> seen = Collections.synchronizedList(new ArrayList<>());
    Server server =
        runInForeground(startServer(session(null, seen), LOCALHOST, 0, CERTS.wrongHostServer()));
    try (StreamsPythonSupport client =
        StreamsPythonSupport.start(
            "tls_peer.py", "client", String.valueOf(server.port()), CERTS.caPem().toString(),
            "localhost")) {
      int exit = foreground(callInBackground(client::waitForExit));
      assertThat(exit).as("python3 exit status%s", client.describe()).isZero();
      assertThat(client.stdout())
          .containsExactly("refused Hostname mismatch, certificate is not valid for 'localhost'.");
    }
    server.close();
    foreground(server.waitClosed());
    assertThat(seen).as("no handler ran").isEmpty();
  }

  /** fgbg's client side of tls_peer.py's session against its server. */
  private List<String> fgbgClientAgainstPython(SSLContext context, String... flags)
      throws Exception {
    List<String> args = new ArrayList<>(List.of("server", CERTS.chainPem("localhost").toString(),
        CERTS.keyPem("localhost").toString()));
    args.addAll(List.of(flags));
    boolean starttls = args.contains("--starttls");
    try (StreamsPythonSupport server =
        StreamsPythonSupport.start("tls_peer.py", args.toArray(new String[0]))) {
      String announced = server.nextLine();
      assertThat(announced).as("the server's first line").startsWith("PORT ");
      int port = Integer.parseInt(announced.substring("PORT ".length()));
      byte[] upload = pattern(7, MIB);

      List<String> got =
          foreground(
              () -> {
                Connection c =
                    starttls
                        ? await(openConnection(LOCALHOST, port))
                        : await(openConnection("localhost", port, context));
                StreamReader reader = c.reader();
                StreamWriter writer = c.writer();
                List<String> seen = new ArrayList<>();
                if (starttls) {
                  writer.write("STARTTLS\n");
                  seen.add(await(reader.readLine()));
                  await(writer.startTls(context, "localhost"));
                }
                writer.write("héllo ✓ 𝄞\n");
                seen.add(await(reader.readLine()));
                writer.write("send " + MIB + "\n");
                seen.add(sha256(await(reader.readExactly(MIB))).equals(sha256(pattern(0, MIB)))
                    ? "download ok" : "download differs");
                writer.write("sha " + MIB + "\n");
                writeDrained(writer, upload);
                seen.add(await(reader.readLine()).equals(sha256(upload)) ? "upload ok" : "upload differs");
                writer.write("version\n");
                seen.add(await(reader.readLine()) + " / " + tlsVersion(writer));
                writer.write("bye\n");
                seen.add(await(reader.readLine()));
                seen.add(String.valueOf(await(reader.readLine()))); // close_notify: the end
                seen.add("atEof " + reader.atEof());
                writer.close();
                await(writer.waitClosed());
                return seen;
              });
      int exit = foreground(callInBackground(server::waitForExit));
      assertThat(exit).as("python3 exit status%s", server.describe()).isZero();
      got.add(server.stdout().getLast());
      return got;
    }
  }

  @Test
  void anFgbgTlsClientTalksToACPythonAsyncioTlsServer() throws Exception {
    assertThat(fgbgClientAgainstPython(CERTS.client()))
        .containsExactly(
            "echo: héllo ✓ 𝄞", "download ok", "upload ok", "TLSv1.3 / TLSv1.3", "bye", "null",
            "atEof true", "served héllo send sha version bye");
  }

  @Test
  void anFgbgTls12ClientTalksToACPythonAsyncioTlsServer() throws Exception {
    assertThat(fgbgClientAgainstPython(CERTS.clientTls12()))
        .containsExactly(
            "echo: héllo ✓ 𝄞", "download ok", "upload ok", "TLSv1.2 / TLSv1.2", "bye", "null",
            "atEof true", "served héllo send sha version bye");
  }

  @Test
  void anFgbgClientStartsTlsWithACPythonServersStartTls() throws Exception {
    assertThat(fgbgClientAgainstPython(CERTS.client(), "--starttls"))
        .containsExactly(
            "GO", "echo: héllo ✓ 𝄞", "download ok", "upload ok", "TLSv1.3 / TLSv1.3", "bye",
            "null", "atEof true", "served héllo send sha version bye");
  }
}
