import type { Sensitivity } from '../policy';

/** Microsoft Purview's convention: 85 high, 75 medium, 65 low. */
export type Confidence = 85 | 75 | 65;

export const CONFIDENCE: Readonly<Record<Sensitivity, Confidence>> = { high: 85, medium: 75, low: 65 };

export function sensitivityOfConfidence(confidence: Confidence): Sensitivity {
  return confidence >= 85 ? 'high' : confidence >= 75 ? 'medium' : 'low';
}

/** A message's sensitivity: that of its most confident finding; null without findings. */
export function sensitivityOf(findings: readonly { confidence: Confidence }[]): Sensitivity | null {
  let best: Confidence | null = null;
  for (const finding of findings) if (best === null || finding.confidence > best) best = finding.confidence;
  return best === null ? null : sensitivityOfConfidence(best);
}
