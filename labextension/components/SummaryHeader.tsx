import React from 'react';

import type { DoctorReport, IdentitySource } from '../api';
import { plural } from '../format/text';
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

const SOURCE_TEXT: Record<IdentitySource, string> = {
  jupyter: 'from your Jupyter sign-in',
  git_env: 'from GIT_AUTHOR_NAME/GIT_AUTHOR_EMAIL',
  git_config: 'from git config',
  os_user:
    'from the OS user: set git config user.name and user.email to change it',
  given: 'given'
};

/** Overall status, chosen target, recorded identity and project of a report. */
export function SummaryHeader({
  report
}: {
  report: DoctorReport;
}): JSX.Element {
  const { project, target, identity } = report;
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
      {identity && (
        <p
          className="jp-DeploySummary-identity"
          title="Runs, versions, git commits and deployments made here are signed with this name"
        >
          Recorded as: <strong>{identity.name}</strong> &lt;{identity.email}&gt;
          ({SOURCE_TEXT[identity.source]})
        </p>
      )}
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
