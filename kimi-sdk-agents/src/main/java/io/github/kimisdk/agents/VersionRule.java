package io.github.kimisdk.agents;

/**
 * Says what happens when a run saved under one version of an agent is resumed by another: another
 * {@linkplain Agent.Builder#name(String, String) version name}, other instructions, or another tool
 * set (a tool added, removed, or its declaration or effect changed). A run records the version it
 * runs under (its name, and its instructions and tools hashed); every resume compares, and a {@link
 * RunEvent.AgentChanged} tells what changed and what the rule did. A run saved by an agent of
 * another name is always refused.
 */
public enum VersionRule {
  /** The resume is refused with an error naming what changed; the run stays as it was saved. */
  REFUSE,
  /** The run goes on under the new version: its next calls use the new instructions and tools. */
  CONTINUE,
  /**
   * The run goes on under the new version only if every tool its open turn still needs (the calls
   * that wait, or have not run) is there, unchanged; otherwise the resume is refused, naming them.
   * The default.
   */
  CONTINUE_IF_PENDING_UNCHANGED
}
