import React from 'react';

import type { DoctorReport } from '../api';
import type { IDoctorState } from '../models/doctor';
import { CheckRow } from './CheckRow';
import { EmptyProject } from './EmptyProject';
import { ErrorState } from './ErrorState';
import { Loading } from './Loading';
import { RefreshButton } from './RefreshButton';
import { SummaryHeader } from './SummaryHeader';

export interface IDoctorPanelProps {
  state: IDoctorState;
  onRefresh: () => void;
}

/** The Deploy sidebar's environment report. */
export function DoctorPanel({
  state,
  onRefresh
}: IDoctorPanelProps): JSX.Element {
  const { report, error, loading, versionWarning } = state;
  return (
    <div className="jp-DeployPanel" aria-busy={loading}>
      <div className="jp-DeployPanel-toolbar">
        <span className="jp-DeployPanel-section">Environment</span>
        <RefreshButton
          loading={loading}
          title="Check again"
          onClick={onRefresh}
        />
      </div>
      {versionWarning && (
        <div className="jp-DeployBanner" role="status">
          {versionWarning}
        </div>
      )}
      {error ? (
        <ErrorState error={error} onRetry={onRefresh} />
      ) : report ? (
        <ReportView report={report} folder={state.path} />
      ) : (
        <Loading>Checking your environment…</Loading>
      )}
    </div>
  );
}

function ReportView({
  report,
  folder
}: {
  report: DoctorReport;
  folder: string;
}): JSX.Element {
  const checkedAt = new Date(report.generated_at);
  const time = isNaN(checkedAt.getTime())
    ? report.generated_at
    : checkedAt.toLocaleTimeString();
  return (
    <>
      <SummaryHeader report={report} />
      {report.project.path === null && <EmptyProject folder={folder} />}
      <ul className="jp-DeployChecks" aria-label="Checks">
        {report.checks.map(check => (
          <CheckRow key={check.id} check={check} />
        ))}
      </ul>
      <p className="jp-DeployPanel-footer">
        {report.product.name} {report.product.version} · checked at {time} in{' '}
        {report.duration_ms} ms
      </p>
    </>
  );
}
