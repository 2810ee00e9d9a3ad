import React from 'react';

import type { DeploymentEvent } from '../api';
import { versionLabel } from '../format/text';
import { exactTime, parseTime, relativeTime } from '../format/time';

/** What was done to the deployment, newest first. */
export function DeploymentHistory({
  events,
  now
}: {
  /** Undefined until the deployment is read with its history. */
  events: DeploymentEvent[] | undefined;
  now: number;
}): JSX.Element {
  return (
    <section className="jp-DeployDeployment-section" aria-label="History">
      <h3 className="jp-DeployDeployment-sectionTitle">History</h3>
      {events === undefined ? (
        <p className="jp-DeployDeployment-none">Reading the history…</p>
      ) : events.length === 0 ? (
        <p className="jp-DeployDeployment-none">Nothing recorded yet.</p>
      ) : (
        <table className="jp-DeployTable jp-DeployHistory">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">Action</th>
              <th scope="col">Version</th>
              <th scope="col">Outcome</th>
            </tr>
          </thead>
          <tbody>
            {events.map(event => (
              <EventRow key={event.id} event={event} now={now} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function EventRow({
  event,
  now
}: {
  event: DeploymentEvent;
  now: number;
}): JSX.Element {
  const at = parseTime(event.at);
  const detail = Object.keys(event.detail ?? {}).length > 0;
  return (
    <tr data-action={event.action} data-outcome={event.outcome}>
      <td title={exactTime(event.at)}>
        {at === null ? event.at : relativeTime(at, now)}
      </td>
      <td>{event.by}</td>
      <td>{event.action}</td>
      <td title={event.version ?? undefined}>
        {event.version ? versionLabel(event.version) : '—'}
      </td>
      <td>
        {detail ? (
          <details className="jp-DeployHistory-detail">
            <summary>
              <span
                className="jp-DeployHistory-outcome"
                data-outcome={event.outcome}
              >
                {event.outcome}
              </span>
            </summary>
            <pre>{JSON.stringify(event.detail, null, 2)}</pre>
          </details>
        ) : (
          <span
            className="jp-DeployHistory-outcome"
            data-outcome={event.outcome}
          >
            {event.outcome}
          </span>
        )}
      </td>
    </tr>
  );
}
