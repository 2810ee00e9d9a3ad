import { parseTime } from '../format/time';

/** Where a run or a build is in its life: it only ever moves forward. */
export const LIFECYCLE_RANK = {
  queued: 0,
  running: 1,
  succeeded: 2,
  failed: 2,
  cancelled: 2,
  interrupted: 2
} as const satisfies Record<string, number>;

/**
 * Insert or update an item (a run, a build) in a list kept newest first by
 * creation time. An update lands only if `isNewer` says the item is a later
 * state than the one held: events and answers can arrive out of order.
 */
export function mergeNewestFirst<T extends { id: string; created_at: string }>(
  items: T[],
  item: T,
  isNewer: (candidate: T, current: T) => boolean
): T[] {
  const index = items.findIndex(i => i.id === item.id);
  if (index >= 0) {
    return isNewer(item, items[index])
      ? items.map((i, n) => (n === index ? item : i))
      : items;
  }
  const created = parseTime(item.created_at) ?? 0;
  const at = items.findIndex(i => (parseTime(i.created_at) ?? 0) < created);
  const next = [...items];
  next.splice(at < 0 ? items.length : at, 0, item);
  return next;
}
