import type { ServerConnection } from '@jupyterlab/services';

import type {
  Build,
  BuildList,
  BuildLogPage,
  StartBuildRequest
} from './buildModels';
import type {
  Deployment,
  DeploymentList,
  DeploymentLogs,
  DeploymentMetrics,
  DeployRequest,
  DeployStarted,
  OperationStarted
} from './deploymentModels';
import { compareVersions, type IHandshake } from './handshake';
import type { DoctorReport, VersionInfo } from './models';
import { requestAPI } from './request';
import type {
  NotebookParameters,
  Run,
  RunList,
  RunStatus,
  StartedSweep,
  StartRunRequest,
  StartSweepRequest
} from './runModels';
import type {
  ModelVersion,
  RestorePlan,
  StageAssignment,
  Stages,
  VersionDiff,
  VersionList,
  VersionNotebook
} from './versionModels';

/** The typed calls of the jupyter_deploy REST API. */
export class DeployClient {
  constructor(private readonly _settings?: ServerConnection.ISettings) {}

  /** `GET /jupyter-deploy/version` */
  version(): Promise<VersionInfo> {
    return requestAPI<VersionInfo>('version', {}, { settings: this._settings });
  }

  /** Fetch the server's version and compare it with this frontend's. */
  async handshake(): Promise<IHandshake> {
    return compareVersions(await this.version());
  }

  /** `GET /jupyter-deploy/doctor?path=<folder relative to the Jupyter root>` */
  doctor(path: string): Promise<DoctorReport> {
    const query: Record<string, string> = path ? { path } : {};
    return requestAPI<DoctorReport>(
      'doctor',
      {},
      { query, settings: this._settings }
    );
  }

  /**
   * `GET /jupyter-deploy/project?path=<folder>`: the project holding a folder
   * (null: none), without the doctor's probes.
   */
  async findProject(path: string): Promise<string | null> {
    const query: Record<string, string> = path ? { path } : {};
    const found = await requestAPI<{ project: string | null }>(
      'project',
      {},
      { query, settings: this._settings }
    );
    return found.project;
  }

  /** `GET /jupyter-deploy/parameters?path=<notebook>`: the notebook's parameters cell. */
  getParameters(notebook: string): Promise<NotebookParameters> {
    return this._get<NotebookParameters>('parameters', { path: notebook });
  }

  /** `POST /jupyter-deploy/runs`: start one run. */
  startRun(request: StartRunRequest): Promise<Run> {
    return this._post<Run>('runs', request);
  }

  /** `POST /jupyter-deploy/sweeps`: start a batch of runs. */
  startSweep(request: StartSweepRequest): Promise<StartedSweep> {
    return this._post<StartedSweep>('sweeps', request);
  }

  /** `GET /jupyter-deploy/runs?project=...[&status=...]`, newest first. */
  listRuns(project: string, status?: RunStatus): Promise<RunList> {
    const query: Record<string, string> = { project };
    if (status) {
      query.status = status;
    }
    return this._get<RunList>('runs', query);
  }

  /** `GET /jupyter-deploy/runs/<id>?project=...` */
  getRun(project: string, runId: string): Promise<Run> {
    return this._get<Run>(runPath(runId), { project });
  }

  /** `POST /jupyter-deploy/runs/<id>/cancel?project=...` (safe to repeat). */
  cancelRun(project: string, runId: string): Promise<Run> {
    return this._post<Run>(`${runPath(runId)}/cancel`, undefined, {
      project
    });
  }

  /** `POST /jupyter-deploy/runs/<id>/rerun?project=...`: a new run, same inputs. */
  rerun(project: string, runId: string): Promise<Run> {
    return this._post<Run>(`${runPath(runId)}/rerun`, undefined, {
      project
    });
  }

  /** `GET /jupyter-deploy/versions?project=...`: newest first, with stages. */
  listVersions(project: string): Promise<VersionList> {
    return this._get<VersionList>('versions', { project });
  }

  /** `POST /jupyter-deploy/versions`: promote a succeeded run. */
  createVersion(project: string, runId: string): Promise<ModelVersion> {
    return this._post<ModelVersion>('versions', { project, run_id: runId });
  }

  /** `GET /jupyter-deploy/versions/<MODEL@vN>?project=...` */
  getVersion(project: string, tag: string): Promise<ModelVersion> {
    return this._get<ModelVersion>(versionPath(tag), { project });
  }

  /** `GET /jupyter-deploy/versions/diff?project=...&old=...&new=...` */
  diffVersions(
    project: string,
    old: string,
    next: string
  ): Promise<VersionDiff> {
    return this._get<VersionDiff>('versions/diff', { project, old, new: next });
  }

  /** `GET .../versions/<tag>/restore`: what a restore would create or overwrite. */
  restorePlan(project: string, tag: string): Promise<RestorePlan> {
    return this._get<RestorePlan>(`${versionPath(tag)}/restore`, { project });
  }

  /** `POST .../versions/<tag>/restore`: overwritten files are kept in DVC's cache. */
  restoreVersion(project: string, tag: string): Promise<RestorePlan> {
    return this._post<RestorePlan>(`${versionPath(tag)}/restore`, { project });
  }

  /** `POST .../versions/<tag>/notebook`: a read-only copy of its executed notebook. */
  openVersionNotebook(project: string, tag: string): Promise<VersionNotebook> {
    return this._post<VersionNotebook>(`${versionPath(tag)}/notebook`, {
      project
    });
  }

  /** `GET /jupyter-deploy/stages?project=...` */
  stages(project: string): Promise<Stages> {
    return this._get<Stages>('stages', { project });
  }

  /** `POST /jupyter-deploy/stages`: put `stage` on version `tag`. */
  assignStage(
    project: string,
    tag: string,
    stage: string
  ): Promise<StageAssignment> {
    return this._post<StageAssignment>('stages', {
      project,
      version: tag,
      stage
    });
  }

  /** `POST /jupyter-deploy/builds`: build a version's image (409 while one runs). */
  startBuild(request: StartBuildRequest): Promise<Build> {
    return this._post<Build>('builds', request);
  }

  /** `GET /jupyter-deploy/builds?project=...[&version=MODEL@vN]`, newest first. */
  listBuilds(project: string, version?: string): Promise<BuildList> {
    const query: Record<string, string> = { project };
    if (version) {
      query.version = version;
    }
    return this._get<BuildList>('builds', query);
  }

  /** `GET /jupyter-deploy/builds/<id>?project=...` */
  getBuild(project: string, buildId: string): Promise<Build> {
    return this._get<Build>(buildPath(buildId), { project });
  }

  /**
   * `GET /jupyter-deploy/builds/<id>/log?project=...&offset=N`: the lines
   * from index `offset` on, and the offset to ask from next time.
   */
  buildLog(
    project: string,
    buildId: string,
    offset = 0
  ): Promise<BuildLogPage> {
    return this._get<BuildLogPage>(`${buildPath(buildId)}/log`, {
      project,
      offset: String(offset)
    });
  }

  /** `POST /jupyter-deploy/builds/<id>/cancel` (202; safe to repeat). */
  cancelBuild(project: string, buildId: string): Promise<Build> {
    return this._post<Build>(`${buildPath(buildId)}/cancel`, { project });
  }

  /** `GET /jupyter-deploy/deployments?project=...`, by name, without events. */
  listDeployments(project: string): Promise<DeploymentList> {
    return this._get<DeploymentList>('deployments', { project });
  }

  /**
   * `POST /jupyter-deploy/deployments`: deploy a version, or move an existing
   * deployment of that name to it (409 while an operation on it runs).
   */
  deploy(request: DeployRequest): Promise<DeployStarted> {
    return this._post<DeployStarted>('deployments', request);
  }

  /** `GET /jupyter-deploy/deployments/<name>?project=...`, with its history. */
  getDeployment(project: string, name: string): Promise<Deployment> {
    return this._get<Deployment>(deploymentPath(name), { project });
  }

  /** `POST .../deployments/<name>/rollback`: back to the previous version. */
  rollbackDeployment(project: string, name: string): Promise<OperationStarted> {
    return this._post<OperationStarted>(`${deploymentPath(name)}/rollback`, {
      project
    });
  }

  /** `POST .../deployments/<name>/down`: stop it; the record and history stay. */
  stopDeployment(project: string, name: string): Promise<OperationStarted> {
    return this._post<OperationStarted>(`${deploymentPath(name)}/down`, {
      project
    });
  }

  /** `GET .../deployments/<name>/logs?project=...&tail=N`: the replicas' last lines. */
  deploymentLogs(
    project: string,
    name: string,
    tail = 200
  ): Promise<DeploymentLogs> {
    return this._get<DeploymentLogs>(`${deploymentPath(name)}/logs`, {
      project,
      tail: String(tail)
    });
  }

  /** `GET .../deployments/<name>/metrics?project=...`: totals, for rates over a window. */
  deploymentMetrics(project: string, name: string): Promise<DeploymentMetrics> {
    return this._get<DeploymentMetrics>(`${deploymentPath(name)}/metrics`, {
      project
    });
  }

  private _get<T>(endpoint: string, query: Record<string, string>): Promise<T> {
    return requestAPI<T>(endpoint, {}, { query, settings: this._settings });
  }

  private _post<T>(
    endpoint: string,
    body?: object,
    query?: Record<string, string>
  ): Promise<T> {
    const init: RequestInit = { method: 'POST' };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
    }
    return requestAPI<T>(endpoint, init, { query, settings: this._settings });
  }
}

function versionPath(tag: string): string {
  return `versions/${encodeURIComponent(tag)}`;
}

function runPath(runId: string): string {
  return `runs/${encodeURIComponent(runId)}`;
}

function buildPath(buildId: string): string {
  return `builds/${encodeURIComponent(buildId)}`;
}

function deploymentPath(name: string): string {
  return `deployments/${encodeURIComponent(name)}`;
}
