import { ToolbarButton } from '@jupyterlab/ui-components';

// The sidebar is restorable and may be open at start-up, so activation
// needs its content at once (prefer-lazy-imports does not apply).
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { DoctorWidget } from '../components/DoctorWidget';
import { deployIcon, runParametersIcon } from '../icons';
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { DoctorModel } from '../models/doctor';
import { CommandIDs, stringArgs } from './commands';
import { addCommand, panelPlugin } from './shell';
import { addFolderSidebar } from './sidePanel';

/** DOM id of the sidebar, also its layout-restorer key. */
export const SIDEBAR_ID = 'jupyter-deploy-sidebar';

/** The left sidebar "Deploy": environment report for the current folder. */
export const sidebarPlugin = panelPlugin({
  id: 'jupyter-deploy:sidebar',
  description:
    'Adds the Deploy sidebar, which reports whether the current folder can be deployed.',
  activate: ({ app, core, restorer, fileBrowser, palette }) => {
    const model = new DoctorModel({ client: core.client });
    const panel = addFolderSidebar(
      { app, restorer, fileBrowser },
      {
        id: SIDEBAR_ID,
        label: 'Deploy',
        className: 'jp-DeploySidebar',
        icon: deployIcon,
        rank: 650,
        content: new DoctorWidget(model),
        model
      }
    );
    panel.toolbar.addItem(
      'runs',
      new ToolbarButton({
        icon: runParametersIcon,
        label: 'Runs',
        tooltip: 'Open the runs of this project',
        onClick: () => {
          const project = model.state.report?.project.path;
          void app.commands.execute(
            CommandIDs.openRuns,
            typeof project === 'string' ? { project } : {}
          );
        }
      })
    );

    addCommand(
      app,
      CommandIDs.openSidebar,
      {
        label: 'Open Deploy Sidebar',
        caption: 'Show the Deploy sidebar with the environment report',
        icon: deployIcon,
        describedBy: stringArgs({}),
        execute: () => {
          app.shell.activateById(panel.id);
        }
      },
      palette
    );
  }
});
