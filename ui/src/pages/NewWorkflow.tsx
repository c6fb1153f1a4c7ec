// Registering a new workflow (admins): the YAML in the editor with live
// diagnostics, then PUT /api/v1/workflows/{the YAML's name}.
import { Link, useNavigate } from "react-router";
import { PageHeading } from "../components";
import { WorkflowSource } from "../editor/WorkflowSource";
import { useSession } from "../session";

const template = `name: my-workflow
version: 1
description: What it does, in one line.
inputs:
  message: { type: string, default: "hello" }
steps:
  - id: say
    uses: core.log
    with: { message: "\${{ inputs.message }}" }
`;

export function NewWorkflow() {
  const { me } = useSession();
  const navigate = useNavigate();
  return (
    <>
      <PageHeading>New workflow</PageHeading>
      <p>
        Write the workflow (<Link to="/workflows">the registered ones</Link> are examples). The server checks it as you type.
      </p>
      {me?.role !== "admin" && <p>Only admins register workflows.</p>}
      <WorkflowSource
        initial={template}
        canRegister={me?.role === "admin"}
        registerLabel="Register workflow"
        headingLevel={2}
        onRegistered={(answer) => navigate(`/workflows/${encodeURIComponent(answer.name)}`)}
      />
    </>
  );
}
