import type {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';

import { runParametersIcon } from '../icons';
import { IDeployCore } from '../tokens';
import { CommandIDs } from './commands';
import {
  addNotebookButton,
  isDirty,
  notebookCommand,
  RUN_TOOLBAR_ITEM as TOOLBAR_ITEM
} from './notebooks';
import { addCommand } from './shell';

/** "Run with parameters": a notebook toolbar button and a command. */
export const runNotebookPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyter-deploy:run-notebook',
  description:
    'Adds "Run with parameters" to notebooks: start a run or a sweep of the notebook.',
  autoStart: true,
  requires: [IDeployCore],
  optional: [ICommandPalette],
  activate: (
    app: JupyterFrontEnd,
    core: IDeployCore,
    palette: ICommandPalette | null
  ): void => {
    addCommand(
      app,
      CommandIDs.runNotebook,
      notebookCommand(app, {
        label: 'Run Notebook with Parameters…',
        caption: 'Run the notebook, or a sweep of it, with other parameters',
        icon: runParametersIcon,
        execute: async notebook => {
          const { showRunDialog } = await import('../components/RunDialog');
          const launched = await showRunDialog({
            client: core.client,
            notebook,
            dirty: isDirty(app, notebook)
          });
          if (launched) {
            await app.commands.execute(CommandIDs.openRuns, {
              project: launched.project
            });
          }
        }
      }),
      palette
    );

    addNotebookButton(app, {
      name: TOOLBAR_ITEM,
      icon: runParametersIcon,
      label: 'Run with parameters',
      tooltip: 'Run with parameters',
      command: CommandIDs.runNotebook,
      className: 'jp-DeployRunButton',
      after: ['cellType']
    });
  }
};
