import React, { useLayoutEffect, useRef } from 'react';

import { logText, type IBuildLog } from '../models/buildLog';
import { plural } from '../format/text';

/** Closer to the bottom than this (px) counts as reading the newest lines. */
const BOTTOM_SLACK = 8;

export interface IBuildLogViewProps {
  log: IBuildLog;
  /** Open at first (a running or failed build); people may toggle it. */
  open: boolean;
}

/**
 * A build's log. It follows new lines while scrolled to the bottom and
 * stays put while someone reads further up.
 */
export function BuildLogView({ log, open }: IBuildLogViewProps): JSX.Element {
  const view = useRef<HTMLPreElement>(null);
  const atBottom = useRef(true);
  const text = logText(log);
  useLayoutEffect(() => {
    const node = view.current;
    if (node && atBottom.current) {
      node.scrollTop = node.scrollHeight;
    }
  }, [text, open]);
  const count = log.dropped + log.lines.length;
  return (
    <details className="jp-DeployBuildLog" open={open}>
      <summary className="jp-DeployBuildLog-summary">
        Log{' '}
        <span className="jp-DeployBuildLog-count">{plural(count, 'line')}</span>
      </summary>
      {log.lines.length === 0 ? (
        <p className="jp-DeployVersionDetails-none">No log lines yet.</p>
      ) : (
        <pre
          ref={view}
          className="jp-DeployBuildLog-lines"
          role="log"
          aria-label="Build log"
          tabIndex={0}
          onScroll={event => {
            const node = event.currentTarget;
            atBottom.current =
              node.scrollHeight - node.scrollTop - node.clientHeight <=
              BOTTOM_SLACK;
          }}
        >
          {text}
        </pre>
      )}
    </details>
  );
}
