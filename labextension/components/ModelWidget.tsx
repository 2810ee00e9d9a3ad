import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import type { IDisposable } from '@lumino/disposable';
import type { Message } from '@lumino/messaging';
import type { ISignal } from '@lumino/signaling';
import React from 'react';

/** A view model the widget renders from and owns. */
export interface IWidgetModel extends IDisposable {
  readonly changed: ISignal<unknown, void>;
  refresh(): Promise<void>;
}

export interface IModelWidgetOptions {
  /** CSS class of the widget's node. */
  className: string;
  /**
   * Refresh whenever the widget becomes visible, so a sidebar opened after
   * a while does not show a stale answer.
   */
  refreshOnShow?: boolean;
}

/** Lumino wrapper of a React view: re-renders on `model.changed`, owns the model. */
export abstract class ModelWidget<M extends IWidgetModel> extends ReactWidget {
  constructor(
    readonly model: M,
    options: IModelWidgetOptions
  ) {
    super();
    this.addClass('jp-DeployWidget');
    this.addClass(options.className);
    this._refreshOnShow = options.refreshOnShow ?? false;
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    if (this._refreshOnShow) {
      void this.model.refresh();
    }
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    if (this._refreshOnShow && this.isVisible) {
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
        {() => this.renderView()}
      </UseSignal>
    );
  }

  /** The view of the model's current state. */
  protected abstract renderView(): JSX.Element;

  private readonly _refreshOnShow: boolean;
}
