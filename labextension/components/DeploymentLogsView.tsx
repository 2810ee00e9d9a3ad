import React, { useLayoutEffect, useRef } from 'react';

import type { DeploymentModel, IDeploymentLogs } from '../models/deployment';
import { LOG_TAIL } from '../models/deployment';
import { plural } from '../format/text';
import { RefreshButton } from './RefreshButton';

/** The replicas' last lines, read on demand; starts at the newest. */
export function DeploymentLogsView({
  model,
  logs
}: {
  model: DeploymentModel;
  logs: IDeploymentLogs;
}): JSX.Element {
  const view = useRef<HTMLPreElement>(null);
  const text = logs.lines.join('\n');
  useLayoutEffect(() => {
    if (view.current) {
      view.current.scrollTop = view.current.scrollHeight;
    }
  }, [text]);
  return (
    <section className="jp-DeployDeployment-section" aria-label="Logs">
      <h3 className="jp-DeployDeployment-sectionTitle">
        Logs{' '}
        <span className="jp-DeployDeployment-count">
          last {plural(logs.lines.length, 'line')} (at most {LOG_TAIL})
        </span>
        <RefreshButton
          loading={logs.loading}
          title="Read the last lines again"
          onClick={() => void model.readLogs()}
        />
      </h3>
      {logs.error && (
        <p className="jp-DeployDeployment-note" role="alert">
          Cannot read the logs: {logs.error.message}
        </p>
      )}
      {logs.lines.length === 0 && !logs.loading ? (
        <p className="jp-DeployDeployment-none">No log lines.</p>
      ) : (
        <pre
          ref={view}
          className="jp-DeployBuildLog-lines jp-DeployDeployment-logs"
          role="log"
          aria-label="Deployment log"
          tabIndex={0}
        >
          {text}
        </pre>
      )}
    </section>
  );
}
