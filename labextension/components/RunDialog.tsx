import { Dialog } from '@jupyterlab/apputils';
import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import { Panel } from '@lumino/widgets';
import React from 'react';

import type { DeployClient } from '../api';
import { RunLauncherModel, type ILaunched } from '../models/runLauncher';
import { plural } from '../format/text';
import { RunForm } from './RunForm';

/** Index of the Start button among the dialog's buttons. */
const START = 1;

/**
 * The dialog's body. The form sits in a child widget so that the Dialog's
 * one-time restyling of the body's first render (which rewraps selects and
 * restyles inputs behind React's back) finds nothing to change.
 */
class RunDialogBody
  extends Panel
  implements Dialog.IBodyWidget<ILaunched | null>
{
  constructor(
    readonly model: RunLauncherModel,
    dirty: boolean
  ) {
    super();
    this.addClass('jp-DeployRunDialog-body');
    this.addWidget(
      ReactWidget.create(
        <UseSignal signal={model.changed}>
          {() => <RunForm model={model} dirty={dirty} />}
        </UseSignal>
      )
    );
  }

  /** What the Start button started (read once the dialog is accepted). */
  launched: ILaunched | null = null;

  getValue(): ILaunched | null {
    return this.launched;
  }
}

/**
 * A Dialog whose Start button stays disabled while the form is invalid and
 * which closes only once the server accepted the run: a refusal is shown in
 * the dialog, next to the values the user can correct.
 */
class RunDialog extends Dialog<ILaunched | null> {
  constructor(
    private readonly _runBody: RunDialogBody,
    title: string
  ) {
    super({
      title,
      body: _runBody,
      buttons: [Dialog.cancelButton(), Dialog.okButton({ label: 'Start run' })],
      defaultButton: START,
      hasClose: true
    });
    this.addClass('jp-DeployRunDialog');
    _runBody.model.changed.connect(this._syncStart, this);
    this._syncStart();
  }

  resolve(index?: number): void {
    if ((index ?? START) !== START) {
      super.resolve(index);
      return;
    }
    const model = this._runBody.model;
    if (!model.canSubmit) {
      return;
    }
    void model.submit().then(launched => {
      if (launched && !this.isDisposed) {
        this._runBody.launched = launched;
        super.resolve(START);
      }
    });
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._runBody.model.dispose();
    super.dispose();
  }

  /** Enable Start only for a valid form and name what it will start. */
  private _syncStart(): void {
    const button = this.node.querySelector<HTMLButtonElement>(
      '.jp-Dialog-footer .jp-mod-accept'
    );
    const text = button?.querySelector<HTMLElement>('.jp-Dialog-buttonLabel');
    if (!button || !text) {
      return;
    }
    const model = this._runBody.model;
    const { check, form, submitting } = model.state;
    let label = 'Start run';
    if (submitting) {
      label = 'Starting…';
    } else if (form?.mode === 'sweep') {
      const count = check?.count ?? 0;
      label = count > 0 ? `Start ${plural(count, 'run')}` : 'Start';
    }
    button.disabled = !model.canSubmit;
    text.textContent = label;
    text.ariaLabel = label;
    text.title = button.disabled ? 'Correct the values marked in red' : label;
  }
}

export interface IRunDialogOptions {
  client: DeployClient;
  /** Notebook path relative to the Jupyter root. */
  notebook: string;
  /** The open notebook has unsaved changes. */
  dirty?: boolean;
}

/**
 * Ask for parameter values and start a run or a sweep of the notebook.
 * Resolves with what started, or null when the user cancelled.
 */
export async function showRunDialog(
  options: IRunDialogOptions
): Promise<ILaunched | null> {
  const model = new RunLauncherModel(options.client, options.notebook);
  const body = new RunDialogBody(model, options.dirty ?? false);
  const name = options.notebook.split('/').pop() ?? options.notebook;
  const dialog = new RunDialog(body, `Run ${name}`);
  void model.load();
  let launched: ILaunched | null = null;
  try {
    const result = await dialog.launch();
    launched = result.button.accept ? result.value : null;
  } catch {
    // Disposed from elsewhere (for example, the page is closing).
  }
  dialog.dispose();
  return launched;
}
