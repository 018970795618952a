import type { DomainReport } from '../src/core/report';

/** What the shared report views need of a domain; the pane's DomainRow and the console's lookup both fit. */
export interface ReportRow {
  /** `checking` while a lookup for it runs (shown as "Checking…"); `failed` when it could not be had. */
  state: 'checking' | 'ready' | 'failed';
  report: DomainReport | null;
  /** The backend's full report (MX, MTA-STS, DANE details), not only the compact one from sessionData. */
  full: boolean;
}
