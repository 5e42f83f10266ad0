/** The Responses wire: {@code POST <base>/responses}, stateless. */
package io.github.kimisdk.internal.wire.responses;
