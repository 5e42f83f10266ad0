/**
 * The platform's values, as the client's services return them: files ({@link
 * io.github.kimisdk.platform.FileObject}, {@link io.github.kimisdk.platform.FilePurpose}, {@link
 * io.github.kimisdk.platform.FileContent}), batches ({@link io.github.kimisdk.platform.Batch},
 * {@link io.github.kimisdk.platform.BatchResult}, a result file's {@link
 * io.github.kimisdk.platform.BatchLine}), the account's {@link io.github.kimisdk.platform.Balance}
 * and {@link io.github.kimisdk.platform.PingResult}, the results of many calls ({@link
 * io.github.kimisdk.platform.ChatResult}), and Kimi Code's usage ({@link
 * io.github.kimisdk.platform.CodeUsage}, {@link io.github.kimisdk.platform.UsageWindow}, {@link
 * io.github.kimisdk.platform.BoosterWallet}) and search results ({@link
 * io.github.kimisdk.platform.WebSearchResult}). The services that return them are in {@link
 * io.github.kimisdk}; these values use nothing of that package, so the client depends on them and
 * not the other way.
 */
package io.github.kimisdk.platform;
