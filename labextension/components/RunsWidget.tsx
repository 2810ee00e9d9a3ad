import React from 'react';

import type { Run } from '../api';
import type { RunsModel } from '../models/runs';
import { ModelWidget } from './ModelWidget';
import { RunsPanel } from './RunsPanel';

/** Lumino wrapper of RunsPanel. */
export class RunsWidget extends ModelWidget<RunsModel> {
  constructor(
    model: RunsModel,
    private readonly _onOpen: (run: Run) => void,
    private readonly _onPromote?: (
      project: string,
      runId: string
    ) => Promise<unknown>
  ) {
    super(model, { className: 'jp-DeployRunsWidget' });
  }

  protected renderView(): JSX.Element {
    return (
      <RunsPanel
        model={this.model}
        onOpen={this._onOpen}
        onPromote={this._onPromote}
      />
    );
  }
}
