/**
 * A {@code BatchRun}'s machinery below its facade, not exported: {@code BatchEngine} (the steps:
 * spool, upload, create, poll, download, reconcile after a crash), {@code Part} (one batch of the
 * run, its {@code Stage} one enum whose table says what may follow what, each move checked before
 * the journal writes it), {@code RunJournal} (the state directory's journal and lock), {@code
 * Spool}, {@code Results} (read back from disk), and the {@code Remote} it calls Kimi through,
 * which {@code BatchRun} implements on the client's public calls.
 */
package io.github.kimisdk.batch.internal;
