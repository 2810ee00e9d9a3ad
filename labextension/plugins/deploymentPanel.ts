import {
  ILayoutRestorer,
  type JupyterFrontEnd,
  type JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { WidgetTracker, type MainAreaWidget } from '@jupyterlab/apputils';

import type { DeployStarted } from '../api';
import type { DeploymentWidget } from '../components/DeploymentWidget';
import { deployIcon } from '../icons';
import { IDeployCore, IDeploymentPanels } from '../tokens';
import { ArgDocs, CommandIDs, stringArgs } from './commands';
import { addCommand, listenWhile, mainAreaTab, showTab } from './shell';

type DeploymentTab = MainAreaWidget<DeploymentWidget>;

/** The main-area panel of one deployment: status, operation, traffic, history. */
export const deploymentPanelPlugin: JupyterFrontEndPlugin<IDeploymentPanels> = {
  id: 'jupyter-deploy:deployment-panel',
  description:
    'Adds the deployment panel: a deployment’s status, live operation, traffic charts, replicas, usage and history.',
  autoStart: true,
  provides: IDeploymentPanels,
  requires: [IDeployCore],
  optional: [ILayoutRestorer],
  activate: (
    app: JupyterFrontEnd,
    core: IDeployCore,
    restorer: ILayoutRestorer | null
  ): IDeploymentPanels => {
    const tracker = new WidgetTracker<DeploymentTab>({
      namespace: 'jupyter-deploy-deployment'
    });
    const opening = new Map<string, Promise<DeploymentTab>>();

    const open = async (
      project: string,
      name: string,
      started?: DeployStarted
    ): Promise<void> => {
      const key = tabKey(project, name);
      let tab = tracker.find(
        tab =>
          tab.content.model.state.project === project &&
          tab.content.model.state.name === name
      );
      if (!tab) {
        let pending = opening.get(key);
        if (!pending) {
          pending = createTab(core, project, name);
          opening.set(key, pending);
        }
        try {
          tab = await pending;
        } finally {
          opening.delete(key);
        }
      }
      const model = tab.content.model;
      if (started) {
        model.started(started);
      }
      showTab(app, tracker, tab);
      void model.refresh();
    };

    addCommand(app, CommandIDs.openDeployment, {
      label: args =>
        typeof args.name === 'string'
          ? `Open Deployment ${args.name}`
          : 'Open Deployment',
      caption: 'Show a deployment: status, traffic, replicas and history',
      icon: deployIcon,
      describedBy: stringArgs(
        { project: ArgDocs.project, name: 'Name of the deployment' },
        ['project', 'name']
      ),
      execute: async args => {
        const { project, name } = args;
        if (typeof project !== 'string' || typeof name !== 'string') {
          return;
        }
        await open(project, name);
      }
    });

    if (restorer) {
      void restorer.restore(tracker, {
        command: CommandIDs.openDeployment,
        args: tab => {
          const { project, name } = tab.content.model.state;
          return { project, name };
        },
        name: tab => {
          const { project, name } = tab.content.model.state;
          return tabKey(project, name);
        }
      });
    }
    return { open };
  }
};

function tabKey(project: string, name: string): string {
  return `${project}:${name}`;
}

async function createTab(
  core: IDeployCore,
  project: string,
  name: string
): Promise<DeploymentTab> {
  const [{ DeploymentWidget }, { DeploymentModel }] = await Promise.all([
    import('../components/DeploymentWidget'),
    import('../models/deployment')
  ]);
  const model = new DeploymentModel({ client: core.client, project, name });
  const tab = mainAreaTab(new DeploymentWidget(model), {
    id: `jupyter-deploy-deployment-${encodeURIComponent(tabKey(project, name))}`,
    label: name,
    caption: `Deployment ${name} of ${project || 'the root folder'}`,
    icon: deployIcon,
    className: 'jp-DeployDeploymentTab'
  });
  // Operations' progress is pushed by the server; the tab listens while it exists.
  listenWhile(core.deploymentEvents, event => model.applyEvent(event), tab);
  return tab;
}
