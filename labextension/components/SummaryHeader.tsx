import React from 'react';

import type { DoctorReport } from '../api';
import { plural } from '../models/plural';
import { StatusIcon } from './StatusIcon';

/** One line saying whether the user can deploy, from the checks' statuses. */
export function summaryText(report: DoctorReport): string {
  const errors = report.checks.filter(c => c.status === 'error').length;
  const warnings = report.checks.filter(c => c.status === 'warning').length;
  if (report.status === 'error' || errors > 0) {
    const fix = `${plural(Math.max(errors, 1), 'problem')} to fix`;
    return warnings > 0 ? `${fix}, ${plural(warnings, 'warning')}` : fix;
  }
  if (report.status === 'warning' || warnings > 0) {
    return `Ready, with ${plural(Math.max(warnings, 1), 'warning')}`;
  }
  return 'Ready to deploy';
}

/** Overall status, chosen target and project of a doctor report. */
export function SummaryHeader({
  report
}: {
  report: DoctorReport;
}): JSX.Element {
  const { project, target } = report;
  return (
    <section
      className="jp-DeploySummary"
      aria-label="Summary"
      data-status={report.status}
    >
      <h3 className="jp-DeploySummary-status">
        <StatusIcon status={report.status} />
        <span>{summaryText(report)}</span>
      </h3>
      <p className="jp-DeploySummary-target">
        Deployments will use the <strong>{target.name}</strong> target —{' '}
        {target.reason}
      </p>
      {project.config_file !== null && (
        <p className="jp-DeploySummary-project">
          Project <code>{project.config_file}</code>
          {!project.valid && project.error && (
            <span className="jp-DeploySummary-projectError">
              {' '}
              is not valid: {project.error}
            </span>
          )}
        </p>
      )}
    </section>
  );
}
