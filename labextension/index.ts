import type { JupyterFrontEndPlugin } from '@jupyterlab/application';

import { corePlugin } from './plugins/core';
import { deploymentPanelPlugin } from './plugins/deploymentPanel';
import { deployNotebookPlugin } from './plugins/deployNotebook';
import { runNotebookPlugin } from './plugins/runNotebook';
import { runsPanelPlugin } from './plugins/runsPanel';
import { sidebarPlugin } from './plugins/sidebar';
import { versionsSidebarPlugin } from './plugins/versionsSidebar';

const plugins: JupyterFrontEndPlugin<unknown>[] = [
  corePlugin,
  sidebarPlugin,
  runNotebookPlugin,
  runsPanelPlugin,
  versionsSidebarPlugin,
  deploymentPanelPlugin,
  deployNotebookPlugin
];

export default plugins;
