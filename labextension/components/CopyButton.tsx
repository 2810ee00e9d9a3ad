import { Clipboard } from '@jupyterlab/apputils';
import { copyIcon } from '@jupyterlab/ui-components';
import React, { useEffect, useState } from 'react';

export interface ICopyButtonProps {
  text: string;
  /** What is copied, for the tooltip and screen readers: "Copy the endpoint". */
  label: string;
  /** Replaces the system clipboard (tests). */
  copy?: (text: string) => void;
}

/** An icon button that copies `text`, then says so for a moment. */
export function CopyButton({
  text,
  label,
  copy = Clipboard.copyToSystem
}: ICopyButtonProps): JSX.Element {
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) {
      return;
    }
    const timer = setTimeout(() => setCopied(false), 1500);
    return () => clearTimeout(timer);
  }, [copied]);
  return (
    <button
      type="button"
      className="jp-DeployIconButton jp-DeployCopyButton"
      aria-label={label}
      title={copied ? 'Copied' : label}
      onClick={() => {
        copy(text);
        setCopied(true);
      }}
    >
      <copyIcon.react tag="span" />
      {copied && (
        <span className="jp-DeployCopyButton-done" role="status">
          Copied
        </span>
      )}
    </button>
  );
}
