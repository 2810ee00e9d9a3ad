import React from 'react';

const EXAMPLE_CONFIG = `model: my-model
notebook: train.ipynb
artifacts:
  - model/model.joblib
metrics: metrics.json`;

/** Shown when no jupyter-deploy.yaml is found at or above the folder. */
export function EmptyProject({ folder }: { folder: string }): JSX.Element {
  return (
    <section className="jp-DeployEmpty" aria-label="No project">
      <h3 className="jp-DeployEmpty-title">No deploy project here</h3>
      <p>
        No <code>jupyter-deploy.yaml</code> was found in{' '}
        {folder ? <code>{folder}</code> : 'the root folder'} or in any folder
        above it.
      </p>
      <p>
        To start, open the folder that holds your training notebook in the file
        browser and add a <code>jupyter-deploy.yaml</code> next to it that names
        the model, the notebook, the files it writes and its metrics file:
      </p>
      <pre className="jp-DeployEmpty-example">{EXAMPLE_CONFIG}</pre>
      <p>The environment checks below still apply.</p>
    </section>
  );
}
