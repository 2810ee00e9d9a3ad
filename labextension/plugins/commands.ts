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
}
