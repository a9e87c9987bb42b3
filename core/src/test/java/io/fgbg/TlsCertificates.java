package io.fgbg;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Certificates made at test time with the {@code keytool} of the JDK that runs the tests (found
 * through {@code java.home}), once per JVM, in a temporary directory: a CA, a server certificate it
 * signed for "localhost" (SAN DNS:localhost, IP:127.0.0.1), one it signed for "wrong.example"
 * only, and a self-signed one for "localhost" that nobody trusts. Each is also written as PEM (the
 * chain, and the key as PKCS#8) for CPython's {@code ssl}.
 *
 * <p>Thread regime: {@link #get()} is synchronized; the instance is immutable.
 */
final class TlsCertificates {
  private static final char[] PASSWORD = "changeit".toCharArray();
  private static TlsCertificates made;

  /** Where the PEM files are. */
  final Path dir;

  private final X509Certificate ca;
  private final KeyStore.PrivateKeyEntry localhost;
  private final KeyStore.PrivateKeyEntry wrongHost;
  private final KeyStore.PrivateKeyEntry untrusted;

  private TlsCertificates(Path dir) throws Exception {
    this.dir = dir;
    keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=fgbg test CA", "-ext", "bc:c", "-validity", "3",
        "-keystore", "ca.p12", "-storetype", "PKCS12", "-storepass", "changeit");
    localhost = signed("localhost", "dns:localhost,ip:127.0.0.1");
    wrongHost = signed("wrong.example", "dns:wrong.example");
    keytool("-genkeypair", "-alias", "untrusted", "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=localhost", "-ext", "san=dns:localhost,ip:127.0.0.1", "-validity", "3",
        "-keystore", "untrusted.p12", "-storetype", "PKCS12", "-storepass", "changeit");
    untrusted = entry("untrusted.p12", "untrusted", List.of());
    ca = (X509Certificate) load("ca.p12").getCertificate("ca");
    writePem("ca.pem", List.of(ca));
    writeChain("localhost", localhost);
    writeChain("wrong", wrongHost);
    writeChain("untrusted", untrusted);
  }

  /** The certificates of this JVM, made at the first call (a few seconds of keytool). */
  static synchronized TlsCertificates get() {
    if (made == null) {
      try {
        Path dir = Files.createTempDirectory("fgbg-tls-");
        dir.toFile().deleteOnExit();
        made = new TlsCertificates(dir);
      } catch (Exception e) {
        throw new IllegalStateException("cannot make the test certificates with keytool", e);
      }
    }
    return made;
  }

  /** A server's context with the "localhost" certificate (TLS 1.2 and 1.3). */
  SSLContext server() {
    return serverContext(localhost, "TLS");
  }

  /** A server's context with the certificate for "wrong.example" only. */
  SSLContext wrongHostServer() {
    return serverContext(wrongHost, "TLS");
  }

  /** A server's context with the self-signed certificate nobody trusts. */
  SSLContext untrustedServer() {
    return serverContext(untrusted, "TLS");
  }

  /** A client's context that trusts the test CA (TLS 1.2 and 1.3). */
  SSLContext client() {
    return clientContext("TLS");
  }

  /** A client's context that trusts the test CA and speaks TLS 1.2 at most. */
  SSLContext clientTls12() {
    return clientContext("TLSv1.2");
  }

  /** A client's context that trusts only the JDK's default CAs, not the test CA. */
  SSLContext clientOfTheJdkCas() {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, null, null);
      return context;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The PEM files of a certificate: its chain (leaf first) and its key. */
  Path chainPem(String name) {
    return dir.resolve(name + "-chain.pem");
  }

  Path keyPem(String name) {
    return dir.resolve(name + "-key.pem");
  }

  Path caPem() {
    return dir.resolve("ca.pem");
  }

  // ---- making them

  private KeyStore.PrivateKeyEntry signed(String name, String san) throws Exception {
    String store = name + ".p12";
    keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=" + name, "-validity", "3",
        "-keystore", store, "-storetype", "PKCS12", "-storepass", "changeit");
    keytool("-certreq", "-alias", name, "-keystore", store, "-storepass", "changeit",
        "-file", name + ".csr");
    keytool("-gencert", "-alias", "ca", "-keystore", "ca.p12", "-storepass", "changeit",
        "-infile", name + ".csr", "-outfile", name + ".crt", "-rfc", "-validity", "3",
        "-ext", "san=" + san, "-ext", "eku=serverAuth", "-ext", "ku=digitalSignature");
    List<Certificate> chain = new ArrayList<>();
    CertificateFactory factory = CertificateFactory.getInstance("X.509");
    try (InputStream in = Files.newInputStream(dir.resolve(name + ".crt"))) {
      chain.add(factory.generateCertificate(in));
    }
    chain.add(load("ca.p12").getCertificate("ca"));
    return entry(store, name, chain);
  }

  /** The key of {@code alias} in {@code store}, with {@code chain} (empty: the store's own). */
  private KeyStore.PrivateKeyEntry entry(String store, String alias, List<Certificate> chain)
      throws Exception {
    KeyStore keys = load(store);
    PrivateKey key = (PrivateKey) keys.getKey(alias, PASSWORD);
    Certificate[] certificates =
        chain.isEmpty() ? keys.getCertificateChain(alias) : chain.toArray(new Certificate[0]);
    return new KeyStore.PrivateKeyEntry(key, certificates);
  }

  private KeyStore load(String store) throws Exception {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(dir.resolve(store))) {
      keys.load(in, PASSWORD);
    }
    return keys;
  }

  private void writeChain(String name, KeyStore.PrivateKeyEntry entry) throws Exception {
    writePem(name + "-chain.pem", List.of(entry.getCertificateChain()));
    String key =
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder(64, new byte[] {'\n'})
                .encodeToString(entry.getPrivateKey().getEncoded())
            + "\n-----END PRIVATE KEY-----\n";
    Files.writeString(dir.resolve(name + "-key.pem"), key, US_ASCII);
  }

  private void writePem(String file, List<Certificate> certificates) throws Exception {
    StringBuilder pem = new StringBuilder();
    for (Certificate c : certificates) {
      pem.append("-----BEGIN CERTIFICATE-----\n")
          .append(Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(c.getEncoded()))
          .append("\n-----END CERTIFICATE-----\n");
    }
    Files.writeString(dir.resolve(file), pem, US_ASCII);
  }

  private SSLContext serverContext(KeyStore.PrivateKeyEntry entry, String protocol) {
    try {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry("server", entry.getPrivateKey(), PASSWORD, entry.getCertificateChain());
      KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      factory.init(keys, PASSWORD);
      SSLContext context = SSLContext.getInstance(protocol);
      context.init(factory.getKeyManagers(), null, null);
      return context;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private SSLContext clientContext(String protocol) {
    try {
      KeyStore trusted = KeyStore.getInstance("PKCS12");
      trusted.load(null, null);
      trusted.setCertificateEntry("ca", ca);
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(trusted);
      SSLContext context = SSLContext.getInstance(protocol);
      context.init(null, factory.getTrustManagers(), null);
      return context;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private void keytool(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    Process p =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    p.getOutputStream().close();
    byte[] output = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException(
          "keytool " + String.join(" ", args) + " failed:\n" + new String(output, US_ASCII));
    }
  }
}
