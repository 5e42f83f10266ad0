/**
 * The durable batch runner: {@link io.github.kimisdk.batch.BatchRun} takes rows (a {@code
 * custom_id} and a chat request each) through Kimi's batch API in bounded memory, resumable after a
 * crash from its state directory, and streams the results back by {@code custom_id}; {@link
 * io.github.kimisdk.batch.BatchProgress} says where a run stands.
 */
package io.github.kimisdk.batch;
