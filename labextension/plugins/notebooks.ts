import type { JupyterFrontEnd } from '@jupyterlab/application';
import { ToolbarButton, type LabIcon } from '@jupyterlab/ui-components';
import type { Widget } from '@lumino/widgets';

import { stringArgs } from './commands';

/** Names of the plugins' buttons among the notebook toolbar's items. */
export const RUN_TOOLBAR_ITEM = 'jupyterDeployRun';
export const DEPLOY_TOOLBAR_ITEM = 'jupyterDeployDeploy';

/** The notebook panel's toolbar, as far as the plugins use it. */
export interface IToolbarLike {
  insertAfter(at: string, name: string, widget: Widget): boolean;
  addItem(name: string, widget: Widget): boolean;
}

/** The parts of a document widget the plugins read. */
interface IDocumentLike {
  context: { path: string; model: { dirty: boolean } };
}

function isDocument(widget: Widget | null): widget is Widget & IDocumentLike {
  const context = (widget as Partial<IDocumentLike> | null)?.context;
  return typeof context?.path === 'string';
}

/** The notebook the command acts on: its `path` argument, else the current one. */
export function targetNotebook(
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
export function isDirty(app: JupyterFrontEnd, path: string): boolean {
  for (const widget of app.shell.widgets('main')) {
    if (isDocument(widget) && widget.context.path === path) {
      return widget.context.model.dirty;
    }
  }
  return false;
}

/** What a command acting on a notebook shows and does. */
export interface INotebookCommand {
  label: string;
  caption: string;
  icon: LabIcon;
  /** Act on the notebook (its path relative to the Jupyter root). */
  execute(notebook: string): Promise<void>;
}

/**
 * The options of a command on a notebook: its `path` argument, else the
 * current notebook; disabled when there is none.
 */
export function notebookCommand(app: JupyterFrontEnd, spec: INotebookCommand) {
  return {
    label: spec.label,
    caption: spec.caption,
    icon: spec.icon,
    describedBy: stringArgs({
      path: 'Notebook path relative to the Jupyter root (default: the current notebook)'
    }),
    isEnabled: (args: { path?: unknown }) => targetNotebook(app, args) !== null,
    execute: async (args: { path?: unknown }) => {
      const notebook = targetNotebook(app, args);
      if (notebook !== null) {
        await spec.execute(notebook);
      }
    }
  };
}

/** What a plugin's notebook toolbar button shows and runs. */
export interface INotebookButton {
  name: string; // the toolbar item's name
  icon: LabIcon;
  label: string;
  tooltip: string;
  command: string; // executed with the notebook's path
  className: string;
  after: string[]; // toolbar items to place it after, first found wins
}

/** Adds the button to every notebook's toolbar, after the first of `after` it finds. */
export function addNotebookButton(
  app: JupyterFrontEnd,
  spec: INotebookButton
): void {
  app.docRegistry.addWidgetExtension('Notebook', {
    createNew: (panel, context) => {
      const button = new ToolbarButton({
        icon: spec.icon,
        label: spec.label,
        tooltip: spec.tooltip,
        onClick: () => {
          void app.commands.execute(spec.command, { path: context.path });
        }
      });
      button.addClass(spec.className);
      const toolbar = (panel as Partial<{ toolbar: IToolbarLike }>).toolbar;
      if (
        toolbar &&
        !spec.after.some(at => toolbar.insertAfter(at, spec.name, button))
      ) {
        toolbar.addItem(spec.name, button);
      }
      return button;
    }
  });
}
