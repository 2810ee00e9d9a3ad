import type { IDisposable } from '@lumino/disposable';

/** Default quiet time (ms) before a watch asks the route. */
export const DEFAULT_QUIET_MS = 5000;

/**
 * The fallback poll of something the server's events keep live (a run, a
 * build, a deployment operation): while watching, if nothing was heard for
 * `quietMs`, call `ask` (which reads the route) — events are missed while
 * the event socket reconnects. Checks once every `quietMs`.
 */
export class QuietWatch implements IDisposable {
  constructor(
    private readonly _ask: () => void | Promise<void>,
    quietMs: number = DEFAULT_QUIET_MS
  ) {
    this._quietMs = quietMs;
  }

  /** Whether the watch is on. */
  get watching(): boolean {
    return this._timer !== null;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** Something was heard: the quiet time starts again. */
  heard(): void {
    this._heardAt = Date.now();
  }

  /** Start watching (from now); nothing when already watching. */
  start(): void {
    if (this._timer !== null || this._isDisposed) {
      return;
    }
    this.heard();
    this._timer = setInterval(() => this._check(), this._quietMs);
  }

  stop(): void {
    if (this._timer !== null) {
      clearInterval(this._timer);
      this._timer = null;
    }
  }

  dispose(): void {
    this.stop();
    this._isDisposed = true;
  }

  private _check(): void {
    if (Date.now() - this._heardAt >= this._quietMs) {
      this.heard();
      void this._ask();
    }
  }

  private readonly _quietMs: number;
  private _timer: ReturnType<typeof setInterval> | null = null;
  private _heardAt = 0;
  private _isDisposed = false;
}
