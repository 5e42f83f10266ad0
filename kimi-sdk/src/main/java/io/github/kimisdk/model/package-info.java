/**
 * What the SDK knows about each Kimi model, in one place: the model table ({@link
 * io.github.kimisdk.model.ModelCatalog}, one {@link io.github.kimisdk.model.ModelInfo} per id), the
 * model-specific rules that check and adapt a request ({@link io.github.kimisdk.model.ModelRules},
 * {@link io.github.kimisdk.model.SamplingPolicy}, {@link
 * io.github.kimisdk.model.ThinkingFallback}), and money: {@link io.github.kimisdk.model.PriceTable}
 * and {@link io.github.kimisdk.model.Price}, {@link io.github.kimisdk.model.Cost} for one call and
 * {@link io.github.kimisdk.model.Spend} for a sum of calls.
 */
package io.github.kimisdk.model;
