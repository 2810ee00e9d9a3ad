import { Dialog, showDialog } from '@jupyterlab/apputils';
import type { Message } from '@lumino/messaging';
import React from 'react';

import type { DeploymentModel } from '../models/deployment';
import { DeploymentPanel } from './DeploymentPanel';
import { ModelWidget } from './ModelWidget';

/** Ask before stopping a deployment: its clients get no answer until it starts again. */
export async function confirmStop(name: string): Promise<boolean> {
  const result = await showDialog({
    title: `Stop ${name}?`,
    body:
      'The gateway and the replicas stop once the requests in flight are answered; ' +
      'clients get no answer until the deployment is started again. Its endpoint, key ' +
      'and history are kept.',
    buttons: [Dialog.cancelButton(), Dialog.warnButton({ label: 'Stop' })]
  });
  return result.button.accept;
}

/**
 * Lumino wrapper of DeploymentPanel. Metrics are polled only while the
 * panel is visible (its tab shown and the page in front).
 */
export class DeploymentWidget extends ModelWidget<DeploymentModel> {
  constructor(model: DeploymentModel) {
    super(model, { className: 'jp-DeploymentWidget' });
    document.addEventListener('visibilitychange', this._syncPolling);
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    document.removeEventListener('visibilitychange', this._syncPolling);
    this.model.stopMetrics();
    super.dispose();
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this._syncPolling();
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    this._syncPolling();
  }

  protected onAfterHide(msg: Message): void {
    super.onAfterHide(msg);
    this._syncPolling();
  }

  protected onBeforeDetach(msg: Message): void {
    this.model.stopMetrics();
    super.onBeforeDetach(msg);
  }

  protected renderView(): JSX.Element {
    return <DeploymentPanel model={this.model} confirmStop={confirmStop} />;
  }

  private _syncPolling = (): void => {
    if (this.isDisposed) {
      return;
    }
    if (this.isVisible && document.visibilityState !== 'hidden') {
      this.model.startMetrics();
    } else {
      this.model.stopMetrics();
    }
  };
}
