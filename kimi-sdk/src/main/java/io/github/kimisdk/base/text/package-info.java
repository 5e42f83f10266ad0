/** Text helpers shared by the exported values: the {@code toString} of records. */
package io.github.kimisdk.base.text;
