/**
 * The base floor's byte scans: the one both JSON decoders run over strings, and the SSE parser's
 * search for a line end. Not exported.
 */
package io.github.kimisdk.base.scan;
