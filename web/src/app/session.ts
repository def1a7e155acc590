// Who is signed in: the answer of GET /api/v1/session, kept in memory with its CSRF token.
import { api, ApiError } from '../api/client';
import type { Grant, Session, UserRef } from '../api/types';
import { isProviderRole } from '../api/types';

let current: Session | null = null;
const listeners = new Set<() => void>();

export function session(): Session | null {
  return current;
}

export function onSessionChange(listener: () => void): void {
  listeners.add(listener);
}

function set(next: Session | null): void {
  current = next;
  api.csrfToken = next?.csrf_token ?? null;
  listeners.forEach((l) => l());
}

function userRef(value: unknown): UserRef | null {
  if (!value || typeof value !== 'object') return null;
  const r = value as Record<string, unknown>;
  const id = Number(r.id ?? r.user_id);
  return { id, name: String(r.name ?? r.email ?? ''), email: String(r.email ?? '') };
}

// Reads the session document; tolerant of the user being nested or at top level.
export function normaliseSession(data: unknown): Session {
  const r = (data ?? {}) as Record<string, unknown>;
  const user = userRef(r.user) ?? userRef(r) ?? { id: 0, name: '', email: '' };
  const rawGrants = (r.grants ?? r.roles ?? (r.user as Record<string, unknown> | undefined)?.grants ?? []) as unknown[];
  const grants: Grant[] = rawGrants.map((g) =>
    typeof g === 'string'
      ? { role: g, access_group_id: null }
      : {
          role: String((g as Record<string, unknown>).role),
          access_group_id: ((g as Record<string, unknown>).access_group_id as number | null | undefined) ?? null,
        },
  );
  const mimic = r.mimic as Record<string, unknown> | null | undefined;
  const mimickedBy =
    userRef(r.mimicked_by) ?? (mimic ? userRef(mimic.by ?? mimic.mimicked_by ?? mimic.admin ?? mimic) : null);
  return {
    user,
    grants,
    csrf_token: String(r.csrf_token ?? ''),
    mimicked_by: mimickedBy,
    expires_at: r.expires_at as string | undefined,
  };
}

// Loads the current session (null when signed out).
export async function loadSession(): Promise<Session | null> {
  try {
    const { data } = await api.get<unknown>('/api/v1/session', { quietUnauthorized: true });
    set(normaliseSession(data));
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) set(null);
    else throw error;
  }
  return current;
}

export async function signIn(email: string, password: string): Promise<Session> {
  const { data } = await api.post<unknown>('/api/v1/session', { email, password }, { quietUnauthorized: true });
  const next = normaliseSession(data);
  set(next);
  // The sign-in answer may be brief; the session document is the complete picture.
  if (!next.csrf_token || next.grants.length === 0) await loadSession();
  return current!;
}

export async function signOut(): Promise<void> {
  try {
    await api.delete('/api/v1/session', { quietUnauthorized: true });
  } finally {
    set(null);
  }
}

export async function startMimic(userId: number): Promise<void> {
  await api.post('/api/v1/session/mimic', { user_id: userId });
  await loadSession();
}

export async function stopMimic(): Promise<void> {
  await api.delete('/api/v1/session/mimic');
  await loadSession();
}

export function forget(): void {
  set(null);
}

// ---- what the signed-in user may do (the API enforces it; the UI only hides dead ends) ----

export function isStaff(): boolean {
  return current?.grants.some((g) => isProviderRole(g.role)) ?? false;
}

export function hasRole(...roles: string[]): boolean {
  return current?.grants.some((g) => roles.includes(g.role)) ?? false;
}

// Configure = edit, validate, deploy, purge (customer admin/technical; provider admin,
// activation engineer, CDN support technician, NOC engineer).
export function mayConfigure(): boolean {
  return hasRole(
    'admin',
    'technical',
    'provider_admin',
    'activation_engineer',
    'cdn_support_technician',
    'noc_engineer',
  );
}

export function mayManageUsers(): boolean {
  return hasRole('admin', 'provider_admin');
}

// Support staff who work tickets: change state, write internal notes, change severity.
export function mayWorkTickets(): boolean {
  return hasRole('cdn_support_technician', 'noc_engineer', 'provider_admin', 'customer_care_manager');
}

// Maintenance windows are created, rescheduled and cancelled by the NOC.
export function mayManageMaintenance(): boolean {
  return hasRole('noc_engineer', 'provider_admin');
}

export function isProviderAdmin(): boolean {
  return hasRole('provider_admin');
}
