/**
 * The base floor's record binder, behind {@code Json.bind} and {@code Json.toJson}, the shapes
 * schema derivation walks, and how a JSON value's kind is named in a message ({@code JsonKind}).
 * With {@code base.schema} and {@code base.sse}, the one part of the base floor that uses an
 * exported package: the JSON values it binds. Not exported; knows nothing of Kimi.
 */
package io.github.kimisdk.base.bind;
