import type {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';

import { runParametersIcon } from '../icons';
import { CommandIDs, stringArgs } from './commands';
import {
  isDirty,
  RUN_TOOLBAR_ITEM as TOOLBAR_ITEM,
  targetNotebook,
  addNotebookButton
} from './notebooks';

/** "Run with parameters": a notebook toolbar button and a command. */
export const runNotebookPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyter-deploy:run-notebook',
  description:
    'Adds "Run with parameters" to notebooks: start a run or a sweep of the notebook.',
  autoStart: true,
  optional: [ICommandPalette],
  activate: (app: JupyterFrontEnd, palette: ICommandPalette | null): void => {
    app.commands.addCommand(CommandIDs.runNotebook, {
      label: 'Run Notebook with Parameters…',
      caption: 'Run the notebook, or a sweep of it, with other parameters',
      icon: runParametersIcon,
      describedBy: stringArgs({
        path: 'Notebook path relative to the Jupyter root (default: the current notebook)'
      }),
      isEnabled: args => targetNotebook(app, args) !== null,
      execute: async args => {
        const notebook = targetNotebook(app, args);
        if (notebook === null) {
          return;
        }
        const [{ DeployClient }, { showRunDialog }] = await Promise.all([
          import('../api'),
          import('../components/RunDialog')
        ]);
        const launched = await showRunDialog({
          client: new DeployClient(),
          notebook,
          dirty: isDirty(app, notebook)
        });
        if (launched) {
          await app.commands.execute(CommandIDs.openRuns, {
            project: launched.project
          });
        }
      }
    });
    palette?.addItem({ command: CommandIDs.runNotebook, category: 'Deploy' });

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
