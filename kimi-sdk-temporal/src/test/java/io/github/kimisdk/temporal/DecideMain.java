package io.github.kimisdk.temporal;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.serviceclient.WorkflowServiceStubs;

/**
 * A third process for {@link MultiProcessTest}: a person's decision sent to a paused run as the
 * workflow's update, naming the call by its id and digest. Prints {@code ACCEPTED}, or {@code
 * REFUSED} and the validator's reason.
 *
 * <p>Arguments: {@code PORT WORKFLOW_ID approve|reject CALL_ID DIGEST WHO [MESSAGE]}.
 */
public final class DecideMain {
  private DecideMain() {}

  public static void main(String[] args) {
    WorkflowServiceStubs service = MultiProcessTest.service(Integer.parseInt(args[0]));
    try {
      KimiAgentWorkflow run =
          WorkflowClient.newInstance(service).newWorkflowStub(KimiAgentWorkflow.class, args[1]);
      DecisionRequest d =
          args[2].equals("approve")
              ? DecisionRequest.approve(args[3], args[4])
              : DecisionRequest.reject(args[3], args[4], args[6]);
      try {
        run.decide(d.by(args[5], null));
        System.out.println("ACCEPTED");
      } catch (WorkflowUpdateException e) {
        Throwable c = e;
        while (c.getCause() != null) {
          c = c.getCause();
        }
        System.out.println("REFUSED " + c.getMessage());
      }
    } finally {
      service.shutdownNow();
    }
  }
}
