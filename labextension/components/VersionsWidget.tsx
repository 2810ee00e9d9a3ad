import { UseSignal } from '@jupyterlab/ui-components';
import React from 'react';

import type { BuildsModel } from '../models/builds';
import type { DeploymentsModel } from '../models/deployments';
import type { VersionsModel } from '../models/versions';
import { ModelWidget } from './ModelWidget';
import type { IVersionActions } from './VersionDetails';
import { VersionsPanel } from './VersionsPanel';

/** Lumino wrapper of VersionsPanel; lists the versions again whenever shown. */
export class VersionsWidget extends ModelWidget<VersionsModel> {
  constructor(
    model: VersionsModel,
    private readonly _actions: IVersionActions,
    private readonly _builds: BuildsModel,
    private readonly _deployments?: DeploymentsModel
  ) {
    super(model, {
      className: 'jp-DeployVersionsWidget',
      refreshOnShow: true
    });
  }

  dispose(): void {
    this._builds.dispose();
    this._deployments?.dispose();
    super.dispose();
  }

  protected renderView(): JSX.Element {
    // Build progress and deployment copies re-render the view without a
    // versions change.
    const panel = () => (
      <VersionsPanel
        model={this.model}
        actions={this._actions}
        builds={this._builds}
        deployments={this._deployments}
      />
    );
    return (
      <UseSignal signal={this._builds.changed}>
        {() =>
          this._deployments ? (
            <UseSignal signal={this._deployments.changed}>{panel}</UseSignal>
          ) : (
            panel()
          )
        }
      </UseSignal>
    );
  }
}
