import React from 'react';

import type { DoctorModel } from '../models/doctor';
import { DoctorPanel } from './DoctorPanel';
import { ModelWidget } from './ModelWidget';

/** Lumino wrapper of DoctorPanel; refreshes the report whenever it is shown. */
export class DoctorWidget extends ModelWidget<DoctorModel> {
  constructor(model: DoctorModel) {
    super(model, { className: 'jp-DeployDoctor', refreshOnShow: true });
  }

  protected renderView(): JSX.Element {
    return (
      <DoctorPanel
        state={this.model.state}
        onRefresh={() => void this.model.refresh()}
      />
    );
  }
}
