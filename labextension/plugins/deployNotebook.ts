import type {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import type { Event } from '@jupyterlab/services';
import { DisposableDelegate } from '@lumino/disposable';

import type { IRunEvent } from '../api';
import { deployIcon } from '../icons';
import { CommandIDs, stringArgs } from './commands';
import { IDeploymentPanels } from './deploymentPanel';
import {
  DEPLOY_TOOLBAR_ITEM as TOOLBAR_ITEM,
  isDirty,
  RUN_TOOLBAR_ITEM as RUN_ITEM,
  targetNotebook,
  addNotebookButton
} from './notebooks';

/** "Deploy": a notebook toolbar button and a command. */
export const deployNotebookPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyter-deploy:deploy-notebook',
  description:
    'Adds "Deploy" to notebooks: deploy a version of the notebook’s model, or run, save and deploy it.',
  autoStart: true,
  requires: [IDeploymentPanels],
  optional: [ICommandPalette],
  activate: (
    app: JupyterFrontEnd,
    panels: IDeploymentPanels,
    palette: ICommandPalette | null
  ): void => {
    app.commands.addCommand(CommandIDs.deployNotebook, {
      label: 'Deploy Notebook…',
      caption: 'Deploy a version of the notebook’s model behind an endpoint',
      icon: deployIcon,
      describedBy: stringArgs({
        path: 'Notebook path relative to the Jupyter root (default: the current notebook)'
      }),
      isEnabled: args => targetNotebook(app, args) !== null,
      execute: async args => {
        const notebook = targetNotebook(app, args);
        if (notebook === null) {
          return;
        }
        const [{ DeployClient, parseRunEvent }, { showDeployDialog }] =
          await Promise.all([
            import('../api'),
            import('../components/DeployDialog')
          ]);
        const stream = app.serviceManager.events.stream;
        const runEvents = (listener: (event: IRunEvent) => void) => {
          const onEvent = (_: Event.IManager, emission: Event.Emission) => {
            const event = parseRunEvent(emission);
            if (event) {
              listener(event);
            }
          };
          stream.connect(onEvent);
          return new DisposableDelegate(() => stream.disconnect(onEvent));
        };
        const deployed = await showDeployDialog({
          client: new DeployClient(),
          notebook,
          dirty: isDirty(app, notebook),
          runEvents
        });
        if (deployed) {
          await panels.open(deployed.project, deployed.name, deployed.answer);
        }
      }
    });
    palette?.addItem({
      command: CommandIDs.deployNotebook,
      category: 'Deploy'
    });

    addNotebookButton(app, {
      name: TOOLBAR_ITEM,
      icon: deployIcon,
      label: 'Deploy',
      tooltip: 'Deploy this notebook’s model',
      command: CommandIDs.deployNotebook,
      className: 'jp-DeployDeployButton',
      after: [RUN_ITEM, 'cellType']
    });
  }
};
