import {
  ILayoutRestorer,
  type JupyterFrontEnd,
  type JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  ICommandPalette,
  MainAreaWidget,
  type WidgetTracker
} from '@jupyterlab/apputils';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import type { LabIcon } from '@jupyterlab/ui-components';
import type { ISignal } from '@lumino/signaling';
import type { Widget } from '@lumino/widgets';

import { IDeployCore } from '../tokens';

/** What a plugin adding a panel or a sidebar gets at activation. */
export interface IPanelContext {
  app: JupyterFrontEnd;
  core: IDeployCore;
  restorer: ILayoutRestorer | null;
  fileBrowser: IDefaultFileBrowser | null;
  palette: ICommandPalette | null;
}

export interface IPanelPluginSpec {
  id: string;
  description: string;
  activate(context: IPanelContext): void;
}

/**
 * A plugin that adds a panel or a sidebar: it requires the core, and uses
 * the layout restorer, the default file browser and the palette when there.
 */
export function panelPlugin(
  spec: IPanelPluginSpec
): JupyterFrontEndPlugin<void> {
  return {
    id: spec.id,
    description: spec.description,
    autoStart: true,
    requires: [IDeployCore],
    optional: [ILayoutRestorer, IDefaultFileBrowser, ICommandPalette],
    activate: (
      app: JupyterFrontEnd,
      core: IDeployCore,
      restorer: ILayoutRestorer | null,
      fileBrowser: IDefaultFileBrowser | null,
      palette: ICommandPalette | null
    ): void => spec.activate({ app, core, restorer, fileBrowser, palette })
  };
}

/** What `app.commands.addCommand` takes. */
type CommandOptions = Parameters<JupyterFrontEnd['commands']['addCommand']>[1];

/** Category of the extension's commands in the palette. */
const PALETTE_CATEGORY = 'Deploy';

/** Add a command; with a palette, list it there too. */
export function addCommand(
  app: JupyterFrontEnd,
  id: string,
  options: CommandOptions,
  palette: ICommandPalette | null = null
): void {
  app.commands.addCommand(id, options);
  palette?.addItem({ command: id, category: PALETTE_CATEGORY });
}

export interface ITabOptions {
  /** DOM id. */
  id: string;
  label: string;
  caption?: string;
  icon: LabIcon;
  className: string;
}

/**
 * A closable main-area tab around `content`, without the toolbar row (the
 * extension's panels have their own).
 */
export function mainAreaTab<T extends Widget>(
  content: T,
  options: ITabOptions
): MainAreaWidget<T> {
  const tab = new MainAreaWidget({ content });
  tab.id = options.id;
  tab.title.label = options.label;
  if (options.caption !== undefined) {
    tab.title.caption = options.caption;
  }
  tab.title.icon = options.icon;
  tab.title.closable = true;
  tab.addClass(options.className);
  tab.toolbar.hide();
  return tab;
}

/** Track a tab (for the layout restorer), put it in the main area and show it. */
export function showTab<T extends Widget>(
  app: JupyterFrontEnd,
  tracker: WidgetTracker<T>,
  tab: T
): void {
  if (!tracker.has(tab)) {
    void tracker.add(tab);
  }
  if (!tab.isAttached) {
    app.shell.add(tab, 'main');
  }
  app.shell.activateById(tab.id);
}

/**
 * Call `slot` with each of `signal`'s events while `owner` lives (a panel,
 * a tab): the connection ends when it is disposed.
 */
export function listenWhile<T, U>(
  signal: ISignal<T, U>,
  slot: (event: U) => void,
  owner: { readonly disposed: ISignal<unknown, void> }
): void {
  const onEvent = (_: T, event: U) => slot(event);
  signal.connect(onEvent);
  owner.disposed.connect(() => signal.disconnect(onEvent));
}
