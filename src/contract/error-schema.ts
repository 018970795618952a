import { z } from 'zod';

/** Every error answer: the shape of errors.ts's ErrorBody, for the routes and the OpenAPI document. */
export const errorSchema = z
  .object({ error: z.object({ code: z.string(), message: z.string() }) })
  .meta({ id: 'Error', description: 'Every error: a stable code and a message for people.' });

/** A route's error answers: each listed status with the one error shape. */
export function errorResponses<S extends number>(...statuses: S[]): Record<S, typeof errorSchema> {
  return Object.fromEntries(statuses.map((status) => [status, errorSchema])) as Record<S, typeof errorSchema>;
}
