/**
 * Moves the entry that `match`es (or a new one from `create`) to the end of `list`, its most
 * recently used place, and drops the oldest entries past `max` (calling `drop` on each).
 */
export function touchRecent<T>(
  list: T[],
  match: (entry: T) => boolean,
  create: () => T,
  max: number,
  drop: (entry: T) => void,
): T {
  const index = list.findIndex(match);
  const found = index >= 0 ? list.splice(index, 1)[0] : undefined;
  const entry = found ?? create();
  list.push(entry);
  while (list.length > max) {
    const oldest = list.shift();
    if (oldest !== undefined) drop(oldest);
  }
  return entry;
}
