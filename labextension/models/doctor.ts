import type { IDisposable } from '@lumino/disposable';
import { Signal, type ISignal } from '@lumino/signaling';

import {
  asApiError,
  type ApiError,
  type DeployClient,
  type DoctorReport
} from '../api';

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
export class DoctorModel implements IDisposable {
  constructor(options: IDoctorModelOptions) {
    this._client = options.client;
    this._debounceMs = options.debounceMs ?? 400;
  }

  get state(): IDoctorState {
    return this._state;
  }

  /** Emitted whenever `state` changes. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Set the folder to report on. When it changed and `refresh` is true
   * (the panel is visible), refresh after a pause.
   */
  setPath(path: string, refresh = true): void {
    if (path === this._state.path) {
      return;
    }
    this._update({ path });
    if (refresh) {
      this.scheduleRefresh();
    }
  }

  /** Refresh after the debounce delay, collapsing bursts into one request. */
  scheduleRefresh(): void {
    this._clearTimer();
    this._timer = setTimeout(() => {
      this._timer = null;
      void this.refresh();
    }, this._debounceMs);
  }

  /** Fetch a fresh report for the current folder now. */
  async refresh(): Promise<void> {
    this._clearTimer();
    const id = ++this._requestId;
    const path = this._state.path;
    this._update({ loading: true });
    try {
      if (this._handshakeWarning === undefined) {
        this._handshakeWarning = (await this._client.handshake()).mismatch;
      }
      const report = await this._client.doctor(path);
      if (id === this._requestId && !this._isDisposed) {
        this._update({
          loading: false,
          report,
          error: null,
          versionWarning: this._handshakeWarning ?? null
        });
      }
    } catch (reason) {
      // Handshake again after any failure: the server may have been replaced.
      this._handshakeWarning = undefined;
      if (id === this._requestId && !this._isDisposed) {
        this._update({
          loading: false,
          report: null,
          error: asApiError(reason)
        });
      }
    }
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._clearTimer();
    Signal.clearData(this);
  }

  private _update(patch: Partial<IDoctorState>): void {
    this._state = { ...this._state, ...patch };
    this._changed.emit();
  }

  private _clearTimer(): void {
    if (this._timer !== null) {
      clearTimeout(this._timer);
      this._timer = null;
    }
  }

  private readonly _client: DeployClient;
  private readonly _debounceMs: number;
  private _state: IDoctorState = {
    path: '',
    loading: false,
    report: null,
    error: null,
    versionWarning: null
  };
  private _changed = new Signal<this, void>(this);
  private _handshakeWarning: string | null | undefined = undefined;
  private _requestId = 0;
  private _timer: ReturnType<typeof setTimeout> | null = null;
  private _isDisposed = false;
}
