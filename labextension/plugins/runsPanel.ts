import { WidgetTracker, type MainAreaWidget } from '@jupyterlab/apputils';

import type { Run } from '../api';
import type { RunsWidget } from '../components/RunsWidget';
import { runParametersIcon } from '../icons';
import type { IDeployCore } from '../tokens';
import { ArgDocs, CommandIDs, stringArgs } from './commands';
import {
  addCommand,
  listenWhile,
  mainAreaTab,
  panelPlugin,
  showTab
} from './shell';

/** DOM id of the runs panel. */
const RUNS_PANEL_ID = 'jupyter-deploy-runs';

type RunsPanel = MainAreaWidget<RunsWidget>;

/** The main-area "Runs" panel: runs and sweeps of a project, live. */
export const runsPanelPlugin = panelPlugin({
  id: 'jupyter-deploy:runs-panel',
  description:
    'Adds the Runs panel: the runs and sweeps of a project, with live progress.',
  activate: ({ app, core, restorer, fileBrowser, palette }) => {
    const tracker = new WidgetTracker<RunsPanel>({
      namespace: 'jupyter-deploy-runs'
    });
    const openOutput = (run: Run) => {
      if (run.output_notebook) {
        void app.commands.execute('docmanager:open', {
          path: run.output_notebook
        });
      }
    };

    const promote = (project: string, runId: string) =>
      app.commands.execute(CommandIDs.promoteRun, { project, runId });

    let creating: Promise<RunsPanel> | null = null;
    const getPanel = (): Promise<RunsPanel> => {
      if (!creating) {
        creating = createPanel(core, openOutput, promote).then(panel => {
          panel.disposed.connect(() => {
            creating = null;
          });
          void tracker.add(panel);
          return panel;
        });
      }
      return creating;
    };

    /** The project of the file browser's folder, if it is in one. */
    const browsedProject = async (): Promise<string | null> => {
      try {
        return await core.client.findProject(fileBrowser?.model.path ?? '');
      } catch {
        return null;
      }
    };

    addCommand(
      app,
      CommandIDs.openRuns,
      {
        label: 'Open Runs',
        caption: 'Show the runs and sweeps of a project',
        icon: runParametersIcon,
        describedBy: stringArgs({ project: ArgDocs.browsedProject }),
        execute: async args => {
          const panel = await getPanel();
          const model = panel.content.model;
          let project =
            typeof args.project === 'string'
              ? args.project
              : model.state.project;
          if (project === null) {
            project = await browsedProject();
          }
          if (project !== null) {
            model.setProject(project);
          }
          showTab(app, tracker, panel);
          void model.refresh();
        }
      },
      palette
    );

    if (restorer) {
      void restorer.restore(tracker, {
        command: CommandIDs.openRuns,
        args: widget => {
          const project = widget.content.model.state.project;
          return project === null ? {} : { project };
        },
        name: () => 'runs'
      });
    }
  }
});

async function createPanel(
  core: IDeployCore,
  openOutput: (run: Run) => void,
  promote: (project: string, runId: string) => Promise<unknown>
): Promise<RunsPanel> {
  const [{ RunsWidget }, { RunsModel }] = await Promise.all([
    import('../components/RunsWidget'),
    import('../models/runs')
  ]);
  const model = new RunsModel(core.client);
  // The panel has its own toolbar row (filter, compare, refresh).
  const panel = mainAreaTab(new RunsWidget(model, openOutput, promote), {
    id: RUNS_PANEL_ID,
    label: 'Runs',
    icon: runParametersIcon,
    className: 'jp-DeployRunsPanel'
  });
  // Progress is pushed by the server; the panel listens while it exists.
  listenWhile(core.runEvents, event => model.applyEvent(event), panel);
  model.changed.connect(() => {
    const project = model.state.project;
    panel.title.caption =
      project === null ? 'Runs' : `Runs of ${project || 'the root folder'}`;
  });
  return panel;
}
