import { z } from 'zod';

/** Every error answer: the shape of errors.ts's ErrorBody, for the routes and the OpenAPI document. */
export const errorSchema = z
  .object({ error: z.object({ code: z.string(), message: z.string() }) })
  .meta({ id: 'Error', description: 'Every error: a stable code and a message for people.' });
