package io.fgbg;

import static io.fgbg.Fgbg.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * fgbg's streams against peers no one here wrote: CPython asyncio's, run as separate {@code
 * python3} processes (see {@code src/test/resources/streams/}). Skipped, saying why, without
 * python3.
 */
class StreamsPythonPeersTest extends StreamsLoopSupport {

  @Test
  void aCPythonAsyncioClientTalksToAnFgbgServerThatTheCallingThreadServes() throws Exception {
    StreamsPythonSupport.assumePython3();
    Server server = runInForeground(startServer(ECHO_BYTES, LOCALHOST, 0));

    try (StreamsPythonSupport client =
        StreamsPythonSupport.start("asyncio_echo_client.py", String.valueOf(server.port()))) {
      // the script talks while the loop serves it, in this thread
      int exit = foreground(callInBackground(client::waitForExit));

      assertThat(exit).as("python3 exit status%s", client.describe()).isZero();
      assertThat(client.stdout()).containsExactly("ok lines=100 bytes=2097152");
    }
    server.close();
    foreground(server.waitClosed());
  }

  @Test
  void anFgbgClientTalksToACPythonAsyncioServer() throws Exception {
    try (StreamsPythonSupport server = StreamsPythonSupport.start("asyncio_server.py")) {
      String announced = server.nextLine();
      assertThat(announced).as("the server's first line").startsWith("PORT ");
      int port = Integer.parseInt(announced.substring("PORT ".length()));
      int blob = 3 << 20;
      byte[] upload = pattern(7, 1 << 20);

      List<String> replies =
          foreground(
              () -> {
                Connection c = await(openConnection(LOCALHOST, port));
                StreamReader reader = c.reader();
                StreamWriter writer = c.writer();
                List<String> got = new ArrayList<>();
                writer.write("héllo ✓ 𝄞\n");
                got.add(await(reader.readLine()));

                writer.write("send " + blob + "\n");
                await(writer.drain());
                byte[] downloaded = await(reader.readExactly(blob));
                got.add(
                    downloaded.length == blob && firstMismatch(0, downloaded, blob) < 0
                        ? "downloaded " + blob + " in order"
                        : "download broken at " + firstMismatch(0, downloaded, blob));

                writer.write("sha " + upload.length + "\n");
                writer.write(upload);
                await(writer.drain());
                got.add(await(reader.readLine()));

                writer.write("bye\n");
                got.add(await(reader.readLine()));
                got.add(String.valueOf(await(reader.readLine())));
                got.add("atEof " + reader.atEof());
                writer.close();
                await(writer.waitClosed());
                return got;
              });

      String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(upload));
      assertThat(replies)
          .containsExactly(
              "echo: héllo ✓ 𝄞",
              "downloaded " + blob + " in order",
              sha256,
              "bye",
              "null",
              "atEof true");
      int exit = foreground(callInBackground(server::waitForExit));
      assertThat(exit).as("python3 exit status%s", server.describe()).isZero();
      assertThat(server.stdout()).endsWith("served 4");
    }
  }
}
