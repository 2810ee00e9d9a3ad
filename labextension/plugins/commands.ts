import type { ReadonlyJSONObject } from '@lumino/coreutils';

/** Command ids of the extension, shared by its plugins. */
export namespace CommandIDs {
  export const openSidebar = 'jupyter-deploy:open-sidebar';
  /** Args: `path` (notebook, relative to the Jupyter root; default: current). */
  export const runNotebook = 'jupyter-deploy:run-notebook';
  /** Args: `project` (folder relative to the Jupyter root; default: found from the file browser). */
  export const openRuns = 'jupyter-deploy:open-runs';
  /** Args: `project` (default: the file browser folder's project). */
  export const openVersions = 'jupyter-deploy:open-versions';
  /** Args: `project`, `runId` (a succeeded run). */
  export const promoteRun = 'jupyter-deploy:promote-run';
  /** Args: `project`, `old` and `new` (tags `MODEL@vN`). */
  export const compareVersions = 'jupyter-deploy:compare-versions';
  /** Args: `path` (notebook, relative to the Jupyter root; default: current). */
  export const deployNotebook = 'jupyter-deploy:deploy-notebook';
  /** Args: `project`, `name` (of the deployment). */
  export const openDeployment = 'jupyter-deploy:open-deployment';
}

/** Descriptions of the arguments the commands share. */
export namespace ArgDocs {
  export const project = 'Project folder relative to the Jupyter root';
  export const browsedProject = `${project} (default: the file browser folder’s project)`;
}

/** The `describedBy` of a command whose arguments are all strings. */
export function stringArgs(
  descriptions: Record<string, string>,
  required: string[] = []
): { args: ReadonlyJSONObject } {
  const properties: Record<string, ReadonlyJSONObject> = {};
  for (const [name, description] of Object.entries(descriptions)) {
    properties[name] = { type: 'string', description };
  }
  return {
    args: {
      type: 'object',
      properties,
      ...(required.length > 0 ? { required } : {})
    }
  };
}
