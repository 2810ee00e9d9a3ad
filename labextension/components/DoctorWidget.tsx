import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import type { Message } from '@lumino/messaging';
import React from 'react';

import type { DoctorModel } from '../models/doctor';
import { DoctorPanel } from './DoctorPanel';

/** Lumino wrapper of DoctorPanel; refreshes the report whenever it is shown. */
export class DoctorWidget extends ReactWidget {
  constructor(readonly model: DoctorModel) {
    super();
    this.addClass('jp-DeployDoctor');
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
        {() => (
          <DoctorPanel
            state={this.model.state}
            onRefresh={() => void this.model.refresh()}
          />
        )}
      </UseSignal>
    );
  }
}
