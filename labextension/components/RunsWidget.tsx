import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import React from 'react';

import type { Run } from '../api';
import type { RunsModel } from '../models/runs';
import { RunsPanel } from './RunsPanel';

/** Lumino wrapper of RunsPanel. */
export class RunsWidget extends ReactWidget {
  constructor(
    readonly model: RunsModel,
    private readonly _onOpen: (run: Run) => void,
    private readonly _onPromote?: (
      project: string,
      runId: string
    ) => Promise<unknown>
  ) {
    super();
    this.addClass('jp-DeployRunsWidget');
  }

  dispose(): void {
    this.model.dispose();
    super.dispose();
  }

  render(): JSX.Element {
    return (
      <UseSignal signal={this.model.changed}>
        {() => (
          <RunsPanel
            model={this.model}
            onOpen={this._onOpen}
            onPromote={this._onPromote}
          />
        )}
      </UseSignal>
    );
  }
}
