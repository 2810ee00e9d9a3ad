import type { IDisposable } from '@lumino/disposable';
import { Signal, type ISignal } from '@lumino/signaling';

/**
 * A view model whose state is replaced, never mutated, so React views can
 * compare it by identity; `changed` tells them to render again.
 */
export abstract class StateModel<S extends object> implements IDisposable {
  constructor(initial: S) {
    this._state = initial;
  }

  get state(): S {
    return this._state;
  }

  /** Emitted whenever `state` changes. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    Signal.clearData(this);
  }

  /** Merge `patch` into the state; ignored once disposed (late answers). */
  protected update(patch: Partial<S>): void {
    if (this._isDisposed) {
      return;
    }
    this._state = { ...this._state, ...patch };
    this._changed.emit();
  }

  /**
   * Start a request. Only the latest one's answer may be applied, so a slow
   * answer never overwrites a newer one: check the returned function first.
   */
  protected startRequest(): () => boolean {
    const id = ++this._requestId;
    return () => id === this._requestId;
  }

  /** Make the answers of requests in flight stale. */
  protected dropRequests(): void {
    this._requestId++;
  }

  private _state: S;
  private _changed = new Signal<this, void>(this);
  private _requestId = 0;
  private _isDisposed = false;
}
