import type { Identity } from '../auth';
import type { Config } from '../config';
import type { Fleet } from '../fleet';
import type { ForcedTlsHealthService } from '../forced-tls';
import type { LookupService } from '../lookup';
import type { PolicyService } from '../policy-service';
import type { PortalService } from '../portal/service';
import type { Store } from '../store/store';

/** What every route reaches through `app.services`; buildApp (app.ts) decorates the instance with it. */
export interface Services {
  store: Store;
  lookup: LookupService;
  policy: PolicyService;
  config: Config;
  /** The other instances on the same database: single flight, policy notices, periodic jobs run once. */
  fleet: Fleet;
  /** The secure portal, once registered (null without portal tables). */
  portal?: PortalService | null;
  /** Forced-TLS health checks and alerts, once started (null without health tables). */
  forcedTlsHealth?: ForcedTlsHealthService | null;
}

declare module 'fastify' {
  interface FastifyInstance {
    services: Services;
  }
  interface FastifyRequest {
    /** Set by the sign-in hook for every API route that needs it. */
    identity: Identity | null;
  }
  interface FastifyContextConfig {
    /** An API route that answers without sign-in. Only the OpenAPI document is. */
    public?: boolean;
  }
}
