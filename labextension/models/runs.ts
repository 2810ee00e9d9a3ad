import {
  asApiError,
  type ApiError,
  type DeployClient,
  type IRunEvent,
  type Run,
  type RunStatus,
  type Sweep
} from '../api';
import { parseTime } from '../format/time';
import { LIFECYCLE_RANK, mergeNewestFirst } from './newestFirst';
import { sweepActive, sweepDone } from './runFormat';
import {
  ALL_STATUSES,
  DEFAULT_SORT,
  nextSort,
  type ISortState,
  type SortKey,
  type StatusFilter
} from './runsTable';
import { StateModel } from './stateModel';

/** What the runs panel shows. */
export interface IRunsState {
  /** Project folder relative to the Jupyter root; null until known. */
  project: string | null;
  loading: boolean;
  /** Why the list could not be loaded. */
  error: ApiError | null;
  /** Every run of the project, newest first. */
  runs: Run[];
  sweeps: Sweep[];
  /** When each sweep was last heard of (ms), to count its ETA down. */
  sweepSeenAt: Record<string, number>;
  /** Sweeps with a summary line: active, or seen active in this panel. */
  shownSweeps: string[];
  filter: StatusFilter;
  sort: ISortState;
  /** Ids of the runs ticked for comparison. */
  selected: string[];
  comparing: boolean;
  /** Ids of runs with a cancel, re-run or promotion in flight. */
  busy: string[];
  /** The last action that failed, as a sentence. */
  notice: string | null;
}

const STATUS_RANK: Record<RunStatus, number> = LIFECYCLE_RANK;

/**
 * Whether `candidate` is at least as recent as `current`. Answers from the
 * list route and pushed events may cross; a run never goes back in its
 * life cycle, and a running run never goes back a cell.
 */
export function isNewerRun(candidate: Run, current: Run): boolean {
  const rank = STATUS_RANK[candidate.status] - STATUS_RANK[current.status];
  if (rank !== 0) {
    return rank > 0;
  }
  if (candidate.status === 'running') {
    return (candidate.progress?.cell ?? 0) >= (current.progress?.cell ?? 0);
  }
  return true;
}

/** Whether `candidate` shows at least as much progress as `current`. */
function isNewerSweep(candidate: Sweep, current: Sweep): boolean {
  const score = (sweep: Sweep) => 2 * sweepDone(sweep) + sweep.counts.running;
  return score(candidate) >= score(current);
}

/** Runs and sweeps of one project, kept live by pushed events. */
export class RunsModel extends StateModel<IRunsState> {
  constructor(private readonly _client: DeployClient) {
    super({
      project: null,
      loading: false,
      error: null,
      runs: [],
      sweeps: [],
      sweepSeenAt: {},
      shownSweeps: [],
      filter: ALL_STATUSES,
      sort: DEFAULT_SORT,
      selected: [],
      comparing: false,
      busy: [],
      notice: null
    });
  }

  /** Show another project (its list is fetched by the next refresh). */
  setProject(project: string): void {
    if (project === this.state.project) {
      return;
    }
    this.dropRequests();
    this.update({
      project,
      runs: [],
      sweeps: [],
      sweepSeenAt: {},
      shownSweeps: [],
      selected: [],
      comparing: false,
      busy: [],
      error: null,
      notice: null,
      loading: false
    });
  }

  /** Fetch the project's runs once; events keep them current afterwards. */
  async refresh(): Promise<void> {
    const project = this.state.project;
    if (project === null) {
      return;
    }
    const isCurrent = this.startRequest();
    this.update({ loading: true });
    try {
      const list = await this._client.listRuns(project);
      if (!isCurrent()) {
        return;
      }
      let runs = this.state.runs;
      for (const run of list.runs) {
        runs = mergeRun(runs, run);
      }
      this.update({ loading: false, error: null, runs });
      for (const sweep of list.sweeps) {
        this._mergeSweep(sweep);
      }
    } catch (reason) {
      if (isCurrent()) {
        this.update({ loading: false, error: asApiError(reason) });
      }
    }
  }

  /** Apply a pushed run event (events of other projects are ignored). */
  applyEvent(event: IRunEvent): void {
    if (event.project !== this.state.project) {
      return;
    }
    this.addRuns([event.run], event.sweep);
  }

  /** Add runs (and their sweep) just started or heard of. */
  addRuns(runs: Run[], sweep: Sweep | null = null): void {
    let merged = this.state.runs;
    for (const run of runs) {
      if (run.project === this.state.project) {
        merged = mergeRun(merged, run);
      }
    }
    if (merged !== this.state.runs) {
      this.update({ runs: merged });
    }
    if (sweep && sweep.project === this.state.project) {
      this._mergeSweep(sweep);
    }
  }

  setFilter(filter: StatusFilter): void {
    this.update({ filter });
  }

  /** Sort by a column, or flip the direction of the current one. */
  sortBy(key: SortKey): void {
    this.update({ sort: nextSort(this.state.sort, key) });
  }

  toggleSelected(runId: string): void {
    const selected = this.state.selected.includes(runId)
      ? this.state.selected.filter(id => id !== runId)
      : [...this.state.selected, runId];
    this.update({
      selected,
      comparing: this.state.comparing && selected.length > 0
    });
  }

  /** Tick or untick all the given runs. */
  setSelected(runIds: string[], selected: boolean): void {
    const others = this.state.selected.filter(id => !runIds.includes(id));
    this.update({ selected: selected ? [...others, ...runIds] : others });
  }

  setComparing(comparing: boolean): void {
    this.update({ comparing: comparing && this.state.selected.length > 0 });
  }

  dismissSweep(sweepId: string): void {
    this.update({
      shownSweeps: this.state.shownSweeps.filter(id => id !== sweepId)
    });
  }

  dismissNotice(): void {
    this.update({ notice: null });
  }

  /** Cancel a queued or running run (safe to repeat). */
  cancel(runId: string): Promise<void> {
    return this._act(runId, 'cancel', project =>
      this._client.cancelRun(project, runId)
    );
  }

  /** Start a new run with the same notebook, parameters and limits. */
  rerun(runId: string): Promise<void> {
    return this._act(runId, 're-run', project =>
      this._client.rerun(project, runId)
    );
  }

  /**
   * Promote a run with `promote` (the application's command, which reports
   * the outcome); the run is busy meanwhile, so a second click does nothing.
   */
  async promote(
    runId: string,
    promote: (project: string, runId: string) => Promise<unknown>
  ): Promise<void> {
    const project = this.state.project;
    if (project === null || this.state.busy.includes(runId)) {
      return;
    }
    this.update({ busy: [...this.state.busy, runId], notice: null });
    try {
      const tag = versionTag(await promote(project, runId));
      if (tag !== null) {
        this.update({
          runs: this.state.runs.map(run =>
            run.id === runId
              ? { ...run, promoted_to: [...(run.promoted_to ?? []), tag] }
              : run
          )
        });
      }
    } catch (reason) {
      this.update({
        notice: `Could not promote ${runId}: ${asApiError(reason).message}`
      });
    } finally {
      this.update({ busy: this.state.busy.filter(id => id !== runId) });
    }
  }

  private async _act(
    runId: string,
    verb: string,
    call: (project: string) => Promise<Run>
  ): Promise<void> {
    const project = this.state.project;
    if (project === null || this.state.busy.includes(runId)) {
      return;
    }
    this.update({ busy: [...this.state.busy, runId], notice: null });
    try {
      const run = await call(project);
      this.addRuns([run]);
    } catch (reason) {
      this.update({
        notice: `Could not ${verb} ${runId}: ${asApiError(reason).message}`
      });
    } finally {
      this.update({ busy: this.state.busy.filter(id => id !== runId) });
    }
  }

  private _mergeSweep(sweep: Sweep): void {
    const { sweeps, shownSweeps, sweepSeenAt } = this.state;
    const index = sweeps.findIndex(s => s.id === sweep.id);
    if (index >= 0 && !isNewerSweep(sweep, sweeps[index])) {
      return;
    }
    const next =
      index >= 0
        ? sweeps.map((s, i) => (i === index ? sweep : s))
        : [sweep, ...sweeps].sort(
            (a, b) =>
              (parseTime(b.created_at) ?? 0) - (parseTime(a.created_at) ?? 0)
          );
    const show = sweepActive(sweep) && !shownSweeps.includes(sweep.id);
    this.update({
      sweeps: next,
      sweepSeenAt: { ...sweepSeenAt, [sweep.id]: Date.now() },
      shownSweeps: show ? [sweep.id, ...shownSweeps] : shownSweeps
    });
  }

  /** Ticks of runs no longer listed are dropped with the listing. */
  protected update(patch: Partial<IRunsState>): void {
    if (patch.runs) {
      const ids = new Set(patch.runs.map(run => run.id));
      const selected = patch.selected ?? this.state.selected;
      patch = { ...patch, selected: selected.filter(id => ids.has(id)) };
    }
    super.update(patch);
  }
}

/** Insert or update a run, keeping the list newest first. */
function mergeRun(runs: Run[], run: Run): Run[] {
  // Only the listing says which versions a run became: an event keeps what it said.
  const known = runs.find(r => r.id === run.id)?.promoted_to;
  const merged =
    run.promoted_to === undefined && known !== undefined
      ? { ...run, promoted_to: known }
      : run;
  return mergeNewestFirst(runs, merged, isNewerRun);
}

/** The tag of what the promote command answered (a version), if it is one. */
function versionTag(answer: unknown): string | null {
  if (typeof answer === 'object' && answer !== null && 'tag' in answer) {
    return typeof answer.tag === 'string' ? answer.tag : null;
  }
  return null;
}
