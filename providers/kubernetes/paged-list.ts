/**
 * A list read in chunks: `limit` per page, then `continue` until the server sets none. The
 * API server may cut any list into pages ("the server will respond with no more than limit
 * resources, but may return fewer"), and a list that stops at the first page silently drops
 * pods. All pages belong to the first page's snapshot, so its resourceVersion is the list's.
 */
import type { ListResult } from './reflector.js';

/** Items per page asked for (client-go's reflector asks for 500 too). */
export const PAGE_LIMIT = 500;

interface Page<T> {
  items: T[];
  metadata?: { resourceVersion?: string; _continue?: string };
}

export async function listAllPages<T>(page: (args: { limit: number; _continue?: string }) => Promise<Page<T>>): Promise<ListResult<T>> {
  const first = await page({ limit: PAGE_LIMIT });
  const items = [...first.items];
  for (let cont = first.metadata?._continue; cont; ) {
    const next = await page({ limit: PAGE_LIMIT, _continue: cont });
    items.push(...next.items);
    cont = next.metadata?._continue;
  }
  return { items, resourceVersion: first.metadata?.resourceVersion ?? '' };
}
