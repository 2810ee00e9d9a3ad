import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import React from 'react';

import type { VersionCompareModel } from '../models/versionCompare';
import { VersionCompareView } from './VersionCompareView';

/** Lumino wrapper of VersionCompareView, for a main-area tab. */
export class VersionCompareWidget extends ReactWidget {
  constructor(readonly model: VersionCompareModel) {
    super();
    this.addClass('jp-DeployVersionCompareWidget');
  }

  dispose(): void {
    this.model.dispose();
    super.dispose();
  }

  render(): JSX.Element {
    return (
      <UseSignal signal={this.model.changed}>
        {() => (
          <VersionCompareView
            state={this.model.state}
            onRefresh={() => void this.model.refresh()}
          />
        )}
      </UseSignal>
    );
  }
}
