import {
  asApiError,
  type ApiError,
  type DeployClient,
  type Deployment,
  type DeploymentBusEvent,
  type DeploymentMetrics,
  type DeployStarted,
  type MetricsPoint,
  type ModelVersion,
  type OperationStarted,
  type ServingSchema
} from '../api';
import {
  isActiveOperation,
  mergeDeployment,
  withOperation
} from './deploymentFormat';
import { appendSample } from './deploymentMetrics';
import { QuietWatch } from './quietWatch';
import { StateModel } from './stateModel';

/** Lines the Logs view asks for. */
export const LOG_TAIL = 200;

/** The one poll of the panel: metrics, while it is visible. */
export const METRICS_INTERVAL_MS = 2000;

/** The replicas' last lines, once asked for. */
export interface IDeploymentLogs {
  lines: string[];
  loading: boolean;
  error: ApiError | null;
  /** When they were read (ms). */
  at: number | null;
}

/** A key the server showed once, until the user dismisses it. */
export interface IShownKey {
  key: string;
  /** Where the server keeps a copy readable only by this user. */
  file: string | null;
}

/** What the deployment panel shows. */
export interface IDeploymentState {
  project: string;
  name: string;
  deployment: Deployment | null;
  /** The first answer (or a failure) arrived. */
  loaded: boolean;
  /** Why the deployment could not be read. */
  error: ApiError | null;
  /** The action in flight, if any: buttons wait for it. */
  pending: 'update' | 'rollback' | 'stop' | 'start' | null;
  /** The last action the server refused. */
  actionError: ApiError | null;
  /** The project's versions, newest first (to update to). */
  versions: ModelVersion[];
  /** Serving API of the version deployed, for the usage examples. */
  schema: ServingSchema | null;
  /** Metrics samples, oldest first (without the server's history). */
  samples: DeploymentMetrics[];
  /**
   * The server's recent points for the charts, oldest first: they outlive
   * the panel, so one opened again shows the minutes before. Null while the
   * server sent none (the charts come from `samples` then).
   */
  history: MetricsPoint[] | null;
  metricsError: ApiError | null;
  logs: IDeploymentLogs | null;
  apiKey: IShownKey | null;
}

export interface IDeploymentModelOptions {
  client: DeployClient;
  project: string;
  name: string;
  /**
   * While an operation runs and no event came for this long (ms), ask the
   * route: events are missed while the event socket reconnects.
   */
  quietMs?: number;
  metricsIntervalMs?: number;
}

/**
 * One deployment: its state and operation, pushed by the server's events;
 * history, versions and logs read from the routes; metrics polled while
 * the panel is visible.
 */
export class DeploymentModel extends StateModel<IDeploymentState> {
  constructor(options: IDeploymentModelOptions) {
    super({
      project: options.project,
      name: options.name,
      deployment: null,
      loaded: false,
      error: null,
      pending: null,
      actionError: null,
      versions: [],
      schema: null,
      samples: [],
      history: null,
      metricsError: null,
      logs: null,
      apiKey: null
    });
    this._client = options.client;
    this._watch = new QuietWatch(() => this._readHistory(), options.quietMs);
    this._metricsMs = options.metricsIntervalMs ?? METRICS_INTERVAL_MS;
  }

  /** Read the deployment (with its history) and the project's versions. */
  async refresh(): Promise<void> {
    const { project, name } = this.state;
    const isCurrent = this.startRequest();
    const versions = this._client.listVersions(project).then(
      list => list.versions,
      () => null
    );
    try {
      const deployment = await this._client.getDeployment(project, name);
      if (isCurrent()) {
        this._take(deployment, true);
        this.update({ loaded: true, error: null });
      }
    } catch (reason) {
      if (isCurrent()) {
        this.update({ loaded: true, error: asApiError(reason) });
      }
    }
    const listed = await versions;
    if (listed) {
      this.update({ versions: listed });
    }
  }

  /** What a deploy request started (the panel opens with it). */
  started(answer: DeployStarted): void {
    this._take(withOperation(answer.deployment, answer.operation));
    if (answer.api_key) {
      this.update({
        apiKey: {
          key: answer.api_key,
          file: answer.deployment.api_key_file
        }
      });
    }
  }

  /** Forget the one-time key: it is never shown again. */
  dismissKey(): void {
    this.update({ apiKey: null });
  }

  /** Apply a pushed deployment event (other deployments' are ignored). */
  applyEvent(event: DeploymentBusEvent): void {
    const { project, name, deployment } = this.state;
    if (event.project !== project || event.name !== name) {
      return;
    }
    this._watch.heard();
    if (event.kind === 'operation') {
      if (deployment) {
        this._take(withOperation(deployment, event.operation));
      } else {
        // The panel opened as the operation began: read the rest.
        void this.refresh();
      }
      return;
    }
    this._take(event.deployment);
    // The history gained an entry; one read when an operation ends.
    if (!isActiveOperation(event.deployment.operation)) {
      void this._readHistory();
    }
  }

  /** Move the deployment to another version of its model. */
  updateTo(version: string): Promise<void> {
    return this._act('update', () =>
      this._client.deploy({
        project: this.state.project,
        name: this.state.name,
        version
      })
    );
  }

  /** Start a stopped deployment again, on its last version. */
  start(): Promise<void> {
    const version = this.state.deployment?.version;
    if (!version) {
      return Promise.resolve();
    }
    return this._act('start', () =>
      this._client.deploy({
        project: this.state.project,
        name: this.state.name,
        version
      })
    );
  }

  rollback(): Promise<void> {
    return this._act('rollback', () =>
      this._client.rollbackDeployment(this.state.project, this.state.name)
    );
  }

  stop(): Promise<void> {
    return this._act('stop', () =>
      this._client.stopDeployment(this.state.project, this.state.name)
    );
  }

  /** Read the replicas' last lines. */
  async readLogs(): Promise<void> {
    const { project, name, logs } = this.state;
    this.update({
      logs: {
        lines: logs?.lines ?? [],
        at: logs?.at ?? null,
        loading: true,
        error: null
      }
    });
    try {
      const { lines } = await this._client.deploymentLogs(
        project,
        name,
        LOG_TAIL
      );
      this.update({
        logs: { lines, loading: false, error: null, at: Date.now() }
      });
    } catch (reason) {
      this.update({
        logs: {
          lines: this.state.logs?.lines ?? [],
          at: this.state.logs?.at ?? null,
          loading: false,
          error: asApiError(reason)
        }
      });
    }
  }

  closeLogs(): void {
    this.update({ logs: null });
  }

  /** Poll the metrics (the panel is visible); nothing is asked of a stopped deployment. */
  startMetrics(): void {
    if (this._metricsTimer !== null || this.isDisposed) {
      return;
    }
    this._metricsTimer = setInterval(
      () => void this.readMetrics(),
      this._metricsMs
    );
    void this.readMetrics();
  }

  stopMetrics(): void {
    if (this._metricsTimer !== null) {
      clearInterval(this._metricsTimer);
      this._metricsTimer = null;
    }
  }

  get polling(): boolean {
    return this._metricsTimer !== null;
  }

  /** Take one metrics sample. */
  async readMetrics(): Promise<void> {
    const { project, name, deployment } = this.state;
    if (this._reading || !deployment || deployment.status === 'stopped') {
      return;
    }
    this._reading = true;
    try {
      const { history, ...sample } = await this._client.deploymentMetrics(
        project,
        name
      );
      this.update({
        samples: appendSample(this.state.samples, sample),
        history: history ?? this.state.history,
        metricsError: null
      });
    } catch (reason) {
      this.update({ metricsError: asApiError(reason) });
    } finally {
      this._reading = false;
    }
  }

  dispose(): void {
    this.stopMetrics();
    this._watch.dispose();
    super.dispose();
  }

  private async _act(
    pending: NonNullable<IDeploymentState['pending']>,
    request: () => Promise<OperationStarted>
  ): Promise<void> {
    if (this.state.pending) {
      return;
    }
    this.update({ pending, actionError: null });
    try {
      const answer = await request();
      this._take(withOperation(answer.deployment, answer.operation));
    } catch (reason) {
      const error = asApiError(reason);
      this.update({ actionError: error });
      // Another operation holds the deployment: show it.
      if (error.status === 409) {
        void this.refresh();
      }
    } finally {
      this.update({ pending: null });
    }
  }

  /** Take a copy of the deployment if it is newer; follow its operation. */
  private _take(candidate: Deployment, withHistory = false): void {
    const current = this.state.deployment;
    const merged = withHistory
      ? { ...mergeDeployment(current, candidate), events: candidate.events }
      : mergeDeployment(current, candidate);
    if (merged !== current) {
      this.update({ deployment: merged });
      if (merged.version && merged.version !== this._schemaOf) {
        void this._readSchema(merged.version);
      }
    }
    if (isActiveOperation(this.state.deployment?.operation ?? null)) {
      this._watch.start();
    } else {
      this._watch.stop();
    }
  }

  private async _readHistory(): Promise<void> {
    const { project, name } = this.state;
    try {
      const deployment = await this._client.getDeployment(project, name);
      this._take(deployment, true);
    } catch {
      // The pushed copy is shown; its history waits for the next read.
    }
  }

  private async _readSchema(version: string): Promise<void> {
    this._schemaOf = version;
    try {
      const details = await this._client.getVersion(
        this.state.project,
        version
      );
      if (this._schemaOf === version) {
        this.update({ schema: details.schema ?? null });
      }
    } catch {
      // The usage examples fall back to a generic body.
    }
  }

  private readonly _client: DeployClient;
  private readonly _watch: QuietWatch;
  private readonly _metricsMs: number;
  private _metricsTimer: ReturnType<typeof setInterval> | null = null;
  private _reading = false;
  private _schemaOf: string | null = null;
}
