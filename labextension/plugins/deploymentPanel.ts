import {
  ILayoutRestorer,
  type JupyterFrontEnd,
  type JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { MainAreaWidget, WidgetTracker } from '@jupyterlab/apputils';
import type { Event } from '@jupyterlab/services';
import { Token } from '@lumino/coreutils';

import type { DeployStarted } from '../api';
import type { DeploymentWidget } from '../components/DeploymentWidget';
import { deployIcon } from '../icons';
import { ArgDocs, CommandIDs, stringArgs } from './commands';

type DeploymentTab = MainAreaWidget<DeploymentWidget>;

/** Opens deployment panels, one per deployment. */
export interface IDeploymentPanels {
  /**
   * Show the panel of a deployment (reused when open). `started`: what a
   * deploy request just answered, with its one-time API key if any.
   */
  open(project: string, name: string, started?: DeployStarted): Promise<void>;
}

export const IDeploymentPanels = new Token<IDeploymentPanels>(
  'jupyter-deploy:IDeploymentPanels',
  'Opens the panel of a deployment.'
);

/** The main-area panel of one deployment: status, operation, traffic, history. */
export const deploymentPanelPlugin: JupyterFrontEndPlugin<IDeploymentPanels> = {
  id: 'jupyter-deploy:deployment-panel',
  description:
    'Adds the deployment panel: a deployment’s status, live operation, traffic charts, replicas, usage and history.',
  autoStart: true,
  provides: IDeploymentPanels,
  optional: [ILayoutRestorer],
  activate: (
    app: JupyterFrontEnd,
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
      const found = tracker.find(
        tab =>
          tab.content.model.state.project === project &&
          tab.content.model.state.name === name
      );
      let tab = found;
      if (!tab) {
        let pending = opening.get(key);
        if (!pending) {
          pending = createTab(app, project, name);
          opening.set(key, pending);
        }
        try {
          tab = await pending;
        } finally {
          opening.delete(key);
        }
        if (!tracker.has(tab)) {
          void tracker.add(tab);
        }
      }
      const model = tab.content.model;
      if (started) {
        model.started(started);
      }
      if (!tab.isAttached) {
        app.shell.add(tab, 'main');
      }
      app.shell.activateById(tab.id);
      void model.refresh();
    };

    app.commands.addCommand(CommandIDs.openDeployment, {
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
  app: JupyterFrontEnd,
  project: string,
  name: string
): Promise<DeploymentTab> {
  const [
    { DeployClient, parseDeploymentEvent },
    { DeploymentWidget },
    { DeploymentModel }
  ] = await Promise.all([
    import('../api'),
    import('../components/DeploymentWidget'),
    import('../models/deployment')
  ]);
  const model = new DeploymentModel({
    client: new DeployClient(),
    project,
    name
  });
  const tab = new MainAreaWidget({ content: new DeploymentWidget(model) });
  tab.id = `jupyter-deploy-deployment-${encodeURIComponent(tabKey(project, name))}`;
  tab.title.label = name;
  tab.title.caption = `Deployment ${name} of ${project || 'the root folder'}`;
  tab.title.icon = deployIcon;
  tab.title.closable = true;
  tab.addClass('jp-DeployDeploymentTab');
  tab.toolbar.hide();

  // Operations' progress is pushed by the server; the tab listens while it exists.
  const stream = app.serviceManager.events.stream;
  const onEvent = (_: Event.IManager, emission: Event.Emission) => {
    const event = parseDeploymentEvent(emission);
    if (event) {
      model.applyEvent(event);
    }
  };
  stream.connect(onEvent);
  tab.disposed.connect(() => stream.disconnect(onEvent));
  return tab;
}
