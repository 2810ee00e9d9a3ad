import {
  asApiError,
  type ApiError,
  type DeployClient,
  type NotebookParameters,
  type Run,
  type Sweep,
  type SweepMode
} from '../api';
import {
  checkRunForm,
  initialFormValues,
  type IRunFormCheck,
  type IRunFormValues,
  type LaunchMode
} from './runForm';
import { StateModel } from './stateModel';

/** What the Run dialog shows. */
export interface IRunLauncherState {
  /** Notebook path relative to the Jupyter root. */
  notebook: string;
  loading: boolean;
  /** The notebook's parameters, once loaded. */
  info: NotebookParameters | null;
  /** Why the parameters could not be loaded. */
  loadError: ApiError | null;
  form: IRunFormValues | null;
  /** The form checked; null until the parameters are loaded. */
  check: IRunFormCheck | null;
  submitting: boolean;
  /** The server refused the last start (shown in the dialog). */
  serverError: ApiError | null;
}

/** What a successful start returned. */
export interface ILaunched {
  project: string;
  runs: Run[];
  sweep: Sweep | null;
}

/** State of the Run dialog: load the parameters, edit, check, start. */
export class RunLauncherModel extends StateModel<IRunLauncherState> {
  constructor(
    private readonly _client: DeployClient,
    notebook: string
  ) {
    super({
      notebook,
      loading: false,
      info: null,
      loadError: null,
      form: null,
      check: null,
      submitting: false,
      serverError: null
    });
  }

  /** The form is valid and nothing is in flight: Start may be pressed. */
  get canSubmit(): boolean {
    const { check, submitting } = this.state;
    return !submitting && check !== null && check.request !== null;
  }

  /** Load the notebook's parameters and fill the form with the defaults. */
  async load(): Promise<void> {
    this.update({ loading: true, loadError: null });
    try {
      const info = await this._client.getParameters(this.state.notebook);
      const form = initialFormValues(info.parameters);
      this.update({
        loading: false,
        info,
        form,
        check: checkRunForm(info.parameters, form)
      });
    } catch (reason) {
      this.update({ loading: false, loadError: asApiError(reason) });
    }
  }

  setValue(name: string, text: string): void {
    this._edit(form => ({ ...form, values: { ...form.values, [name]: text } }));
  }

  setMode(mode: LaunchMode): void {
    this._edit(form => ({ ...form, mode }));
  }

  setCombine(combine: SweepMode): void {
    this._edit(form => ({ ...form, combine }));
  }

  setConcurrency(concurrency: string): void {
    this._edit(form => ({ ...form, concurrency }));
  }

  setCellTimeout(cellTimeout: string): void {
    this._edit(form => ({ ...form, cellTimeout }));
  }

  setTimeLimit(timeLimit: string): void {
    this._edit(form => ({ ...form, timeLimit }));
  }

  /**
   * Start what the form describes. Nothing is sent while the form is
   * invalid. Returns null when nothing started (the reason is in state).
   */
  async submit(): Promise<ILaunched | null> {
    const { check, info, notebook } = this.state;
    if (!this.canSubmit || !check?.request || !info) {
      return null;
    }
    const request = check.request;
    this.update({ submitting: true, serverError: null });
    try {
      let launched: ILaunched;
      if (request.kind === 'run') {
        const run = await this._client.startRun({
          notebook,
          parameters: request.parameters,
          ...request.limits
        });
        launched = { project: run.project, runs: [run], sweep: null };
      } else {
        const started = await this._client.startSweep({
          notebook,
          parameters: request.parameters,
          mode: request.mode,
          concurrency: request.concurrency,
          ...request.limits
        });
        launched = {
          project: started.sweep.project,
          runs: started.runs,
          sweep: started.sweep
        };
      }
      this.update({ submitting: false });
      return launched;
    } catch (reason) {
      this.update({ submitting: false, serverError: asApiError(reason) });
      return null;
    }
  }

  private _edit(change: (form: IRunFormValues) => IRunFormValues): void {
    const { form, info } = this.state;
    if (!form || !info) {
      return;
    }
    const next = change(form);
    this.update({
      form: next,
      check: checkRunForm(info.parameters, next),
      serverError: null
    });
  }
}
