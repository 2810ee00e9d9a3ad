import type {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';

import { deployIcon } from '../icons';
import { IDeployCore, IDeploymentPanels } from '../tokens';
import { CommandIDs } from './commands';
import {
  addNotebookButton,
  DEPLOY_TOOLBAR_ITEM as TOOLBAR_ITEM,
  isDirty,
  notebookCommand,
  RUN_TOOLBAR_ITEM as RUN_ITEM
} from './notebooks';
import { addCommand } from './shell';

/** "Deploy": a notebook toolbar button and a command. */
export const deployNotebookPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyter-deploy:deploy-notebook',
  description:
    'Adds "Deploy" to notebooks: deploy a version of the notebook’s model, or run, save and deploy it.',
  autoStart: true,
  requires: [IDeployCore, IDeploymentPanels],
  optional: [ICommandPalette],
  activate: (
    app: JupyterFrontEnd,
    core: IDeployCore,
    panels: IDeploymentPanels,
    palette: ICommandPalette | null
  ): void => {
    addCommand(
      app,
      CommandIDs.deployNotebook,
      notebookCommand(app, {
        label: 'Deploy Notebook…',
        caption: 'Deploy a version of the notebook’s model behind an endpoint',
        icon: deployIcon,
        execute: async notebook => {
          const { showDeployDialog } =
            await import('../components/DeployDialog');
          const deployed = await showDeployDialog({
            client: core.client,
            notebook,
            dirty: isDirty(app, notebook),
            runEvents: core.runEvents
          });
          if (deployed) {
            await panels.open(deployed.project, deployed.name, deployed.answer);
          }
        }
      }),
      palette
    );

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
