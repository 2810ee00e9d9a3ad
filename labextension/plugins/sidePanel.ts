import { SidePanel, type LabIcon } from '@jupyterlab/ui-components';
import { Panel, Widget } from '@lumino/widgets';

import type { IPanelContext } from './shell';

/** A model that shows something about the file browser's folder. */
export interface IFolderModel {
  setPath(path: string, refresh: boolean): void;
}

export interface IFolderSidebarOptions {
  /** DOM id, also the layout-restorer key. */
  id: string;
  /** Heading and tooltip of the sidebar tab. */
  label: string;
  className: string;
  icon: LabIcon;
  rank: number;
  content: Widget;
  model: IFolderModel;
}

/**
 * Add a restorable left sidebar whose model follows the file browser's
 * folder. A hidden sidebar only records the folder: it asks the server when
 * it is shown, not on every folder change.
 */
export function addFolderSidebar(
  {
    app,
    restorer,
    fileBrowser
  }: Pick<IPanelContext, 'app' | 'restorer' | 'fileBrowser'>,
  options: IFolderSidebarOptions
): SidePanel {
  const { id, label, model } = options;
  const panel = new SidePanel({ content: new Panel() });
  panel.id = id;
  panel.addClass(options.className);
  panel.addClass('jp-DeployFolderSidebar');
  panel.title.icon = options.icon;
  panel.title.caption = label;

  const heading = document.createElement('h2');
  heading.textContent = label;
  heading.classList.add('jp-text-truncated');
  panel.header.addWidget(new Widget({ node: heading }));
  panel.addWidget(options.content);

  if (fileBrowser) {
    model.setPath(fileBrowser.model.path, false);
    fileBrowser.model.pathChanged.connect((_, change) => {
      model.setPath(change.newValue ?? '', panel.isVisible);
    });
  }

  app.shell.add(panel, 'left', { rank: options.rank });
  restorer?.add(panel, id);
  return panel;
}
