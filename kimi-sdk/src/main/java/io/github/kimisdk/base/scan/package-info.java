/** The base floor's byte scan, which both JSON decoders run over strings. Not exported. */
package io.github.kimisdk.base.scan;
