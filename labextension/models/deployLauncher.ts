import {
  ACTIVE_STATUSES,
  ApiError,
  asApiError,
  type DeployClient,
  type Deployment,
  type DeploymentTargetChoice,
  type DeployRequest,
  type DeployStarted,
  type IRunEvent,
  type ModelVersion,
  type Run
} from '../api';
import type { StepState } from '../format/steps';
import { deploymentNameError } from './deploymentFormat';
import { failureText, progressText } from './runFormat';
import { isNewerRun } from './runs';
import { QuietWatch } from './quietWatch';
import { StateModel } from './stateModel';

/** The stages of "Run, save as a version and deploy", in order. */
export const FLOW_STAGES = ['run', 'promote', 'deploy'] as const;

export type FlowStage = (typeof FLOW_STAGES)[number];

export const FLOW_STAGE_LABELS: Record<FlowStage, string> = {
  run: 'Run the notebook',
  promote: 'Save as a version',
  deploy: 'Deploy'
};

/** What the user chose in the Deploy dialog. */
export interface IDeployFormValues {
  /** `MODEL@vN`; empty when the project has no version yet. */
  version: string;
  target: DeploymentTargetChoice;
  replicas: string;
  name: string;
}

/** The form checked: errors next to fields, or what to send. */
export interface IDeployFormCheck {
  nameError: string | null;
  replicasError: string | null;
  /** Null while anything is invalid; `version` is left for the flow to fill. */
  request: Omit<DeployRequest, 'version'> | null;
}

/** What the Deploy dialog shows. */
export interface IDeployLauncherState {
  /** Notebook path relative to the Jupyter root. */
  notebook: string;
  loading: boolean;
  loadError: ApiError | null;
  /** The notebook's project; null when it is in none (once loaded). */
  project: string | null;
  /** The project's model name. */
  model: string | null;
  /** Newest first. */
  versions: ModelVersion[];
  /** The project's deployments, by name. */
  deployments: Deployment[];
  form: IDeployFormValues;
  /** The request (or the flow) is in flight. */
  submitting: boolean;
  /** Where the run-save-deploy flow is; null before it starts. */
  stage: FlowStage | null;
  /** The flow's run, as last heard. */
  run: Run | null;
  /** The version the flow saved. */
  promoted: ModelVersion | null;
  /** Why the last submit (or a stage of the flow) failed, in the server's words. */
  error: ApiError | null;
  /** The stage that failed, when the flow did. */
  failedStage: FlowStage | null;
}

/** What the Deploy dialog started. */
export interface IDeployed {
  project: string;
  name: string;
  answer: DeployStarted;
}

/** Check the form; `flow`: the version comes from the flow, not a choice. */
export function checkDeployForm(
  form: IDeployFormValues,
  project: string,
  flow: boolean
): IDeployFormCheck {
  const nameError = deploymentNameError(form.name.trim());
  const text = form.replicas.trim();
  const replicas = Number(text);
  const replicasError =
    /^\d+$/.test(text) && replicas >= 1 && replicas <= 32
      ? null
      : 'A whole number from 1 to 32.';
  const valid = !nameError && !replicasError && (flow || form.version !== '');
  return {
    nameError,
    replicasError,
    request: valid
      ? { project, name: form.name.trim(), replicas, target: form.target }
      : null
  };
}

export interface IDeployLauncherOptions {
  client: DeployClient;
  notebook: string;
  /** While the flow's run is followed and no event came for this long (ms), ask the route. */
  quietMs?: number;
}

/**
 * The Deploy dialog: find the notebook's project, its versions and
 * deployments; deploy a chosen version, or (with no version yet) run the
 * notebook, save the run as a version and deploy that.
 */
export class DeployLauncherModel extends StateModel<IDeployLauncherState> {
  constructor(options: IDeployLauncherOptions) {
    super({
      notebook: options.notebook,
      loading: false,
      loadError: null,
      project: null,
      model: null,
      versions: [],
      deployments: [],
      form: { version: '', target: 'auto', replicas: '1', name: '' },
      submitting: false,
      stage: null,
      run: null,
      promoted: null,
      error: null,
      failedStage: null
    });
    this._client = options.client;
    this._watch = new QuietWatch(() => this._check(), options.quietMs);
  }

  /** The project has no version: Deploy runs, saves and deploys. */
  get isFlow(): boolean {
    const { loading, project, versions } = this.state;
    return !loading && project !== null && versions.length === 0;
  }

  /** The deployment the chosen name already has, which Deploy updates. */
  get existing(): Deployment | null {
    const name = this.state.form.name.trim();
    return this.state.deployments.find(d => d.name === name) ?? null;
  }

  get check(): IDeployFormCheck | null {
    const { project, form } = this.state;
    return project === null
      ? null
      : checkDeployForm(form, project, this.isFlow);
  }

  get canSubmit(): boolean {
    const { submitting, loading, loadError } = this.state;
    return !submitting && !loading && !loadError && !!this.check?.request;
  }

  async load(): Promise<void> {
    this.update({ loading: true, loadError: null });
    try {
      const project = await this._client.findProject(this.state.notebook);
      if (project === null) {
        this.update({ loading: false, project: null });
        return;
      }
      const [list, deployments] = await Promise.all([
        this._client.listVersions(project),
        this._client.listDeployments(project).then(
          answer => answer.deployments,
          // Without the list, Deploy still works; it cannot say "update".
          () => [] as Deployment[]
        )
      ]);
      this.update({
        loading: false,
        project,
        model: list.model,
        versions: list.versions,
        deployments,
        form: {
          ...this.state.form,
          version: list.versions[0]?.tag ?? '',
          name: this.state.form.name || list.model
        }
      });
    } catch (reason) {
      this.update({ loading: false, loadError: asApiError(reason) });
    }
  }

  setForm(patch: Partial<IDeployFormValues>): void {
    if (this.state.submitting) {
      return;
    }
    this.update({ form: { ...this.state.form, ...patch }, error: null });
  }

  /**
   * Deploy what the form says. Returns null when nothing was deployed (the
   * reason is in state) or the dialog was closed meanwhile.
   */
  async submit(): Promise<IDeployed | null> {
    const check = this.check;
    const project = this.state.project;
    if (!this.canSubmit || !check?.request || project === null) {
      return null;
    }
    this.update({ submitting: true, error: null, failedStage: null });
    const flow = this.isFlow;
    let version = this.state.form.version;
    if (flow) {
      const tag = await this._runAndPromote(project);
      // Closed meanwhile: the version stays saved, nothing is deployed.
      if (tag === null || this.isDisposed) {
        this.update({ submitting: false });
        return null;
      }
      version = tag;
      this.update({ stage: 'deploy' });
    }
    try {
      const answer = await this._client.deploy({ ...check.request, version });
      this.update({ submitting: false });
      return { project, name: answer.deployment.name, answer };
    } catch (reason) {
      this.update({
        submitting: false,
        error: asApiError(reason),
        failedStage: flow ? 'deploy' : null
      });
      return null;
    }
  }

  /** Apply a pushed run event to the flow's run. */
  applyRunEvent(event: IRunEvent): void {
    if (event.run.id === this._waiting?.id) {
      this._watch.heard();
      this._consider(event.run);
    }
  }

  dispose(): void {
    this._watch.dispose();
    this._waiting?.resolve(null);
    this._waiting = null;
    super.dispose();
  }

  /** Where each stage of the flow is. */
  get stages(): { name: FlowStage; label: string; state: StepState }[] {
    const { stage, failedStage } = this.state;
    const current = stage === null ? -1 : FLOW_STAGES.indexOf(stage);
    return FLOW_STAGES.map((name, index) => {
      let state: StepState;
      if (failedStage === name) {
        state = 'failed';
      } else if (index < current) {
        state = 'done';
      } else if (index === current) {
        state = failedStage ? 'skipped' : 'running';
      } else {
        state = failedStage ? 'skipped' : 'pending';
      }
      return { name, label: FLOW_STAGE_LABELS[name], state };
    });
  }

  /** A line about the stage running (the run's cell, the version saved). */
  stageDetail(stage: FlowStage): string | null {
    const { run, promoted } = this.state;
    if (stage === 'run' && run) {
      return progressText(run) ?? `${run.id} ${run.status}`;
    }
    if (stage === 'promote' && promoted) {
      return promoted.tag;
    }
    return null;
  }

  /** Run the notebook with its defaults, wait for it, save it: the new tag, or null. */
  private async _runAndPromote(project: string): Promise<string | null> {
    this.update({ stage: 'run', run: null, promoted: null });
    let run: Run | null;
    try {
      run = await this._client.startRun({
        notebook: this.state.notebook,
        parameters: {}
      });
    } catch (reason) {
      this._fail('run', asApiError(reason));
      return null;
    }
    this.update({ run });
    run = await this._waitForRun(run);
    if (run === null) {
      return null;
    }
    if (run.status !== 'succeeded') {
      const why = failureText(run);
      this._fail(
        'run',
        new ApiError(
          0,
          `run_${run.status}`,
          `Run ${run.id} ${run.status}${why ? `: ${why}` : ''}. Open it in the Runs panel to see why.`
        )
      );
      return null;
    }
    this.update({ stage: 'promote' });
    try {
      const promoted = await this._client.createVersion(project, run.id);
      this.update({ promoted });
      return promoted.tag;
    } catch (reason) {
      this._fail('promote', asApiError(reason));
      return null;
    }
  }

  private _fail(stage: FlowStage, error: ApiError): void {
    this.update({ error, failedStage: stage });
  }

  /** The run once it ended; null when the dialog closed first. */
  private _waitForRun(run: Run): Promise<Run | null> {
    return new Promise(resolve => {
      this._waiting = { id: run.id, resolve };
      // Each wait watches from its start.
      this._watch.stop();
      this._watch.start();
      this._consider(run);
    });
  }

  private _consider(run: Run): void {
    const held = this.state.run;
    if (held && held.id === run.id && !isNewerRun(run, held)) {
      return;
    }
    this.update({ run });
    if (!ACTIVE_STATUSES.includes(run.status) && this._waiting?.id === run.id) {
      const waiting = this._waiting;
      this._waiting = null;
      this._watch.stop();
      waiting.resolve(run);
    }
  }

  /** Nothing heard for a while: ask for the run. */
  private async _check(): Promise<void> {
    const waiting = this._waiting;
    const project = this.state.project;
    if (!waiting || project === null) {
      return;
    }
    try {
      this._consider(await this._client.getRun(project, waiting.id));
    } catch {
      // Asked again at the next quiet interval.
    }
  }

  private readonly _client: DeployClient;
  private readonly _watch: QuietWatch;
  private _waiting: {
    id: string;
    resolve: (run: Run | null) => void;
  } | null = null;
}
