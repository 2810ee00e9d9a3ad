import type { IDisposable } from '@lumino/disposable';
import { Signal, type ISignal } from '@lumino/signaling';

import {
  asApiError,
  type ApiError,
  type DeployClient,
  type ModelVersion
} from '../api';
import { PAGE_SIZE } from './versionList';
import { versionNumber } from './versionFormat';

/** What the versions sidebar shows. */
export interface IVersionsState {
  /** Folder of the file browser (relative to the Jupyter root). */
  path: string;
  /** Project holding that folder; null when there is none (or not yet known). */
  project: string | null;
  /** The project has been looked up for the current folder. */
  resolved: boolean;
  /** Model name, from the listing. */
  model: string | null;
  /** Newest first. */
  versions: ModelVersion[];
  loading: boolean;
  error: ApiError | null;
  /** Tag whose details are open, or null for the list. */
  selected: string | null;
  /** Tags ticked for comparison (two at most, in ticking order). */
  ticked: string[];
  /** Filter box text. */
  query: string;
  /** Rows of the list rendered so far. */
  shown: number;
}

export interface IVersionsModelOptions {
  client: DeployClient;
  /** Delay before a folder change triggers a refresh (ms). */
  debounceMs?: number;
}

/**
 * The versions of the project that holds the file browser's folder.
 *
 * The project is found with the doctor route (once per folder); only the
 * latest request's answer is applied.
 */
export class VersionsModel implements IDisposable {
  constructor(options: IVersionsModelOptions) {
    this._client = options.client;
    this._debounceMs = options.debounceMs ?? 400;
  }

  get state(): IVersionsState {
    return this._state;
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** The selected version, if it is still listed. */
  get selectedVersion(): ModelVersion | null {
    const tag = this._state.selected;
    return tag === null
      ? null
      : (this._state.versions.find(v => v.tag === tag) ?? null);
  }

  /** Follow the file browser; refresh after a pause when `refresh`. */
  setPath(path: string, refresh = true): void {
    if (path === this._state.path && this._state.resolved) {
      return;
    }
    // An answer for the previous folder must not land on this one.
    this._requestId++;
    const known = this._projects.get(path);
    this._switchProject(known ?? null, known !== undefined, {
      path,
      loading: false
    });
    if (refresh) {
      this._schedule();
    }
  }

  /** Show a given project (a promotion's, say) until the folder changes. */
  setProject(project: string): void {
    this._requestId++;
    this._switchProject(project, true, { loading: false });
  }

  /** Find the project if need be, then list its versions. */
  async refresh(): Promise<void> {
    this._clearTimer();
    const id = ++this._requestId;
    this._update({ loading: true });
    try {
      let project = this._state.project;
      if (!this._state.resolved) {
        const path = this._state.path;
        project = (await this._client.doctor(path)).project.path;
        if (id !== this._requestId) {
          return;
        }
        if (project !== null) {
          // A folder outside any project is asked again: one may be made there.
          this._projects.set(path, project);
        }
        this._switchProject(project, true, {});
      }
      if (project === null) {
        this._update({ loading: false, error: null });
        return;
      }
      const list = await this._client.listVersions(project);
      if (id === this._requestId) {
        this._update({
          loading: false,
          error: null,
          model: list.model,
          versions: list.versions
        });
      }
    } catch (reason) {
      if (id === this._requestId) {
        this._update({ loading: false, error: asApiError(reason) });
      }
    }
  }

  /** Open a version's details (null: back to the list). */
  select(tag: string | null): void {
    this._update({ selected: tag });
  }

  /** Tick a version for comparison; a third tick replaces the oldest one. */
  toggleTicked(tag: string): void {
    const { ticked } = this._state;
    const next = ticked.includes(tag)
      ? ticked.filter(t => t !== tag)
      : [...ticked, tag].slice(-2);
    this._update({ ticked: next });
  }

  /** The ticked pair, older first; null unless two are ticked. */
  get comparePair(): [string, string] | null {
    const { ticked } = this._state;
    if (ticked.length !== 2) {
      return null;
    }
    const [a, b] = [...ticked].sort(
      (x, y) => versionNumber(x) - versionNumber(y)
    );
    return [a, b];
  }

  setQuery(query: string): void {
    this._update({ query, shown: PAGE_SIZE });
  }

  showMore(): void {
    this._update({ shown: this._state.shown + PAGE_SIZE });
  }

  /** Put `stage` on a version, then list again to show where stages are. */
  async assignStage(tag: string, stage: string): Promise<void> {
    const project = this._state.project;
    if (project === null) {
      return;
    }
    await this._client.assignStage(project, tag, stage);
    await this.refresh();
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._clearTimer();
    Signal.clearData(this);
  }

  private _switchProject(
    project: string | null,
    resolved: boolean,
    patch: Partial<IVersionsState>
  ): void {
    if (project === this._state.project && resolved === this._state.resolved) {
      this._update(patch);
      return;
    }
    const same = project === this._state.project;
    this._update({
      ...patch,
      project,
      resolved,
      ...(same
        ? {}
        : {
            model: null,
            versions: [],
            error: null,
            selected: null,
            ticked: [],
            query: '',
            shown: PAGE_SIZE
          })
    });
  }

  private _schedule(): void {
    this._clearTimer();
    this._timer = setTimeout(() => {
      this._timer = null;
      void this.refresh();
    }, this._debounceMs);
  }

  private _clearTimer(): void {
    if (this._timer !== null) {
      clearTimeout(this._timer);
      this._timer = null;
    }
  }

  private _update(patch: Partial<IVersionsState>): void {
    if (this._isDisposed) {
      return;
    }
    this._state = { ...this._state, ...patch };
    if (patch.versions) {
      const tags = new Set(this._state.versions.map(v => v.tag));
      this._state.ticked = this._state.ticked.filter(t => tags.has(t));
    }
    this._changed.emit();
  }

  private readonly _client: DeployClient;
  private readonly _debounceMs: number;
  /** Folder → project, so coming back to a folder asks the server once. */
  private readonly _projects = new Map<string, string | null>();
  private _state: IVersionsState = {
    path: '',
    project: null,
    resolved: false,
    model: null,
    versions: [],
    loading: false,
    error: null,
    selected: null,
    ticked: [],
    query: '',
    shown: PAGE_SIZE
  };
  private _changed = new Signal<this, void>(this);
  private _requestId = 0;
  private _timer: ReturnType<typeof setTimeout> | null = null;
  private _isDisposed = false;
}

/** Stages the UI offers (any lower-case name works on the command line). */
export const STAGES = ['staging', 'production'];
