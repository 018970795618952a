import { portalAccess } from './portal-access';
import { portalMessages } from './portal-messages';
import type { PortalStore } from './portal-store';
import type { Db, DialectHooks } from './schema';

/** The portal's store over either database: messages and their parts, and signing in. */
export function createPortalStore(db: Db, hooks: DialectHooks): PortalStore {
  return { ...portalMessages(db, hooks), ...portalAccess(db, hooks) };
}
