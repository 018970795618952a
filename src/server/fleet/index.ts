import { isPostgresUrl } from '../store/database-url';
import { createLocalFleet, type Fleet, type FleetLog } from './fleet';
import { createPostgresFleet } from './postgres';

export { advisoryKey, createLocalFleet, type Fleet, type FleetLog, type SingleFlightOptions } from './fleet';
export { createPostgresFleet, type PostgresFleetOptions } from './postgres';

/** The fleet for TLSGATE_DB: instances on one PostgreSQL database coordinate; a SQLite file has one. */
export function openFleet(db: string, log: FleetLog): Promise<Fleet> {
  return isPostgresUrl(db) ? createPostgresFleet(db, { log }) : Promise.resolve(createLocalFleet());
}
