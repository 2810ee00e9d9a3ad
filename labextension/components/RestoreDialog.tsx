import { Dialog, showDialog } from '@jupyterlab/apputils';
import React from 'react';

import type { RestorePlan } from '../api';
import { planCounts, summarizeRestore } from '../models/restorePlan';
import { formatBytes, shortHash, versionLabel } from '../format/text';

/** What a restore will do to each file, for the confirmation dialog. */
export function RestorePlanView({ plan }: { plan: RestorePlan }): JSX.Element {
  const summary = summarizeRestore(plan);
  const { overwrite, changes } = summary;
  const label = versionLabel(plan.version);
  return (
    <div className="jp-DeployRestore">
      {!changes ? (
        <p>
          Every file of {label} is already in place: a restore would change
          nothing.
        </p>
      ) : (
        <p>
          Restoring {label} copies its stored files into the project folder:{' '}
          {planCounts(summary)}.
          {overwrite.length === 0 && ' No existing file is overwritten.'}
        </p>
      )}
      {overwrite.length > 0 && (
        <p className="jp-DeployRestore-warning" role="note">
          <strong>
            {overwrite.length === 1
              ? '1 existing file will be overwritten'
              : `${overwrite.length} existing files will be overwritten`}
            :
          </strong>{' '}
          {overwrite.map(file => file.path).join(', ')}. Their current contents
          are saved to the DVC cache first, so they can be recovered by their
          md5.
        </p>
      )}
      <table className="jp-DeployRestore-files" aria-label="Files">
        <thead>
          <tr>
            <th scope="col">File</th>
            <th scope="col">Action</th>
            <th scope="col" className="jp-mod-numeric">
              Size
            </th>
          </tr>
        </thead>
        <tbody>
          {plan.files.map(file => (
            <tr key={file.path} data-action={file.action}>
              <td>
                <code title={`md5 ${file.md5}`}>{file.path}</code>
                {file.action === 'overwrite' && file.current_md5 && (
                  <span className="jp-DeployRestore-current">
                    now {shortHash(file.current_md5)} → {shortHash(file.md5)}
                  </span>
                )}
              </td>
              <td>
                <span className="jp-DeployRestore-action">{file.action}</span>
              </td>
              <td className="jp-mod-numeric">{formatBytes(file.size)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Ask before a restore; true only when the user accepts a plan that writes. */
export async function confirmRestore(plan: RestorePlan): Promise<boolean> {
  const { overwrite, changes } = summarizeRestore(plan);
  const label = versionLabel(plan.version);
  const result = await showDialog({
    title: `Restore ${plan.version}?`,
    body: <RestorePlanView plan={plan} />,
    buttons: changes
      ? [
          Dialog.cancelButton(),
          overwrite.length > 0
            ? Dialog.warnButton({ label: `Overwrite and restore ${label}` })
            : Dialog.okButton({ label: `Restore ${label}` })
        ]
      : [Dialog.okButton({ label: 'Close' })],
    hasClose: true
  });
  return changes && result.button.accept;
}
