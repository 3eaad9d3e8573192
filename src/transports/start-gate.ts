import type { ExecRequest } from '../schema/transport.js';

/** Whether the request may act now: its start gate opened (or it has none); false when the gate failed. */
export async function gateOpened(request: Pick<ExecRequest, 'startGate'>): Promise<boolean> {
  if (request.startGate === undefined) return true;
  try {
    await request.startGate;
    return true;
  } catch {
    return false;
  }
}
