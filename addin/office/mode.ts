/**
 * Whether the pane was opened on a message being written or one being read. Both report itemType
 * `message`; only compose items have the getAsync-style fields (a read item's subject is a plain string).
 */

export type ItemMode = 'compose' | 'read';

export function officeItemMode(): ItemMode {
  try {
    const item = Office.context.mailbox.item as unknown as { subject?: unknown; to?: unknown } | null;
    const compose = (field: unknown): boolean =>
      typeof field === 'object' &&
      field !== null &&
      typeof (field as { getAsync?: unknown }).getAsync === 'function';
    return item && compose(item.subject) && compose(item.to) ? 'compose' : 'read';
  } catch {
    // No item to read: "read" shows only the sender's portal messages, which need nothing from Office.
    return 'read';
  }
}
