import React from 'react';

/**
 * Render server text, showing `backticked` parts (commands, file names)
 * as code so that a hint reads as something to type.
 */
export function InlineText({ text }: { text: string }): JSX.Element {
  const parts = text.split('`');
  // An odd number of backticks leaves the last one unmatched: show as typed.
  if (parts.length % 2 === 0) {
    return <>{text}</>;
  }
  return (
    <>
      {parts.map((part, index) =>
        index % 2 === 1 ? <code key={index}>{part}</code> : part
      )}
    </>
  );
}
