/** Runs a callback after a pause, collapsing a burst of calls into one. */
export class Debouncer {
  constructor(
    private readonly _callback: () => void,
    private readonly _delayMs: number
  ) {}

  /** Run the callback after the delay, unless called again before then. */
  schedule(): void {
    this.cancel();
    this._timer = setTimeout(() => {
      this._timer = null;
      this._callback();
    }, this._delayMs);
  }

  cancel(): void {
    if (this._timer !== null) {
      clearTimeout(this._timer);
      this._timer = null;
    }
  }

  private _timer: ReturnType<typeof setTimeout> | null = null;
}
