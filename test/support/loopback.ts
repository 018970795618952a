/**
 * Loopback address allocation. Every server gets its own 127.x.y.z so that several can listen on the
 * well-known ports (25, 443) at once; the second octet is keyed to the jest worker so parallel workers never collide.
 */
let next = 10;

export function allocateLoopbackIp(): string {
  const parsed = Number.parseInt(process.env.JEST_WORKER_ID ?? '1', 10);
  const workerId = Number.isFinite(parsed) && parsed > 0 ? parsed : 1;
  const n = next++;
  if (n > 0xffff) throw new Error('loopback address pool exhausted');
  return `127.${(20 + workerId) % 256}.${n >> 8}.${n & 255}`;
}
