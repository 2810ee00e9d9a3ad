import { Token } from '@lumino/coreutils';
import type { ISignal } from '@lumino/signaling';

import type {
  BuildEvent,
  DeployClient,
  DeploymentBusEvent,
  DeployStarted,
  IRunEvent
} from './api';

/**
 * What every plugin of the extension shares: the one REST client, and the
 * server's run, build and deployment events, read once from Jupyter's event
 * bus and parsed once (by `api/events`).
 */
export interface IDeployCore {
  /** The typed calls of the jupyter_deploy REST API. */
  readonly client: DeployClient;
  /** A run changed (its sweep with it). */
  readonly runEvents: ISignal<IDeployCore, IRunEvent>;
  /** A build changed, or its log grew. */
  readonly buildEvents: ISignal<IDeployCore, BuildEvent>;
  /** A deployment operation progressed, or one ended. */
  readonly deploymentEvents: ISignal<IDeployCore, DeploymentBusEvent>;
}

export const IDeployCore = new Token<IDeployCore>(
  'jupyter-deploy:IDeployCore',
  'The jupyter_deploy REST client and the server’s run, build and deployment events.'
);

/** Opens deployment panels, one per deployment. */
export interface IDeploymentPanels {
  /**
   * Show the panel of a deployment (reused when open). `started`: what a
   * deploy request just answered, with its one-time API key if any.
   */
  open(project: string, name: string, started?: DeployStarted): Promise<void>;
}

export const IDeploymentPanels = new Token<IDeploymentPanels>(
  'jupyter-deploy:IDeploymentPanels',
  'Opens the panel of a deployment.'
);
