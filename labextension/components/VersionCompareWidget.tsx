import React from 'react';

import type { VersionCompareModel } from '../models/versionCompare';
import { ModelWidget } from './ModelWidget';
import { VersionCompareView } from './VersionCompareView';

/** Lumino wrapper of VersionCompareView, for a main-area tab. */
export class VersionCompareWidget extends ModelWidget<VersionCompareModel> {
  constructor(model: VersionCompareModel) {
    super(model, { className: 'jp-DeployVersionCompareWidget' });
  }

  protected renderView(): JSX.Element {
    return (
      <VersionCompareView
        state={this.model.state}
        onRefresh={() => void this.model.refresh()}
      />
    );
  }
}
