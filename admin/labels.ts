import type { DetectorType } from '../src/core/policy';
import type { ActivityDecision } from './api';

/** Words for the admin console (English; the admins' console is not localised yet). */

export const DETECTOR_LABELS: Readonly<Record<DetectorType, string>> = {
  'nl-bsn': 'BSN',
  iban: 'IBAN',
  'payment-card': 'Card numbers',
  'us-ssn': 'US SSN',
  health: 'Health data',
  'nl-passport': 'Passport numbers',
};

export const FINDING_LABELS: Readonly<Record<string, string>> = {
  ...DETECTOR_LABELS,
  custom: 'Org rules',
  label: 'Sensitivity labels',
};

export const DECISION_LABELS: Readonly<Record<ActivityDecision, string>> = {
  allowed: 'Allowed',
  warned: 'Warned',
  blocked: 'Blocked',
  'sent-anyway': 'Sent anyway',
  'sent-via-portal': 'Sent via the portal',
};
