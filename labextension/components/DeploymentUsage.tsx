import React, { useMemo } from 'react';

import type { Deployment, ServingSchema } from '../api';
import {
  curlCommand,
  pythonSnippet,
  requestExample
} from '../models/deploymentSnippets';
import { CopyButton } from './CopyButton';

/** How to call the deployment: curl and Python, ready to copy. */
export function DeploymentUsage({
  deployment,
  schema,
  copy
}: {
  deployment: Deployment;
  schema: ServingSchema | null;
  copy?: (text: string) => void;
}): JSX.Element | null {
  const { endpoint, api_key_file: keyFile, name } = deployment;
  const body = useMemo(() => requestExample(schema), [schema]);
  if (!endpoint) {
    return null;
  }
  const curl = curlCommand(endpoint, keyFile, body);
  const python = pythonSnippet(name, endpoint, keyFile, body);
  return (
    <section className="jp-DeployDeployment-section" aria-label="Call it">
      <h3 className="jp-DeployDeployment-sectionTitle">Call it</h3>
      {keyFile && (
        <p className="jp-DeployDeployment-note">
          Requests carry the API key, kept in <code>{keyFile}</code> (readable
          only by you).
        </p>
      )}
      <Snippet label="curl" text={curl} copy={copy} />
      <Snippet label="Python" text={python} copy={copy} />
    </section>
  );
}

function Snippet({
  label,
  text,
  copy
}: {
  label: string;
  text: string;
  copy?: (text: string) => void;
}): JSX.Element {
  return (
    <div className="jp-DeploySnippet" data-language={label.toLowerCase()}>
      <div className="jp-DeploySnippet-head">
        <span className="jp-DeploySnippet-label">{label}</span>
        <CopyButton
          text={text}
          label={`Copy the ${label} example`}
          copy={copy}
        />
      </div>
      <pre
        className="jp-DeploySnippet-code"
        aria-label={`${label} example`}
        tabIndex={0}
      >
        {text}
      </pre>
    </div>
  );
}
