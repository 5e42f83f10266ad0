/**
 * The base floor's HTTP rules: which headers a caller may set, and what a TLS failure says about
 * retrying. Not exported; knows nothing of Kimi.
 */
package io.github.kimisdk.base.net;
