/**
 * What the versions sidebar and the runs panel do on a click: requests,
 * confirmation and notifications. Loaded on first use, not at start-up.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import { Notification } from '@jupyterlab/apputils';

import { asApiError, type DeployClient, type ModelVersion } from '../api';
import { confirmRestore } from '../components/RestoreDialog';
import { restoredMessage } from '../models/restorePlan';
import type { VersionsModel } from '../models/versions';
import { CommandIDs } from './commands';

function fail(what: string, reason: unknown): void {
  Notification.error(`${what}: ${asApiError(reason).message}`, {
    autoClose: false
  });
}

/** Promote a run; the versions sidebar lists the new version. */
export async function promoteRun(
  app: JupyterFrontEnd,
  client: DeployClient,
  sidebar: VersionsModel,
  project: string,
  runId: string
): Promise<ModelVersion | null> {
  let version: ModelVersion;
  try {
    version = await client.createVersion(project, runId);
  } catch (reason) {
    fail(`Could not promote run ${runId}`, reason);
    return null;
  }
  Notification.success(`Promoted run ${runId} to ${version.tag}`, {
    autoClose: 8000,
    actions: [
      {
        label: 'Show versions',
        caption: `Open the versions of ${version.model}`,
        callback: () => {
          void app.commands.execute(CommandIDs.openVersions, { project });
        }
      }
    ]
  });
  if (sidebar.state.project === project) {
    void sidebar.refresh();
  }
  return version;
}

/** Open a read-only copy of the version's executed notebook. */
export async function openNotebook(
  app: JupyterFrontEnd,
  client: DeployClient,
  project: string,
  version: ModelVersion
): Promise<void> {
  try {
    const { path } = await client.openVersionNotebook(project, version.tag);
    await app.commands.execute('docmanager:open', { path });
  } catch (reason) {
    fail(`Could not open the notebook of ${version.tag}`, reason);
  }
}

/** Show what a restore would do, and do it only once the user agrees. */
export async function restoreVersion(
  client: DeployClient,
  sidebar: VersionsModel,
  project: string,
  version: ModelVersion
): Promise<void> {
  try {
    const plan = await client.restorePlan(project, version.tag);
    if (!(await confirmRestore(plan))) {
      return;
    }
    const done = await client.restoreVersion(project, version.tag);
    Notification.success(restoredMessage(done, version.tag), {
      autoClose: false
    });
    void sidebar.refresh();
  } catch (reason) {
    fail(`Could not restore ${version.tag}`, reason);
  }
}

/** Put a version in a stage (staging, production). */
export async function setStage(
  sidebar: VersionsModel,
  version: ModelVersion,
  stage: string
): Promise<void> {
  try {
    await sidebar.assignStage(version.tag, stage);
    Notification.success(`${version.tag} is now in ${stage}`, {
      autoClose: 5000
    });
  } catch (reason) {
    fail(`Could not put ${version.tag} in ${stage}`, reason);
  }
}
