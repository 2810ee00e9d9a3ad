import React from 'react';

import type { VersionsModel } from '../models/versions';
import { ModelWidget } from './ModelWidget';
import type { IVersionActions } from './VersionDetails';
import { VersionsPanel } from './VersionsPanel';

/** Lumino wrapper of VersionsPanel; lists the versions again whenever shown. */
export class VersionsWidget extends ModelWidget<VersionsModel> {
  constructor(
    model: VersionsModel,
    private readonly _actions: IVersionActions
  ) {
    super(model, {
      className: 'jp-DeployVersionsWidget',
      refreshOnShow: true
    });
  }

  protected renderView(): JSX.Element {
    return <VersionsPanel model={this.model} actions={this._actions} />;
  }
}
