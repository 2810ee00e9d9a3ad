import {
  asApiError,
  type ApiError,
  type Build,
  type BuildEvent,
  type BuildLogPage,
  type DeployClient
} from '../api';
import { builtVersions, isActiveBuild, mergeBuild } from './buildFormat';
import {
  appendEventLines,
  applyLogPage,
  emptyLog,
  type IBuildLog
} from './buildLog';
import { QuietWatch } from './quietWatch';
import { StateModel } from './stateModel';
import type { VersionsModel } from './versions';

/**
 * Pages one read of a running build's log may take: it keeps growing, and
 * events bring the rest.
 */
const MAX_PAGES_PER_READ = 20;

/** What the build part of the versions sidebar shows. */
export interface IBuildsState {
  project: string | null;
  /** The project's builds heard of, newest first. */
  builds: Build[];
  /** Tag (`MODEL@vN`) whose builds the details show; null in the list. */
  version: string | null;
  /** The builds of `version` have been listed. */
  loaded: boolean;
  /** Log of the newest build of `version`. */
  log: IBuildLog | null;
  /** The request in flight, if any: buttons wait for it. */
  pending: 'build' | 'cancel' | null;
  /** The last request that failed. */
  error: ApiError | null;
}

export interface IBuildsModelOptions {
  client: DeployClient;
  /**
   * While the shown build runs and no event came for this long (ms), ask
   * the routes: events are missed while the event socket reconnects.
   */
  quietMs?: number;
}

/**
 * The image builds of a project: every build's status (for the list), and
 * the newest build of the version whose details are open, with its log.
 * Pushed events keep both live; the routes fill what events cannot.
 */
export class BuildsModel extends StateModel<IBuildsState> {
  constructor(options: IBuildsModelOptions) {
    super({
      project: null,
      builds: [],
      version: null,
      loaded: false,
      log: null,
      pending: null,
      error: null
    });
    this._client = options.client;
    this._watch = new QuietWatch(() => this._check(), options.quietMs);
  }

  /** The newest build of the shown version, if any. */
  get latest(): Build | null {
    const { version, builds } = this.state;
    return version === null
      ? null
      : (builds.find(build => build.version === version) ?? null);
  }

  /** Tags of the versions with a succeeded build. */
  get built(): ReadonlySet<string> {
    if (this._built.of !== this.state.builds) {
      this._built = {
        of: this.state.builds,
        tags: builtVersions(this.state.builds)
      };
    }
    return this._built.tags;
  }

  /** Follow another project (null: none); its builds are listed by refresh. */
  setProject(project: string | null): void {
    if (project === this.state.project) {
      return;
    }
    this.update({
      project,
      builds: [],
      version: null,
      loaded: false,
      log: null,
      error: null
    });
    this._follow();
  }

  /** List the project's builds: one request for the whole list. */
  async refresh(): Promise<void> {
    const project = this.state.project;
    if (project === null) {
      return;
    }
    try {
      const { builds } = await this._client.listBuilds(project);
      this._mergeAll(project, builds);
    } catch (reason) {
      if (project === this.state.project) {
        this.update({ error: asApiError(reason) });
      }
    }
  }

  /** Show the builds of a version (null: none), and follow its newest. */
  showVersion(version: string | null): void {
    if (version === this.state.version) {
      return;
    }
    this.update({ version, loaded: false, log: null, error: null });
    this._follow();
    if (version !== null) {
      void this._listVersion();
    }
  }

  /** Build the shown version's image. */
  async build(baseImage?: string): Promise<void> {
    const { project, version } = this.state;
    if (project === null || version === null || this.state.pending) {
      return;
    }
    this.update({ pending: 'build', error: null });
    try {
      const build = await this._client.startBuild({
        project,
        version,
        ...(baseImage ? { base_image: baseImage } : {})
      });
      this._mergeAll(project, [build]);
    } catch (reason) {
      const error = asApiError(reason);
      if (version === this.state.version) {
        this.update({ error });
        // The build already running is the one to show.
        if (error.code === 'conflict') {
          void this._listVersion();
        }
      }
    } finally {
      this.update({ pending: null });
    }
  }

  /** Ask the shown version's running build to stop. */
  async cancel(): Promise<void> {
    const project = this.state.project;
    const latest = this.latest;
    if (project === null || !latest || this.state.pending) {
      return;
    }
    this.update({ pending: 'cancel', error: null });
    try {
      this._mergeAll(project, [
        await this._client.cancelBuild(project, latest.id)
      ]);
    } catch (reason) {
      const error = asApiError(reason);
      if (project === this.state.project) {
        this.update({ error });
        // It ended meanwhile: show how.
        if (error.code === 'conflict') {
          void this._listVersion();
        }
      }
    } finally {
      this.update({ pending: null });
    }
  }

  /** Apply a pushed build event (other projects' are ignored). */
  applyEvent(event: BuildEvent): void {
    const project = this.state.project;
    if (event.project !== project) {
      return;
    }
    const log = this.state.log;
    if (event.kind === 'build') {
      if (event.build.id === log?.buildId) {
        this._watch.heard();
      }
      this._mergeAll(project, [event.build]);
    } else if (event.buildId === log?.buildId) {
      this._watch.heard();
      this.update({ log: appendEventLines(log, event.lines, event.offset) });
    }
  }

  dispose(): void {
    this._watch.dispose();
    super.dispose();
  }

  private async _listVersion(): Promise<void> {
    const { project, version } = this.state;
    if (project === null || version === null) {
      return;
    }
    try {
      const { builds } = await this._client.listBuilds(project, version);
      this._mergeAll(project, builds);
      if (version === this.state.version) {
        this.update({ loaded: true });
      }
    } catch (reason) {
      if (project === this.state.project && version === this.state.version) {
        this.update({ loaded: true, error: asApiError(reason) });
      }
    }
  }

  private _mergeAll(project: string, builds: Build[]): void {
    if (project !== this.state.project) {
      return;
    }
    let merged = this.state.builds;
    for (const build of builds) {
      if (build.project === project) {
        merged = mergeBuild(merged, build);
      }
    }
    if (merged !== this.state.builds) {
      this.update({ builds: merged });
      this._follow();
    }
  }

  /** Keep the log on the shown version's newest build, and read it. */
  private _follow(): void {
    const latest = this.latest;
    const log = this.state.log;
    if (!latest) {
      if (log) {
        this.update({ log: null });
      }
      this._watch.stop();
      return;
    }
    if (log?.buildId !== latest.id) {
      this.update({ log: emptyLog(latest.id) });
      void this._readLog();
    } else if (!isActiveBuild(latest) && !log.complete) {
      // It ended: read the rest, which also mends what events missed.
      void this._readLog();
    }
    if (isActiveBuild(latest)) {
      this._watch.start();
    } else {
      this._watch.stop();
    }
  }

  /**
   * Read the shown log from its offset, page after page until one comes
   * back empty (the route caps a page); one read at a time.
   */
  private async _readLog(): Promise<void> {
    if (this._reading) {
      this._readAgain = true;
      return;
    }
    this._reading = true;
    try {
      for (let page = 0; page < MAX_PAGES_PER_READ; page++) {
        if (!(await this._readPage())) {
          break;
        }
      }
    } finally {
      this._reading = false;
      if (this._readAgain) {
        this._readAgain = false;
        void this._readLog();
      }
    }
  }

  /** Read one page of the shown log; whether there may be more. */
  private async _readPage(): Promise<boolean> {
    const project = this.state.project;
    const log = this.state.log;
    if (project === null || !log || log.complete) {
      return false;
    }
    const build = this.state.builds.find(b => b.id === log.buildId);
    // Asked after the build ended, an empty page means the whole log is read.
    const ended = build !== undefined && !isActiveBuild(build);
    const from = log.offset;
    let page: BuildLogPage;
    try {
      page = await this._client.buildLog(project, log.buildId, from);
    } catch (reason) {
      if (this.state.log?.buildId === log.buildId) {
        this.update({ error: asApiError(reason) });
      }
      return false;
    }
    const current = this.state.log;
    if (current?.buildId !== log.buildId || project !== this.state.project) {
      return false;
    }
    const last = page.lines.length === 0;
    this.update({ log: applyLogPage(current, from, page, ended && last) });
    return !last;
  }

  /** Nothing heard for a while: ask for the build and its new lines. */
  private async _check(): Promise<void> {
    const project = this.state.project;
    const latest = this.latest;
    if (project === null || !latest) {
      return;
    }
    try {
      this._mergeAll(project, [
        await this._client.getBuild(project, latest.id)
      ]);
    } catch (reason) {
      if (project === this.state.project) {
        this.update({ error: asApiError(reason) });
      }
      return;
    }
    await this._readLog();
  }

  private readonly _client: DeployClient;
  private readonly _watch: QuietWatch;
  private _built: { of: Build[]; tags: ReadonlySet<string> } = {
    of: [],
    tags: new Set()
  };
  private _reading = false;
  private _readAgain = false;
}

/**
 * Keep `builds` on the versions sidebar's project and open version; each
 * listing of the versions lists the project's builds once more.
 */
export function followVersions(
  builds: BuildsModel,
  versions: VersionsModel
): void {
  let listed: readonly unknown[] | null = null;
  const sync = () => {
    if (builds.isDisposed) {
      return;
    }
    const { project, selected, versions: list } = versions.state;
    builds.setProject(project);
    builds.showVersion(selected);
    if (list !== listed) {
      listed = list;
      if (list.length > 0) {
        void builds.refresh();
      }
    }
  };
  versions.changed.connect(sync);
  sync();
}
