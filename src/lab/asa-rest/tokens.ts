// Token sessions (spec §3 "Auth", §6 rows 21, 23): POST /api/tokenservices with Basic makes one (204 +
// X-Auth-Token), at most maxSessions at once (503 beyond); DELETE /api/tokenservices/<token> ends it. A token may
// expire after N requests (a fault): 401, and its session is freed.

import { randomBytes } from 'node:crypto';
import { errorReply } from './reply.js';
import type { Reply } from './reply.js';

export class TokenTable {
  private readonly uses = new Map<string, number>();

  get size(): number {
    return this.uses.size;
  }

  create(maxSessions: number): Reply {
    if (this.uses.size >= maxSessions) {
      return errorReply(503, `Service unavailable: the maximum sessions per context is ${maxSessions}`, 'MAX-SESSIONS');
    }
    const token = randomBytes(24).toString('hex');
    this.uses.set(token, 0);
    return { status: 204, headers: { 'X-Auth-Token': token } };
  }

  /** Counts one request made with the token; false when it is unknown or has just expired. */
  use(token: string, expiresAfter: number | undefined): boolean {
    const used = this.uses.get(token);
    if (used === undefined) return false;
    if (expiresAfter !== undefined && used >= expiresAfter) {
      this.uses.delete(token);
      return false;
    }
    this.uses.set(token, used + 1);
    return true;
  }

  delete(token: string): Reply {
    if (!this.uses.delete(token))
      return errorReply(401, 'Authentication failed: unknown token', 'AUTHENTICATION-FAILED');
    return { status: 204 };
  }
}
