package io.github.kimisdk.agents;

/**
 * Looks at every tool call before it runs, in one chain with the tools' approvals: the hooks in the
 * order added, then the tool's {@link Approval}. A hook allows, denies (the model reads why),
 * rewrites the arguments the rest of the chain sees and the tool runs with, or asks for a person's
 * decision. A hook runs again when a paused run resumes, so it answers the same call the same way.
 *
 * <pre>{@code
 * ToolHook noProduction = call ->
 *     call.arguments().contains("\"env\":\"prod\"") ? Verdict.deny("not in production") : Verdict.allow();
 * }</pre>
 */
@FunctionalInterface
public interface ToolHook {
  /**
   * Answers one call.
   *
   * @param call the call, with the arguments the links before this one left
   * @return the verdict
   */
  Verdict check(PlannedCall call);
}
