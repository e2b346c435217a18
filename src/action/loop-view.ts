// Reading the loop's state for the plan comment: its session, its tasks.md (progress, and drift
// from the approved revision), its last iteration, and the plan record on the server.
import { driftFrom, lastIteration, progressOf } from '../plan/loop.js';
import { parsePlan } from '../plan/parse.js';
import type { LoopSession, PlanRecord, ResearchServer } from '../server/research.js';
import type { LoopView } from './loop-words.js';

/** The server's plan record for a chat session; `unsupported` for a server without /plans. */
export async function planRecord(server: ResearchServer, chatSessionId: string): Promise<PlanRecord | null | 'unsupported'> {
  const records = await server.plansFor(chatSessionId);
  if (records === 'unsupported') return 'unsupported';
  return records[0] ?? null;
}

/** Everything the loop section shows for a live or finished session (four or five reads on the server). */
export async function readLoop(server: ResearchServer, session: LoopSession, record: PlanRecord | null | 'unsupported'): Promise<LoopView> {
  const [tasks, log, experiments] = await Promise.all([
    server.plan(session),
    server.iterationLog(session),
    // Counted only when the loop shares its chat session with its sweeps and runs; a failure costs the count.
    session.chat_session_id ? server.experiments(session.chat_session_id).catch(() => undefined) : undefined,
  ]);
  const plan = record === 'unsupported' ? null : record;
  const approved = plan?.raw_markdown ?? null;
  return {
    plan,
    plansUnsupported: record === 'unsupported',
    session,
    progress: progressOf(parsePlan(tasks)),
    drift: approved ? driftFrom(approved, tasks) : undefined,
    lastIteration: lastIteration(log),
    experiments,
  };
}

export function isLive(session: LoopSession | null): session is LoopSession {
  return session !== null && (session.status === 'running' || session.status === 'paused');
}
