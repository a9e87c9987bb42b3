package io.fgbg.bench;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The certificate of the TLS echo benchmark: a self-signed one for "localhost" (SAN DNS:localhost,
 * IP:127.0.0.1, an EC P-256 key), made with the running JDK's {@code keytool} into a directory, as
 * {@code bench.p12} for fgbg and as {@code cert.pem} / {@code key.pem} for CPython's {@code ssl}.
 * Both sides of the benchmark use the same files: the server presents the certificate, the client
 * trusts exactly it and checks the name "localhost".
 *
 * <pre>
 * java -cp core/target/classes:benchmarks/target/classes io.fgbg.bench.BenchCertificates DIR
 * </pre>
 */
public final class BenchCertificates {
  private static final char[] PASSWORD = "changeit".toCharArray();

  private BenchCertificates() {}

  /**
   * Makes the files in {@code args[0]}, unless they are there already.
   *
   * @param args the directory
   * @throws Exception if keytool fails
   */
  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: BenchCertificates DIR");
      System.exit(2);
    }
    make(Path.of(args[0]));
  }

  /** Makes the files in {@code dir} unless they are there. */
  static void make(Path dir) throws Exception {
    Files.createDirectories(dir);
    if (Files.exists(dir.resolve("key.pem"))) {
      return;
    }
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "bench", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-ext", "san=dns:localhost,ip:127.0.0.1",
                "-validity", "30", "-keystore", "bench.p12", "-storetype", "PKCS12",
                "-storepass", "changeit")
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .start();
    p.getOutputStream().close();
    byte[] output = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("keytool failed:\n" + new String(output, US_ASCII));
    }
    KeyStore keys = load(dir);
    Certificate cert = keys.getCertificate("bench");
    PrivateKey key = (PrivateKey) keys.getKey("bench", PASSWORD);
    Base64.Encoder pem = Base64.getMimeEncoder(64, new byte[] {'\n'});
    Files.writeString(
        dir.resolve("cert.pem"),
        "-----BEGIN CERTIFICATE-----\n" + pem.encodeToString(cert.getEncoded())
            + "\n-----END CERTIFICATE-----\n",
        US_ASCII);
    Files.writeString(
        dir.resolve("key.pem"),
        "-----BEGIN PRIVATE KEY-----\n" + pem.encodeToString(key.getEncoded())
            + "\n-----END PRIVATE KEY-----\n",
        US_ASCII);
  }

  /** The server's context: the certificate and its key. */
  static SSLContext server(Path dir) throws Exception {
    KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    factory.init(load(dir), PASSWORD);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(factory.getKeyManagers(), null, null);
    return context;
  }

  /** The client's context: trusts the certificate, and nothing else. */
  static SSLContext client(Path dir) throws Exception {
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    trusted.load(null, null);
    trusted.setCertificateEntry("bench", load(dir).getCertificate("bench"));
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trusted);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);
    return context;
  }

  private static KeyStore load(Path dir) throws Exception {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(dir.resolve("bench.p12"))) {
      keys.load(in, PASSWORD);
    }
    return keys;
  }
}
