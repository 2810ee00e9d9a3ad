import { Dialog } from '@jupyterlab/apputils';
import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import type { ISignal } from '@lumino/signaling';
import { Panel } from '@lumino/widgets';
import React from 'react';

import type { DeployClient, IRunEvent } from '../api';
import { DeployLauncherModel, type IDeployed } from '../models/deployLauncher';
import { DeployForm } from './DeployForm';

/** Index of the Deploy button among the dialog's buttons. */
const DEPLOY = 1;

/**
 * The dialog's body. The form sits in a child widget so that the Dialog's
 * one-time restyling of the body's first render finds nothing to change
 * (see RunDialog).
 */
class DeployDialogBody
  extends Panel
  implements Dialog.IBodyWidget<IDeployed | null>
{
  constructor(
    readonly model: DeployLauncherModel,
    dirty: boolean
  ) {
    super();
    this.addClass('jp-DeployDeployDialog-body');
    this.addWidget(
      ReactWidget.create(
        <UseSignal signal={model.changed}>
          {() => <DeployForm model={model} dirty={dirty} />}
        </UseSignal>
      )
    );
  }

  /** What Deploy started (read once the dialog is accepted). */
  deployed: IDeployed | null = null;

  getValue(): IDeployed | null {
    return this.deployed;
  }
}

/**
 * A Dialog whose Deploy button stays disabled while the form is invalid and
 * which closes only once the server accepted the deployment: a refusal (or
 * a failed run) is shown in the dialog.
 */
class DeployDialog extends Dialog<IDeployed | null> {
  constructor(
    private readonly _deployBody: DeployDialogBody,
    title: string
  ) {
    super({
      title,
      body: _deployBody,
      buttons: [Dialog.cancelButton(), Dialog.okButton({ label: 'Deploy' })],
      defaultButton: DEPLOY,
      hasClose: true
    });
    this.addClass('jp-DeployDeployDialog');
    _deployBody.model.changed.connect(this._syncDeploy, this);
    this._syncDeploy();
  }

  resolve(index?: number): void {
    if ((index ?? DEPLOY) !== DEPLOY) {
      super.resolve(index);
      return;
    }
    const model = this._deployBody.model;
    if (!model.canSubmit) {
      return;
    }
    void model.submit().then(deployed => {
      if (deployed && !this.isDisposed) {
        this._deployBody.deployed = deployed;
        super.resolve(DEPLOY);
      }
    });
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._deployBody.model.dispose();
    super.dispose();
  }

  /** Enable Deploy only for a valid form, and say what it will do. */
  private _syncDeploy(): void {
    const button = this.node.querySelector<HTMLButtonElement>(
      '.jp-Dialog-footer .jp-mod-accept'
    );
    const text = button?.querySelector<HTMLElement>('.jp-Dialog-buttonLabel');
    if (!button || !text) {
      return;
    }
    const model = this._deployBody.model;
    const { submitting, stage } = model.state;
    let label = model.existing ? 'Update' : 'Deploy';
    if (model.isFlow) {
      label = 'Run, save as a version and deploy';
    }
    if (submitting) {
      label =
        stage === 'run'
          ? 'Running…'
          : stage === 'promote'
            ? 'Saving the version…'
            : 'Deploying…';
    }
    button.disabled = !model.canSubmit;
    text.textContent = label;
    text.ariaLabel = label;
    text.title = label;
  }
}

export interface IDeployDialogOptions {
  client: DeployClient;
  /** Notebook path relative to the Jupyter root. */
  notebook: string;
  /** The open notebook has unsaved changes. */
  dirty?: boolean;
  /** Run events (for the run of "Run, save and deploy"). */
  runEvents?: ISignal<unknown, IRunEvent>;
  /** While a run is followed and no event came for this long (ms), ask the route. */
  quietMs?: number;
}

/**
 * Choose a version, target, replicas and name, and deploy. Resolves with
 * what the server accepted, or null when the user closed the dialog.
 */
export async function showDeployDialog(
  options: IDeployDialogOptions
): Promise<IDeployed | null> {
  const model = new DeployLauncherModel({
    client: options.client,
    notebook: options.notebook,
    quietMs: options.quietMs
  });
  const onRunEvent = (_: unknown, event: IRunEvent) =>
    model.applyRunEvent(event);
  options.runEvents?.connect(onRunEvent);
  const body = new DeployDialogBody(model, options.dirty ?? false);
  const name = options.notebook.split('/').pop() ?? options.notebook;
  const dialog = new DeployDialog(body, `Deploy ${name}`);
  void model.load();
  let deployed: IDeployed | null = null;
  try {
    const result = await dialog.launch();
    deployed = result.button.accept ? result.value : null;
  } catch {
    // Disposed from elsewhere (for example, the page is closing).
  }
  options.runEvents?.disconnect(onRunEvent);
  dialog.dispose();
  return deployed;
}
