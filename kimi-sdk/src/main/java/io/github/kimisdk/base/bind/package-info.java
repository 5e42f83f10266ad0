/**
 * The base floor's record binder, behind {@code Json.bind} and {@code Json.toJson}, and the shapes
 * schema derivation walks. Not exported; knows nothing of Kimi.
 */
package io.github.kimisdk.base.bind;
