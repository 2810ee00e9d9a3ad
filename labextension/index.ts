import type { JupyterFrontEndPlugin } from '@jupyterlab/application';

import { runNotebookPlugin } from './plugins/runNotebook';
import { runsPanelPlugin } from './plugins/runsPanel';
import { sidebarPlugin } from './plugins/sidebar';

const plugins: JupyterFrontEndPlugin<unknown>[] = [
  sidebarPlugin,
  runNotebookPlugin,
  runsPanelPlugin
];

export default plugins;
