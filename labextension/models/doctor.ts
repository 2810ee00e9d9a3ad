import {
  asApiError,
  type ApiError,
  type DeployClient,
  type DoctorReport
} from '../api';
import { Debouncer } from './debouncer';
import { StateModel } from './stateModel';

/** What the Deploy sidebar shows. */
export interface IDoctorState {
  /** Folder (relative to the Jupyter root) the report was asked for. */
  path: string;
  /** A request is in flight. */
  loading: boolean;
  /** The latest report, kept while a refresh runs. */
  report: DoctorReport | null;
  /** Why the latest request failed; cleared by the next success. */
  error: ApiError | null;
  /** Frontend/server version mismatch sentence, if any. */
  versionWarning: string | null;
}

export interface IDoctorModelOptions {
  client: DeployClient;
  /** Delay before a folder change triggers a refresh (ms). */
  debounceMs?: number;
}

/**
 * State of the doctor report for the current folder.
 *
 * Only the latest request's answer is applied, so a slow answer for an old
 * folder never overwrites the report of the folder now shown.
 */
export class DoctorModel extends StateModel<IDoctorState> {
  constructor(options: IDoctorModelOptions) {
    super({
      path: '',
      loading: false,
      report: null,
      error: null,
      versionWarning: null
    });
    this._client = options.client;
    this._debouncer = new Debouncer(
      () => void this.refresh(),
      options.debounceMs ?? 400
    );
  }

  /**
   * Set the folder to report on. When it changed and `refresh` is true
   * (the panel is visible), refresh after a pause.
   */
  setPath(path: string, refresh = true): void {
    if (path === this.state.path) {
      return;
    }
    this.update({ path });
    if (refresh) {
      this.scheduleRefresh();
    }
  }

  /** Refresh after the debounce delay, collapsing bursts into one request. */
  scheduleRefresh(): void {
    this._debouncer.schedule();
  }

  /** Fetch a fresh report for the current folder now. */
  async refresh(): Promise<void> {
    this._debouncer.cancel();
    const isCurrent = this.startRequest();
    const path = this.state.path;
    this.update({ loading: true });
    try {
      if (this._handshakeWarning === undefined) {
        this._handshakeWarning = (await this._client.handshake()).mismatch;
      }
      const report = await this._client.doctor(path);
      if (isCurrent()) {
        this.update({
          loading: false,
          report,
          error: null,
          versionWarning: this._handshakeWarning ?? null
        });
      }
    } catch (reason) {
      // Handshake again after any failure: the server may have been replaced.
      this._handshakeWarning = undefined;
      if (isCurrent()) {
        this.update({
          loading: false,
          report: null,
          error: asApiError(reason)
        });
      }
    }
  }

  dispose(): void {
    this._debouncer.cancel();
    super.dispose();
  }

  private readonly _client: DeployClient;
  private readonly _debouncer: Debouncer;
  private _handshakeWarning: string | null | undefined = undefined;
}
