import { UseSignal } from '@jupyterlab/ui-components';
import React from 'react';

import type { BuildsModel } from '../models/builds';
import type { VersionsModel } from '../models/versions';
import { ModelWidget } from './ModelWidget';
import type { IVersionActions } from './VersionDetails';
import { VersionsPanel } from './VersionsPanel';

/** Lumino wrapper of VersionsPanel; lists the versions again whenever shown. */
export class VersionsWidget extends ModelWidget<VersionsModel> {
  constructor(
    model: VersionsModel,
    private readonly _actions: IVersionActions,
    private readonly _builds: BuildsModel
  ) {
    super(model, {
      className: 'jp-DeployVersionsWidget',
      refreshOnShow: true
    });
  }

  dispose(): void {
    this._builds.dispose();
    super.dispose();
  }

  protected renderView(): JSX.Element {
    // Build progress re-renders the view without a versions change.
    return (
      <UseSignal signal={this._builds.changed}>
        {() => (
          <VersionsPanel
            model={this.model}
            actions={this._actions}
            builds={this._builds}
          />
        )}
      </UseSignal>
    );
  }
}
