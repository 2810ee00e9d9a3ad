import React from 'react';

export interface ISegmentedOption<T extends string> {
  value: T;
  label: string;
  /** Tooltip explaining the choice. */
  title?: string;
}

export interface ISegmentedProps<T extends string> {
  /** Accessible name of the group. */
  label: string;
  value: T;
  options: ISegmentedOption<T>[];
  onChange: (value: T) => void;
}

/**
 * A choice of a few exclusive options shown side by side: a radio group
 * (arrow keys move the choice, as with native radio buttons).
 */
export function Segmented<T extends string>({
  label,
  value,
  options,
  onChange
}: ISegmentedProps<T>): JSX.Element {
  const onKeyDown = (event: React.KeyboardEvent<HTMLButtonElement>) => {
    const step =
      event.key === 'ArrowRight' || event.key === 'ArrowDown'
        ? 1
        : event.key === 'ArrowLeft' || event.key === 'ArrowUp'
          ? -1
          : 0;
    if (step === 0) {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    const index = options.findIndex(option => option.value === value);
    const next = options[(index + step + options.length) % options.length];
    onChange(next.value);
    const group = event.currentTarget.parentElement;
    group
      ?.querySelector<HTMLButtonElement>(`[data-value="${next.value}"]`)
      ?.focus();
  };
  return (
    <div className="jp-DeploySegmented" role="radiogroup" aria-label={label}>
      {options.map(option => {
        const checked = option.value === value;
        return (
          <button
            key={option.value}
            type="button"
            role="radio"
            aria-checked={checked}
            tabIndex={checked ? 0 : -1}
            data-value={option.value}
            className={`jp-DeploySegmented-option${checked ? ' jp-mod-active' : ''}`}
            title={option.title}
            onClick={() => onChange(option.value)}
            onKeyDown={onKeyDown}
          >
            {option.label}
          </button>
        );
      })}
    </div>
  );
}
