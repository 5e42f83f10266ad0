package io.github.kimisdk.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonValue;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Binding a decoded tree to a record against decoding it, for kimi-sdk ({@code Json.parse}, then
 * {@code Json.bind}) and for Jackson ({@code readTree}, then {@code treeToValue}; and {@code
 * readValue} straight from the bytes). The document is a 3.5 KB structured reply, a week's forecast
 * ({@code bind/forecast.json}), and the records are the same for both libraries.
 *
 * <p>The bar: {@code bindKimiSdk} must not cost more than {@code decodeKimiSdk}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
public class BindBenchmark {

  /** The sky of one day. */
  public enum Sky {
    /** No clouds. */
    CLEAR,
    /** Clouds. */
    CLOUDY,
    /** Rain. */
    RAIN,
    /** Snow. */
    SNOW,
    /** Thunder. */
    STORM
  }

  /** The unit of the temperatures. */
  public enum Unit {
    /** Degrees Celsius. */
    CELSIUS,
    /** Degrees Fahrenheit. */
    FAHRENHEIT
  }

  /**
   * A weather alert.
   *
   * @param level how serious
   * @param text what to expect
   * @param issuedAt when, in seconds since the epoch
   */
  public record Alert(String level, String text, long issuedAt) {}

  /**
   * One day of the forecast.
   *
   * @param date the day, ISO 8601
   * @param high the highest temperature
   * @param low the lowest temperature
   * @param sky the sky
   * @param precipitationChance the chance of rain or snow, in percent
   * @param hourly temperatures every three hours
   * @param alerts the alerts
   * @param windy whether it is windy
   */
  public record Day(
      String date,
      double high,
      double low,
      Sky sky,
      int precipitationChance,
      List<Double> hourly,
      List<Alert> alerts,
      boolean windy) {}

  /**
   * Who wrote the reply.
   *
   * @param model the model
   * @param tokens the tokens it took
   * @param cached whether it came from a cache
   */
  public record Origin(String model, int tokens, boolean cached) {}

  /**
   * A week's forecast, as a model's structured reply.
   *
   * @param city the city
   * @param country the country code
   * @param latitude degrees north
   * @param longitude degrees east
   * @param elevation metres
   * @param population people
   * @param unit the temperature unit
   * @param days the days
   * @param sources where the data came from
   * @param summary a few totals
   * @param generatedBy who wrote it
   */
  public record Forecast(
      String city,
      String country,
      double latitude,
      double longitude,
      int elevation,
      long population,
      Unit unit,
      List<Day> days,
      List<String> sources,
      Map<String, Integer> summary,
      Origin generatedBy) {}

  static final String FIXTURE = "/bind/forecast.json";

  private final ObjectMapper mapper = new ObjectMapper();
  private byte[] bytes;
  private JsonValue tree;
  private JsonNode jacksonTree;

  /** Loads the document and decodes it once with each library, for the bind benchmarks. */
  @Setup
  public void setUp() throws IOException {
    bytes = fixture();
    tree = Json.parse(bytes);
    jacksonTree = mapper.readTree(bytes);
  }

  static byte[] fixture() {
    try (InputStream in = BindBenchmark.class.getResourceAsStream(FIXTURE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + FIXTURE);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Decodes the bytes into a kimi-sdk tree. */
  @Benchmark
  public JsonValue decodeKimiSdk() {
    return Json.parse(bytes);
  }

  /** Binds the decoded kimi-sdk tree to the record. */
  @Benchmark
  public Forecast bindKimiSdk() {
    return Json.bind(tree, Forecast.class);
  }

  /** Decodes and binds, as {@code ChatCompletion.parse} does. */
  @Benchmark
  public Forecast decodeAndBindKimiSdk() {
    return Json.bind(Json.parse(bytes), Forecast.class);
  }

  /** Decodes the bytes into a Jackson tree with {@code readTree}. */
  @Benchmark
  public JsonNode decodeJackson() throws IOException {
    return mapper.readTree(bytes);
  }

  /** Binds the decoded Jackson tree to the record with {@code treeToValue}. */
  @Benchmark
  public Forecast bindJackson() throws IOException {
    return mapper.treeToValue(jacksonTree, Forecast.class);
  }

  /** Reads the record straight from the bytes with {@code readValue} (no tree). */
  @Benchmark
  public Forecast readValueJackson() throws IOException {
    return mapper.readValue(bytes, Forecast.class);
  }
}
