import type { IDisposable } from '@lumino/disposable';
import { Signal, type ISignal } from '@lumino/signaling';

import {
  parseBuildEvent,
  parseDeploymentEvent,
  parseRunEvent,
  type BuildEvent,
  type DeployClient,
  type DeploymentBusEvent,
  type IRunEvent
} from './api';
import type { IDeployCore } from './tokens';

/** An emission of Jupyter Server's event bus: data fields next to `schema_id`. */
export type Emission = { readonly [key: string]: unknown };

export interface IDeployCoreOptions {
  client: DeployClient;
  /** Jupyter's event stream (`app.serviceManager.events.stream`). */
  stream: ISignal<unknown, Emission>;
}

/**
 * The one client and the one reader of the event bus: each emission of the
 * extension's schemas is parsed once and re-emitted as a typed signal.
 */
export class DeployCore implements IDeployCore, IDisposable {
  constructor(options: IDeployCoreOptions) {
    this.client = options.client;
    this._stream = options.stream;
    this._stream.connect(this._onEmission, this);
  }

  readonly client: DeployClient;

  get runEvents(): ISignal<IDeployCore, IRunEvent> {
    return this._runEvents;
  }

  get buildEvents(): ISignal<IDeployCore, BuildEvent> {
    return this._buildEvents;
  }

  get deploymentEvents(): ISignal<IDeployCore, DeploymentBusEvent> {
    return this._deploymentEvents;
  }

  /** Whether the core stopped reading the stream. */
  isDisposed = false;

  dispose(): void {
    if (!this.isDisposed) {
      this.isDisposed = true;
      this._stream.disconnect(this._onEmission, this);
      Signal.clearData(this);
    }
  }

  private _onEmission(_: unknown, emission: Emission): void {
    const run = parseRunEvent(emission);
    if (run) {
      this._runEvents.emit(run);
      return;
    }
    const build = parseBuildEvent(emission);
    if (build) {
      this._buildEvents.emit(build);
      return;
    }
    const deployment = parseDeploymentEvent(emission);
    if (deployment) {
      this._deploymentEvents.emit(deployment);
    }
  }

  private readonly _stream: ISignal<unknown, Emission>;
  private readonly _runEvents = new Signal<IDeployCore, IRunEvent>(this);
  private readonly _buildEvents = new Signal<IDeployCore, BuildEvent>(this);
  private readonly _deploymentEvents = new Signal<
    IDeployCore,
    DeploymentBusEvent
  >(this);
}
