package io.github.kimisdk.json;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a record component that JSON may leave out, for {@link Json#bind(JsonValue, Class)} and the
 * schemas derived from records ({@code io.github.kimisdk.tool.JsonSchema.of(Class)}).
 *
 * <pre>{@code
 * record Query(String city, @JsonOptional Integer days) {}
 * Json.bind(Json.parse("{\"city\":\"Paris\"}"), Query.class);   // Query[city=Paris, days=null]
 * }</pre>
 *
 * <p>A missing member, or a {@code null} one, binds to {@code null}; {@link Json#toJson(Object)}
 * leaves the member out when the component is {@code null}; a derived schema does not list it as
 * required. A component of type {@link java.util.Optional} (or {@code OptionalInt}, {@code
 * OptionalLong}, {@code OptionalDouble}) is optional without this mark and binds to an empty
 * optional instead. A primitive component cannot be marked: it has no value for "absent" (use the
 * boxed type).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface JsonOptional {}
