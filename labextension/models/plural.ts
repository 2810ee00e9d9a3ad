/** "1 run", "4 runs": a count and its noun, plural with an "s". */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
