import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import type { Message } from '@lumino/messaging';
import React from 'react';

import type { VersionsModel } from '../models/versions';
import type { IVersionActions } from './VersionDetails';
import { VersionsPanel } from './VersionsPanel';

/** Lumino wrapper of VersionsPanel; lists the versions again whenever shown. */
export class VersionsWidget extends ReactWidget {
  constructor(
    readonly model: VersionsModel,
    private readonly _actions: IVersionActions
  ) {
    super();
    this.addClass('jp-DeployVersionsWidget');
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    void this.model.refresh();
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    if (this.isVisible) {
      void this.model.refresh();
    }
  }

  dispose(): void {
    this.model.dispose();
    super.dispose();
  }

  render(): JSX.Element {
    return (
      <UseSignal signal={this.model.changed}>
        {() => <VersionsPanel model={this.model} actions={this._actions} />}
      </UseSignal>
    );
  }
}
