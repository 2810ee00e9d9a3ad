import type { JupyterFrontEndPlugin } from '@jupyterlab/application';

import { runNotebookPlugin } from './plugins/runNotebook';
import { runsPanelPlugin } from './plugins/runsPanel';
import { sidebarPlugin } from './plugins/sidebar';
import { versionsSidebarPlugin } from './plugins/versionsSidebar';

const plugins: JupyterFrontEndPlugin<unknown>[] = [
  sidebarPlugin,
  runNotebookPlugin,
  runsPanelPlugin,
  versionsSidebarPlugin
];

export default plugins;
