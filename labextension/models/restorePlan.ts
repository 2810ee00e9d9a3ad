import type { RestorePlan } from '../api';
import { plural, shortHash } from '../format/text';

export type PlannedFile = RestorePlan['files'][number];

/** A restore plan sorted by what happens to each file. */
export interface IRestoreSummary {
  overwrite: PlannedFile[];
  create: PlannedFile[];
  unchanged: PlannedFile[];
  /** Something would be written. */
  changes: boolean;
}

export function summarizeRestore(plan: RestorePlan): IRestoreSummary {
  const of = (action: PlannedFile['action']) =>
    plan.files.filter(file => file.action === action);
  const overwrite = of('overwrite');
  const create = of('create');
  return {
    overwrite,
    create,
    unchanged: of('unchanged'),
    changes: overwrite.length + create.length > 0
  };
}

/** "2 to create, 1 to overwrite, 1 unchanged" */
export function planCounts(summary: IRestoreSummary): string {
  return [
    summary.create.length > 0 ? `${summary.create.length} to create` : '',
    summary.overwrite.length > 0
      ? `${summary.overwrite.length} to overwrite`
      : '',
    summary.unchanged.length > 0 ? `${summary.unchanged.length} unchanged` : ''
  ]
    .filter(Boolean)
    .join(', ');
}

function count(n: number, what: string): string {
  return `${plural(n, 'file')} ${what}`;
}

/**
 * What a restore did, in a sentence for a notification: the counts, and
 * the hash each overwritten file was saved under in DVC's cache.
 */
export function restoredMessage(done: RestorePlan, label: string): string {
  const { overwrite, create, unchanged } = summarizeRestore(done);
  if (overwrite.length + create.length === 0) {
    return `${label}: every file already matched, nothing was written.`;
  }
  const parts = [
    overwrite.length > 0 ? count(overwrite.length, 'overwritten') : '',
    create.length > 0 ? count(create.length, 'created') : '',
    unchanged.length > 0 ? count(unchanged.length, 'unchanged') : ''
  ].filter(Boolean);
  const saved = overwrite
    .filter(file => file.saved_as)
    .map(file => `${file.path} → ${shortHash(file.saved_as)}`);
  return (
    `Restored ${label}: ${parts.join(', ')}.` +
    (saved.length > 0
      ? ` Previous contents saved in the DVC cache: ${saved.join('; ')}.`
      : '')
  );
}
