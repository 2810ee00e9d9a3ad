/** A line of a unified diff, by what it means. */
export interface IDiffLine {
  kind: 'added' | 'removed' | 'context' | 'hunk';
  text: string;
}

/**
 * The lines of a unified diff without its `---`/`+++` file header (the
 * cell is named elsewhere); the +/-/space prefix is kept in `text`.
 */
export function diffLines(diff: string): IDiffLine[] {
  const lines = diff.replace(/\n$/, '').split('\n');
  const out: IDiffLine[] = [];
  let inHunk = false;
  for (const text of lines) {
    if (text.startsWith('@@')) {
      inHunk = true;
      out.push({ kind: 'hunk', text });
    } else if (!inHunk) {
      continue;
    } else if (text.startsWith('+')) {
      out.push({ kind: 'added', text });
    } else if (text.startsWith('-')) {
      out.push({ kind: 'removed', text });
    } else if (!text.startsWith('\\')) {
      out.push({ kind: 'context', text });
    }
  }
  return out;
}

/** Lines added and removed, for a cell's summary ("+3 −1"). */
export function diffStat(lines: IDiffLine[]): {
  added: number;
  removed: number;
} {
  return {
    added: lines.filter(line => line.kind === 'added').length,
    removed: lines.filter(line => line.kind === 'removed').length
  };
}
