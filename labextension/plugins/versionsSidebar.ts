import { WidgetTracker, type MainAreaWidget } from '@jupyterlab/apputils';

import type { DeployClient } from '../api';
import type { IVersionActions } from '../components/VersionDetails';
import type { VersionCompareWidget } from '../components/VersionCompareWidget';
// The sidebar is restorable and may be open at start-up, so activation
// needs its list at once (prefer-lazy-imports does not apply); details'
// actions and the compare tab load on first use.
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { VersionsWidget } from '../components/VersionsWidget';
import { versionsIcon } from '../icons';
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { BuildsModel, followVersions } from '../models/builds';
// eslint-disable-next-line jupyter/prefer-lazy-imports
import {
  DeploymentsModel,
  followVersionsDeployments
} from '../models/deployments';
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { VersionsModel } from '../models/versions';
import { ArgDocs, CommandIDs, stringArgs } from './commands';
import {
  addCommand,
  listenWhile,
  mainAreaTab,
  panelPlugin,
  showTab
} from './shell';
import { addFolderSidebar } from './sidePanel';

/** DOM id of the sidebar, also its layout-restorer key. */
export const VERSIONS_SIDEBAR_ID = 'jupyter-deploy-versions';

type CompareTab = MainAreaWidget<VersionCompareWidget>;

/** The left sidebar "Model versions": history, details, compare, restore. */
export const versionsSidebarPlugin = panelPlugin({
  id: 'jupyter-deploy:versions-sidebar',
  description:
    'Adds the Model versions sidebar: the versions of the current project, their details, comparison, stages, restore, and where they are deployed.',
  activate: ({ app, core, restorer, fileBrowser, palette }) => {
    const client = core.client;
    const model = new VersionsModel({ client });
    const builds = new BuildsModel({ client });
    followVersions(builds, model);
    const deployments = new DeploymentsModel(client);
    followVersionsDeployments(deployments, model);
    const inProject = (act: (project: string) => Promise<void>) => {
      const project = model.state.project;
      return project === null ? Promise.resolve() : act(project);
    };
    const actions: IVersionActions = {
      openNotebook: version =>
        inProject(async project => {
          const { openNotebook } = await import('./versionActions');
          await openNotebook(app, client, project, version);
        }),
      restore: version =>
        inProject(async project => {
          const { restoreVersion } = await import('./versionActions');
          await restoreVersion(client, model, project, version);
        }),
      setStage: async (version, stage) => {
        const { setStage } = await import('./versionActions');
        await setStage(model, version, stage);
      },
      compare: (old, next) =>
        inProject(async project => {
          await app.commands.execute(CommandIDs.compareVersions, {
            project,
            old,
            new: next
          });
        }),
      openDeployment: name =>
        inProject(async project => {
          await app.commands.execute(CommandIDs.openDeployment, {
            project,
            name
          });
        })
    };
    const panel = addFolderSidebar(
      { app, restorer, fileBrowser },
      {
        id: VERSIONS_SIDEBAR_ID,
        label: 'Model versions',
        className: 'jp-DeployVersionsSidebar',
        icon: versionsIcon,
        // Just below the Deploy sidebar (rank 650).
        rank: 660,
        content: new VersionsWidget(model, actions, builds, deployments),
        model
      }
    );

    // Build progress and log lines, and deployments as operations end, are
    // pushed by the server.
    listenWhile(core.buildEvents, event => builds.applyEvent(event), panel);
    listenWhile(
      core.deploymentEvents,
      event => deployments.applyEvent(event),
      panel
    );

    addCommand(
      app,
      CommandIDs.openVersions,
      {
        label: 'Open Model Versions',
        caption: 'Show the versions of a project in the sidebar',
        icon: versionsIcon,
        describedBy: stringArgs({ project: ArgDocs.browsedProject }),
        execute: args => {
          if (typeof args.project === 'string') {
            model.setProject(args.project);
          }
          app.shell.activateById(panel.id);
          // Activating an open sidebar does not show it again: list anyway.
          void model.refresh();
        }
      },
      palette
    );

    app.commands.addCommand(CommandIDs.promoteRun, {
      label: 'Promote Run to a Model Version',
      caption: 'Make a succeeded run a version of its model (git tag + DVC)',
      icon: versionsIcon,
      describedBy: stringArgs(
        { project: ArgDocs.project, runId: 'Id of a succeeded run' },
        ['project', 'runId']
      ),
      execute: async args => {
        const { project, runId } = args;
        if (typeof project !== 'string' || typeof runId !== 'string') {
          return null;
        }
        const { promoteRun } = await import('./versionActions');
        return promoteRun(app, client, model, project, runId);
      }
    });

    const tracker = new WidgetTracker<CompareTab>({
      namespace: 'jupyter-deploy-compare'
    });
    app.commands.addCommand(CommandIDs.compareVersions, {
      label: 'Compare Model Versions',
      caption: 'Show what changed between two versions',
      icon: versionsIcon,
      describedBy: stringArgs(
        {
          project: ArgDocs.project,
          old: 'Older tag, MODEL@vN',
          new: 'Newer tag, MODEL@vN'
        },
        ['project', 'old', 'new']
      ),
      execute: async args => {
        const { project, old, new: next } = args;
        if (
          typeof project !== 'string' ||
          typeof old !== 'string' ||
          typeof next !== 'string'
        ) {
          return;
        }
        const open = tracker.find(tab => {
          const state = tab.content.model.state;
          return (
            state.project === project && state.old === old && state.new === next
          );
        });
        const tab =
          open ?? (await createCompareTab(client, project, old, next));
        showTab(app, tracker, tab);
        void tab.content.model.refresh();
      }
    });
    if (restorer) {
      void restorer.restore(tracker, {
        command: CommandIDs.compareVersions,
        args: tab => {
          const { project, old, new: next } = tab.content.model.state;
          return { project, old, new: next };
        },
        name: tab => {
          const { project, old, new: next } = tab.content.model.state;
          return `${project}:${old}:${next}`;
        }
      });
    }
  }
});

async function createCompareTab(
  client: DeployClient,
  project: string,
  old: string,
  next: string
): Promise<CompareTab> {
  const [{ VersionCompareWidget }, { compareTitle }, { VersionCompareModel }] =
    await Promise.all([
      import('../components/VersionCompareWidget'),
      import('../components/VersionCompareView'),
      import('../models/versionCompare')
    ]);
  const model = new VersionCompareModel(client, project, old, next);
  return mainAreaTab(new VersionCompareWidget(model), {
    id: `jupyter-deploy-compare-${encodeURIComponent(`${project}:${old}:${next}`)}`,
    label: compareTitle(old, next),
    caption: `${old} ↔ ${next} in ${project || 'the root folder'}`,
    icon: versionsIcon,
    className: 'jp-DeployVersionCompareTab'
  });
}
