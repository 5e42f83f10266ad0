package io.github.kimisdk.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import javax.xml.parsers.DocumentBuilderFactory;
import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPKeyPair;
import org.bouncycastle.openpgp.PGPKeyRingGenerator;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.jcajce.JcaPGPObjectFactory;
import org.bouncycastle.openpgp.operator.PGPDigestCalculator;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPContentVerifierBuilderProvider;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPDigestCalculatorProviderBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPKeyPair;
import org.bouncycastle.openpgp.operator.jcajce.JcePBESecretKeyEncryptorBuilder;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * README's release command builds a bundle Maven Central's publisher portal accepts. The command of
 * README's "Releasing" section runs in a copy of the repository, as a maintainer would run it, with
 * a signing key made on the spot (no gpg installation: the build signs with Bouncy Castle),
 * stopping before the upload ({@code -DskipUpload=true}) and without the tests (they are this
 * build's). The bundle is then held against Central's published requirements
 * (central.sonatype.org/publish/requirements): every artifact with its POM, a jar with its {@code
 * -sources} and {@code -javadoc} jars, an {@code .asc} signature that verifies with the key, MD5
 * and SHA-1 checksums that match, a release version, and POMs naming the project, its description,
 * URL, licence, developers and SCM. It also holds what this project promises: exactly the published
 * artifacts (no example, no benchmark), a BOM that lists each of them at the release version and
 * nothing else, and a core jar without the test server.
 */
@Tag("slow") // a whole release build: mvn -B -P slow verify
class ReleaseBundleTest {

  static final Duration TIMEOUT = Duration.ofMinutes(25);
  static final String VERSION = "0.1.0";
  static final String GROUP_PATH = "io/github/kimisdk/";

  /** Every artifact the project publishes (DESIGN.md's artifact ids, and the parent POM). */
  static final Set<String> PUBLISHED =
      Set.of(
          "kimi-sdk-parent",
          "kimi-sdk",
          "kimi-sdk-testing",
          "kimi-sdk-mcp",
          "kimi-sdk-agents",
          "kimi-sdk-budget",
          "kimi-sdk-batch",
          "kimi-sdk-hostcheck",
          "kimi-sdk-bom",
          "kimi-sdk-langchain4j",
          "kimi-sdk-spring-ai",
          "kimi-sdk-spring-ai-starter",
          "kimi-sdk-spring-ai-boot3",
          "kimi-sdk-spring-ai-boot3-starter",
          "kimi-sdk-redis",
          "kimi-sdk-flink",
          "kimi-sdk-opentelemetry",
          "kimi-sdk-temporal",
          "kimi-sdk-ui");

  /** Published as a POM alone. */
  static final Set<String> POM_ONLY = Set.of("kimi-sdk-parent", "kimi-sdk-bom");

  /** README's release command: the one block of its "Releasing" section. */
  static String releaseCommand() throws IOException {
    String readme = ReadmeInStepTest.readme();
    int start = readme.indexOf("\n### Releasing\n");
    assertThat(start).as("README.md has a \"Releasing\" section").isPositive();
    String section = readme.substring(start + 1);
    section = section.substring(0, section.indexOf("\n#", 1));
    List<String> blocks = ReadmeInStepTest.blocks(section, "sh");
    assertThat(blocks).as("the shell blocks of README's Releasing section").hasSize(1);
    String command = blocks.get(0).strip();
    assertThat(command).doesNotContain("\n").startsWith("mvn ").contains(" -Drevision=" + VERSION);
    return command;
  }

  @Test
  void readmesReleaseCommandBuildsABundleCentralAccepts(@TempDir Path tmp) throws Exception {
    String mavenHome = System.getProperty("kimisdk.maven.home", "");
    assumeTrue(!mavenHome.isEmpty(), "run by Maven, which passes kimisdk.maven.home");
    Path copy = Files.createDirectories(tmp.resolve("repository"));
    copyRepository(ReadmeInStepTest.ROOT.toRealPath(), copy);

    char[] passphrase = "throwaway passphrase".toCharArray();
    PGPKeyRingGenerator keys = throwawayKey(passphrase);
    PGPPublicKey publicKey = keys.generatePublicKeyRing().getPublicKey();

    List<String> mvn = new ArrayList<>();
    mvn.add(Path.of(mavenHome, "bin", "mvn").toString());
    for (String word : releaseCommand().split("\\s+")) {
      if (!word.equals("mvn")) {
        mvn.add(word);
      }
    }
    mvn.add("-DskipUpload=true"); // the bundle, not the upload
    mvn.add("-DskipTests"); // this build runs them
    String repo = System.getProperty("kimisdk.maven.repo.local", "");
    if (!repo.isEmpty()) {
      mvn.add("-Dmaven.repo.local=" + repo);
    }
    if ("offline=true".equals(System.getProperty("kimisdk.maven.offline"))) {
      mvn.add("-o");
    }
    ChildProcess build =
        ChildProcess.run(
            copy,
            TIMEOUT,
            Map.of(
                "JAVA_HOME", System.getProperty("java.home"),
                "MAVEN_GPG_KEY", armoredSecretKey(keys),
                "MAVEN_GPG_PASSPHRASE", new String(passphrase)),
            mvn);
    assertThat(build.status()).as(build.describe()).isZero();
    assertThat(build.stdout() + build.stderr()).doesNotContain(new String(passphrase));

    Path bundle = copy.resolve("target/central-publishing/central-bundle.zip");
    assertThat(bundle).as(build.describe()).isRegularFile();
    Map<String, byte[]> files = unzip(bundle);
    checkBundle(files, publicKey);

    // and the check notices a jar changed after signing
    String core = GROUP_PATH + "kimi-sdk/" + VERSION + "/kimi-sdk-" + VERSION + "-sources.jar";
    Map<String, byte[]> tampered = new TreeMap<>(files);
    byte[] changed = files.get(core).clone();
    changed[changed.length / 2] ^= 1;
    tampered.put(core, changed);
    assertThatThrownBy(() -> checkBundle(tampered, publicKey))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining(core);
  }

  /** Central's requirements, and this project's promises, over the bundle's files. */
  static void checkBundle(Map<String, byte[]> files, PGPPublicKey key) throws Exception {
    Map<String, Set<String>> byArtifact = new TreeMap<>();
    for (String name : files.keySet()) {
      assertThat(name).as("a path in the bundle").startsWith(GROUP_PATH);
      String[] parts = name.substring(GROUP_PATH.length()).split("/");
      assertThat(parts).as(name + ": groupId/artifactId/version/file").hasSize(3);
      assertThat(parts[1]).as(name + ": the release version, no snapshot").isEqualTo(VERSION);
      assertThat(parts[2]).startsWith(parts[0] + "-" + VERSION);
      byArtifact.computeIfAbsent(parts[0], a -> new TreeSet<>()).add(name);
    }
    assertThat(byArtifact.keySet()).as("the artifacts bundled").isEqualTo(new TreeSet<>(PUBLISHED));

    Map<String, Document> poms = new TreeMap<>();
    for (String artifact : PUBLISHED) {
      String base = GROUP_PATH + artifact + "/" + VERSION + "/" + artifact + "-" + VERSION;
      Document pom = parse(files.get(base + ".pom"));
      assertThat(pom).as(base + ".pom").isNotNull();
      poms.put(artifact, pom);
      Element project = pom.getDocumentElement();
      String packaging = text(project, "packaging");
      if (POM_ONLY.contains(artifact)) {
        assertThat(packaging).as(artifact + " packaging").isEqualTo("pom");
      } else {
        assertThat(packaging).as(artifact + " packaging").isIn(null, "jar");
        for (String suffix : List.of(".jar", "-sources.jar", "-javadoc.jar")) {
          assertThat(files).as(artifact + suffix).containsKey(base + suffix);
          assertThat(jarEntries(files.get(base + suffix)))
              .as(base + suffix + " holds files")
              .isNotEmpty();
        }
      }
    }
    for (String name : files.keySet()) {
      if (name.endsWith(".asc") || name.endsWith(".md5") || name.endsWith(".sha1")) {
        continue;
      }
      byte[] content = files.get(name);
      assertThat(files).as(name + " is signed").containsKey(name + ".asc");
      assertThat(verifies(key, content, files.get(name + ".asc")))
          .as(name + ".asc verifies with the release key")
          .isTrue();
      for (String algorithm : List.of("MD5", "SHA-1")) {
        String suffix = algorithm.equals("MD5") ? ".md5" : ".sha1";
        assertThat(files).as(name + suffix).containsKey(name + suffix);
        String expected =
            HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(content));
        assertThat(new String(files.get(name + suffix), StandardCharsets.US_ASCII).strip())
            .as(name + suffix)
            .startsWith(expected);
      }
    }
    for (Map.Entry<String, Document> e : poms.entrySet()) {
      checkMetadata(e.getKey(), e.getValue(), poms);
    }
    checkBom(poms.get("kimi-sdk-bom"), files);
    String core = GROUP_PATH + "kimi-sdk/" + VERSION + "/kimi-sdk-" + VERSION + ".jar";
    assertThat(jarEntries(files.get(core)))
        .as("the core jar holds no class of the test server")
        .noneMatch(n -> n.startsWith("io/github/kimisdk/testing/"));
  }

  /**
   * Coordinates, name and description in each POM; URL, licence, developers and SCM in it or in the
   * parent POM it names (which is in the bundle).
   */
  static void checkMetadata(String artifact, Document pom, Map<String, Document> poms) {
    Element project = pom.getDocumentElement();
    assertThat(text(project, "artifactId")).isEqualTo(artifact);
    assertThat(text(project, "modelVersion")).isEqualTo("4.0.0");
    for (String element : List.of("name", "description")) {
      assertThat(text(project, element)).as(artifact + " <" + element + ">").isNotBlank();
    }
    Element parent = child(project, "parent");
    if (parent != null) {
      assertThat(text(parent, "groupId")).isEqualTo("io.github.kimisdk");
      assertThat(text(parent, "version")).isEqualTo(VERSION);
      assertThat(poms)
          .as(artifact + "'s parent is published with it")
          .containsKey(text(parent, "artifactId"));
    } else {
      assertThat(text(project, "groupId")).as(artifact + " groupId").isEqualTo("io.github.kimisdk");
      assertThat(text(project, "version")).as(artifact + " version").isEqualTo(VERSION);
    }
    assertThat(new String(serialize(pom), StandardCharsets.UTF_8))
        .as(artifact + ": no property left for the consumer to resolve in its coordinates")
        .doesNotContain("${revision}");
    Element withMetadata = project;
    while (child(withMetadata, "licenses") == null && child(withMetadata, "parent") != null) {
      withMetadata =
          poms.get(text(child(withMetadata, "parent"), "artifactId")).getDocumentElement();
    }
    String where = artifact + " (or its parent)";
    assertThat(text(withMetadata, "url")).as(where + " <url>").startsWith("https://");
    Element license = child(child(withMetadata, "licenses"), "license");
    assertThat(text(license, "name")).as(where + " licence name").isNotBlank();
    assertThat(text(license, "url")).as(where + " licence url").startsWith("https://");
    Element developer = child(child(withMetadata, "developers"), "developer");
    assertThat(text(developer, "name")).as(where + " developer name").isNotBlank();
    Element scm = child(withMetadata, "scm");
    assertThat(text(scm, "connection")).as(where + " scm connection").startsWith("scm:git:");
    assertThat(text(scm, "developerConnection"))
        .as(where + " scm developerConnection")
        .startsWith("scm:git:");
    assertThat(text(scm, "url")).as(where + " scm url").startsWith("https://");
  }

  /**
   * The BOM: no parent, every published jar at the release version, and of others only the
   * langchain4j-core pin, at a released version.
   */
  static void checkBom(Document bom, Map<String, byte[]> files) {
    Element project = bom.getDocumentElement();
    assertThat(child(project, "parent"))
        .as("the BOM has no parent, so importing it manages nothing else")
        .isNull();
    Set<String> managed = new TreeSet<>();
    Set<String> thirdParty = new TreeSet<>();
    Element dependencies = child(child(project, "dependencyManagement"), "dependencies");
    for (Node n = dependencies.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element d) {
        if (!"io.github.kimisdk".equals(text(d, "groupId"))) {
          thirdParty.add(text(d, "groupId") + ":" + text(d, "artifactId"));
          assertThat(text(d, "version"))
              .as(text(d, "artifactId") + ": a released version, written out")
              .matches("[0-9]+(\\.[0-9]+)*");
          continue;
        }
        assertThat(text(d, "version")).as(text(d, "artifactId")).isEqualTo(VERSION);
        String classifier = text(d, "classifier");
        String artifact = text(d, "artifactId");
        String file =
            GROUP_PATH
                + artifact
                + "/"
                + VERSION
                + "/"
                + artifact
                + "-"
                + VERSION
                + (classifier == null ? "" : "-" + classifier)
                + ".jar";
        assertThat(files).as("the BOM names " + file + ", which is published").containsKey(file);
        managed.add(artifact);
      }
    }
    Set<String> jars = new TreeSet<>(PUBLISHED);
    jars.removeAll(POM_ONLY);
    assertThat(managed).as("the artifacts the BOM manages").isEqualTo(jars);
    assertThat(thirdParty)
        .as("beyond kimi-sdk's own, the BOM manages only the LangChain4j core it is built on")
        .containsExactly("dev.langchain4j:langchain4j-core");
  }

  // --- the throwaway key ---

  /** A new RSA signing key with a user id, its secret part under {@code passphrase}. */
  static PGPKeyRingGenerator throwawayKey(char[] passphrase) throws Exception {
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(3072, new SecureRandom());
    KeyPair pair = rsa.generateKeyPair();
    PGPKeyPair signing = new JcaPGPKeyPair(PublicKeyAlgorithmTags.RSA_SIGN, pair, new Date());
    PGPDigestCalculator sha1 =
        new JcaPGPDigestCalculatorProviderBuilder().build().get(HashAlgorithmTags.SHA1);
    return new PGPKeyRingGenerator(
        PGPSignature.POSITIVE_CERTIFICATION,
        signing,
        "kimi-sdk release test <release-test@example.invalid>",
        sha1,
        null,
        null,
        new JcaPGPContentSignerBuilder(
            signing.getPublicKey().getAlgorithm(), HashAlgorithmTags.SHA256),
        new JcePBESecretKeyEncryptorBuilder(SymmetricKeyAlgorithmTags.AES_256, sha1)
            .build(passphrase));
  }

  /** The secret key ring, ASCII-armoured: what MAVEN_GPG_KEY holds. */
  static String armoredSecretKey(PGPKeyRingGenerator keys) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream armored = new ArmoredOutputStream(out)) {
      keys.generateSecretKeyRing().encode(armored);
    }
    return out.toString(StandardCharsets.US_ASCII);
  }

  /** Tells whether the armoured detached signature {@code asc} is {@code key}'s over content. */
  static boolean verifies(PGPPublicKey key, byte[] content, byte[] asc)
      throws IOException, PGPException {
    try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(asc))) {
      Object first = new JcaPGPObjectFactory(in).nextObject();
      assertThat(first).as("an .asc holds a signature").isInstanceOf(PGPSignatureList.class);
      PGPSignature signature = ((PGPSignatureList) first).get(0);
      signature.init(new JcaPGPContentVerifierBuilderProvider(), key);
      signature.update(content);
      return signature.verify();
    }
  }

  // --- files ---

  /** A copy of the repository's sources: everything but build output and version control. */
  static void copyRepository(Path from, Path to) throws IOException {
    Set<String> skipped = Set.of("target", ".git", "node_modules", ".idea");
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Path relative = from.relativize(p);
        boolean skip = false;
        for (Path part : relative) {
          skip |= skipped.contains(part.toString());
        }
        if (skip) {
          continue;
        }
        Path dest = to.resolve(relative.toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(dest);
        } else {
          Files.copy(p, dest, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }

  static Map<String, byte[]> unzip(Path zip) throws IOException {
    Map<String, byte[]> out = new TreeMap<>();
    try (ZipFile z = new ZipFile(zip.toFile())) {
      for (ZipEntry e : z.stream().toList()) {
        if (!e.isDirectory()) {
          try (InputStream in = z.getInputStream(e)) {
            out.put(e.getName(), in.readAllBytes());
          }
        }
      }
    }
    return out;
  }

  static List<String> jarEntries(byte[] jar) throws IOException {
    Path file = Files.createTempFile("bundled", ".jar");
    try {
      Files.write(file, jar);
      List<String> out = new ArrayList<>();
      try (ZipFile z = new ZipFile(file.toFile())) {
        z.stream().filter(e -> !e.isDirectory()).forEach(e -> out.add(e.getName()));
      }
      return out;
    } finally {
      Files.delete(file);
    }
  }

  // --- POMs ---

  static Document parse(byte[] xml) throws Exception {
    if (xml == null) {
      return null;
    }
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(false);
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
  }

  static byte[] serialize(Document d) {
    StringBuilder out = new StringBuilder();
    appendText(d.getDocumentElement(), out);
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void appendText(Node n, StringBuilder out) {
    if (n.getNodeType() == Node.TEXT_NODE) {
      out.append(n.getNodeValue());
    }
    for (Node c = n.getFirstChild(); c != null; c = c.getNextSibling()) {
      appendText(c, out);
    }
  }

  /** The direct child element {@code name} of {@code e}, or null. */
  static Element child(Element e, String name) {
    if (e == null) {
      return null;
    }
    for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element c && c.getTagName().equals(name)) {
        return c;
      }
    }
    return null;
  }

  /** The text of the direct child element {@code name} of {@code e}, or null. */
  static String text(Element e, String name) {
    Element c = child(e, name);
    return c == null ? null : c.getTextContent().strip();
  }

  @Test
  void theReleaseCommandIsTheOneReadmeGives() throws IOException {
    String command = releaseCommand();
    Matcher profile = Pattern.compile("-P\\s*(\\S+)").matcher(command);
    assertThat(profile.find()).as(command).isTrue();
    assertThat(profile.group(1).split(",")).contains("release");
    assertThat(command).endsWith(" deploy");
  }
}
