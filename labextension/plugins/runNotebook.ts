import type {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { ToolbarButton } from '@jupyterlab/ui-components';
import type { Widget } from '@lumino/widgets';

import { runParametersIcon } from '../icons';
import { CommandIDs, stringArgs } from './commands';

/** Name of the button among the notebook toolbar's items. */
const TOOLBAR_ITEM = 'jupyterDeployRun';

/** The notebook panel's toolbar, as far as this plugin uses it. */
interface IToolbarLike {
  insertAfter(at: string, name: string, widget: Widget): boolean;
  addItem(name: string, widget: Widget): boolean;
}

/** The parts of a document widget this plugin reads. */
interface IDocumentLike {
  context: { path: string; model: { dirty: boolean } };
}

function isDocument(widget: Widget | null): widget is Widget & IDocumentLike {
  const context = (widget as Partial<IDocumentLike> | null)?.context;
  return typeof context?.path === 'string';
}

/** The notebook the command acts on: its `path` argument, else the current one. */
function targetNotebook(
  app: JupyterFrontEnd,
  args: { path?: unknown }
): string | null {
  if (typeof args.path === 'string' && args.path.endsWith('.ipynb')) {
    return args.path;
  }
  const current = app.shell.currentWidget;
  return isDocument(current) && current.context.path.endsWith('.ipynb')
    ? current.context.path
    : null;
}

/** Whether an open view of the notebook has unsaved changes. */
function isDirty(app: JupyterFrontEnd, path: string): boolean {
  for (const widget of app.shell.widgets('main')) {
    if (isDocument(widget) && widget.context.path === path) {
      return widget.context.model.dirty;
    }
  }
  return false;
}

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

    app.docRegistry.addWidgetExtension('Notebook', {
      createNew: (panel, context) => {
        const button = new ToolbarButton({
          icon: runParametersIcon,
          label: 'Run with parameters',
          tooltip: 'Run with parameters',
          onClick: () => {
            void app.commands.execute(CommandIDs.runNotebook, {
              path: context.path
            });
          }
        });
        button.addClass('jp-DeployRunButton');
        const toolbar = (panel as Partial<{ toolbar: IToolbarLike }>).toolbar;
        if (toolbar && !toolbar.insertAfter('cellType', TOOLBAR_ITEM, button)) {
          toolbar.addItem(TOOLBAR_ITEM, button);
        }
        return button;
      }
    });
  }
};
