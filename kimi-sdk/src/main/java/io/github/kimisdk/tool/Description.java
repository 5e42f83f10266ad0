package io.github.kimisdk.tool;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Describes a record component, or a record, enum or sealed interface, to the model: {@link
 * JsonSchema#of(Class)} puts the text in the schema's {@code description}.
 *
 * <pre>{@code
 * @Description("Current weather at one place")
 * record Weather(
 *     String city,
 *     @Description("degrees Celsius") double temperature,
 *     List<String> warnings) {}
 * }</pre>
 *
 * <p>State here what the schema cannot: units, ranges, formats and how to choose. On a component
 * whose type is a record, enum or sealed interface, the component's text is used instead of the
 * type's.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.TYPE})
public @interface Description {
  /**
   * Returns the text for the model.
   *
   * @return the description
   */
  String value();
}
