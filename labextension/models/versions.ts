import {
  asApiError,
  type ApiError,
  type DeployClient,
  type ModelVersion
} from '../api';
import { Debouncer } from './debouncer';
import { StateModel } from './stateModel';
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
  /** The open version in full (listings hold summaries), once fetched. */
  details: ModelVersion | null;
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
 * The project is found with the project route (once per folder); only the
 * latest request's answer is applied.
 */
export class VersionsModel extends StateModel<IVersionsState> {
  constructor(options: IVersionsModelOptions) {
    super({
      path: '',
      project: null,
      resolved: false,
      model: null,
      versions: [],
      loading: false,
      error: null,
      selected: null,
      details: null,
      ticked: [],
      query: '',
      shown: PAGE_SIZE
    });
    this._client = options.client;
    this._debouncer = new Debouncer(
      () => void this.refresh(),
      options.debounceMs ?? 400
    );
  }

  /**
   * The selected version, if it is still listed: in full once fetched, with
   * the listing's current stages.
   */
  get selectedVersion(): ModelVersion | null {
    const tag = this.state.selected;
    const listed =
      tag === null ? null : this.state.versions.find(v => v.tag === tag);
    if (!listed) {
      return null;
    }
    const { details } = this.state;
    return details?.tag === tag
      ? { ...details, stages: listed.stages }
      : listed;
  }

  /** Follow the file browser; refresh after a pause when `refresh`. */
  setPath(path: string, refresh = true): void {
    if (path === this.state.path && this.state.resolved) {
      return;
    }
    // An answer for the previous folder must not land on this one.
    this.dropRequests();
    const known = this._projects.get(path);
    this._switchProject(known ?? null, known !== undefined, {
      path,
      loading: false
    });
    if (refresh) {
      this._debouncer.schedule();
    }
  }

  /** Show a given project (a promotion's, say) until the folder changes. */
  setProject(project: string): void {
    this.dropRequests();
    this._switchProject(project, true, { loading: false });
  }

  /** Find the project if need be, then list its versions. */
  async refresh(): Promise<void> {
    this._debouncer.cancel();
    const isCurrent = this.startRequest();
    this.update({ loading: true });
    try {
      let project = this.state.project;
      if (!this.state.resolved) {
        const path = this.state.path;
        project = await this._client.findProject(path);
        if (!isCurrent()) {
          return;
        }
        if (project !== null) {
          // A folder outside any project is asked again: one may be made there.
          this._projects.set(path, project);
        }
        this._switchProject(project, true, {});
      }
      if (project === null) {
        this.update({ loading: false, error: null });
        return;
      }
      const list = await this._client.listVersions(project);
      if (isCurrent()) {
        this.update({
          loading: false,
          error: null,
          model: list.model,
          versions: list.versions
        });
      }
    } catch (reason) {
      if (isCurrent()) {
        this.update({ loading: false, error: asApiError(reason) });
      }
    }
  }

  /** Open a version's details (null: back to the list). */
  select(tag: string | null): void {
    const project = this.state.project;
    this.update({ selected: tag, details: null });
    if (tag === null || project === null) {
      return;
    }
    this._client.getVersion(project, tag).then(
      details => {
        if (this.state.selected === tag && this.state.project === project) {
          this.update({ details });
        }
      },
      (reason: unknown) => {
        if (this.state.selected === tag) {
          this.update({ error: asApiError(reason) });
        }
      }
    );
  }

  /** Tick a version for comparison; a third tick replaces the oldest one. */
  toggleTicked(tag: string): void {
    const { ticked } = this.state;
    const next = ticked.includes(tag)
      ? ticked.filter(t => t !== tag)
      : [...ticked, tag].slice(-2);
    this.update({ ticked: next });
  }

  /** The ticked pair, older first; null unless two are ticked. */
  get comparePair(): [string, string] | null {
    const { ticked } = this.state;
    if (ticked.length !== 2) {
      return null;
    }
    const [a, b] = [...ticked].sort(
      (x, y) => versionNumber(x) - versionNumber(y)
    );
    return [a, b];
  }

  setQuery(query: string): void {
    this.update({ query, shown: PAGE_SIZE });
  }

  showMore(): void {
    this.update({ shown: this.state.shown + PAGE_SIZE });
  }

  /** Put `stage` on a version, then list again to show where stages are. */
  async assignStage(tag: string, stage: string): Promise<void> {
    const project = this.state.project;
    if (project === null) {
      return;
    }
    await this._client.assignStage(project, tag, stage);
    await this.refresh();
  }

  dispose(): void {
    this._debouncer.cancel();
    super.dispose();
  }

  private _switchProject(
    project: string | null,
    resolved: boolean,
    patch: Partial<IVersionsState>
  ): void {
    if (project === this.state.project && resolved === this.state.resolved) {
      this.update(patch);
      return;
    }
    const same = project === this.state.project;
    this.update({
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
            details: null,
            ticked: [],
            query: '',
            shown: PAGE_SIZE
          })
    });
  }

  /** Ticks of versions no longer listed are dropped with the listing. */
  protected update(patch: Partial<IVersionsState>): void {
    if (patch.versions) {
      const tags = new Set(patch.versions.map(v => v.tag));
      const ticked = patch.ticked ?? this.state.ticked;
      patch = { ...patch, ticked: ticked.filter(t => tags.has(t)) };
    }
    super.update(patch);
  }

  private readonly _client: DeployClient;
  private readonly _debouncer: Debouncer;
  /** Folder → project, so coming back to a folder asks the server once. */
  private readonly _projects = new Map<string, string | null>();
}

/** Stages the UI offers (any lower-case name works on the command line). */
export const STAGES = ['staging', 'production'];
