import type {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';

// Every other plugin of the extension requires the core at activation.
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { DeployClient } from '../api';
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { DeployCore } from '../core';
import { IDeployCore } from '../tokens';

/**
 * The core every other plugin requires: one REST client, and the server's
 * events read once from Jupyter's event bus as typed signals.
 */
export const corePlugin: JupyterFrontEndPlugin<IDeployCore> = {
  id: 'jupyter-deploy:core',
  description:
    'Provides the jupyter_deploy REST client and the server’s run, build and deployment events to the other plugins.',
  autoStart: true,
  provides: IDeployCore,
  activate: (app: JupyterFrontEnd): IDeployCore =>
    new DeployCore({
      client: new DeployClient(),
      stream: app.serviceManager.events.stream
    })
};
