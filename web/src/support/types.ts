// The issue-5 resources as the UI uses them: tickets, the support organisation (severities,
// centres, escalation levels, MTTR), the NOC, maintenance windows, notification preferences and
// mail deliveries (docs/support.md, docs/noc.md, docs/maintenance.md, docs/notifications.md).
import type { EdgeCapacity, MonitorHealth } from '../network/health';

export const ticketTypes = ['service_impairment', 'service_change', 'account_inquiry'] as const;
export const ticketStates = [
  'new',
  'acknowledged',
  'in_progress',
  'pending_customer',
  'resolved',
  'closed',
  'reopened',
] as const;

export function ticketTypeLabel(type: string): string {
  const labels: Record<string, string> = {
    service_impairment: 'Service impairment',
    service_change: 'Service change',
    account_inquiry: 'Account inquiry',
  };
  return labels[type] ?? type;
}

export function ticketStateLabel(state: string): string {
  const labels: Record<string, string> = {
    new: 'New',
    acknowledged: 'Acknowledged',
    in_progress: 'In progress',
    pending_customer: 'Pending customer',
    resolved: 'Resolved',
    closed: 'Closed',
    reopened: 'Reopened',
  };
  return labels[state] ?? state;
}

export interface TicketSummary {
  reference: string;
  type: string;
  origin: string;
  severity: number;
  state: string;
  subject: string;
  scid: string | null;
  customer_number: string | null;
  // A code in lists; {code, name} in a full ticket.
  centre: string | { code: string; name?: string } | null;
  escalation_level: number;
  created_at: string;
  updated_at: string;
  response_due_at: string | null;
  restore_due_at: string | null;
}

export interface TicketContact {
  name: string;
  email: string;
  phones: string[];
  alternate_contact: string;
}

export interface TimelineEntry {
  at: string;
  kind: string;
  actor: unknown;
  visibility: 'public' | 'internal';
  from_state: string | null;
  to_state: string | null;
  body: string | null;
  attachment: { id: number | string; filename: string; size: number } | null;
}

export interface SeverityTargets {
  initial_response_minutes?: number;
  update_interval_minutes?: number;
  restoration_minutes?: number;
}

export interface Ticket extends TicketSummary {
  customer_name?: string;
  description: string;
  alarm_info: string | null;
  problem_started_at: string | null;
  contact: TicketContact | null;
  language: string | null;
  assignee: unknown;
  acknowledged_at: string | null;
  resolved_at: string | null;
  closed_at: string | null;
  update_due_at: string | null;
  noc_event: string | null;
  maintenance_reference: string | null;
  severity_targets: SeverityTargets | null;
  timeline: TimelineEntry[];
}

// The ticket's centre: the summary names it by code, the full ticket as {code, name}.
export function centreCode(value: unknown): string {
  if (value && typeof value === 'object') return String((value as Record<string, unknown>).code ?? '');
  return value ? String(value) : '';
}

export function centreName(value: unknown): string {
  if (value && typeof value === 'object') {
    const r = value as Record<string, unknown>;
    return r.name ? `${String(r.name)} (${String(r.code ?? '')})` : String(r.code ?? '');
  }
  return value ? String(value) : '—';
}

export interface SeverityLevel {
  severity: number;
  name: string;
  definition: string;
  examples: string[];
  initial_response_minutes: number;
  update_interval_minutes: number;
  restoration_minutes: number;
}

export interface SupportCentre {
  code: string;
  name: string;
  city: string;
  country: string;
  languages: string[];
}

export interface ScheduleEntry {
  centre: string;
  days: string[];
  start: string;
  end: string;
  priority: number;
}

export interface CentresDocument {
  centres: SupportCentre[];
  schedule: ScheduleEntry[];
  on_duty_now: { code: string; name?: string } | null;
}

export interface EscalationLevel {
  level: number;
  name: string;
  notify_role: string | null;
  notify_account_team_role: string | null;
  notify_user_ids: number[];
}

export interface MttrRow {
  month: string;
  customer_number: string;
  customer_name: string;
  severity: number;
  tickets: number;
  mttr_minutes: number | null;
  excluded_pending_minutes: number | null;
}

export interface MttrTotal {
  severity: number;
  tickets: number;
  mttr_minutes: number | null;
  excluded_pending_minutes?: number | null;
}

export interface MttrReport {
  rule: string;
  rows: MttrRow[];
  totals: MttrTotal[];
}

export interface NocEdge {
  edge_id: string;
  cache_group?: string;
  address?: string;
  role?: string;
  network?: string;
  active?: boolean;
  last_seen?: string | null;
  status: 'up' | 'stale' | 'down' | string;
  draining?: boolean;
  maintenance_reference?: string | null;
  admin_address?: string | null;
  capacity?: EdgeCapacity | null;
  // The health monitor's freshest report (issue 7), null when none is fresh.
  monitor_health?: MonitorHealth | null;
}

export interface NocEvent {
  reference: string;
  kind: string;
  state: string;
  edge_id?: string | null;
  scid?: string | null;
  property?: string | null;
  severity: number;
  summary: string;
  first_seen_at?: string;
  last_seen_at?: string;
  resolved_at?: string | null;
  occurrences?: number;
}

export interface NocEventDetail extends NocEvent {
  details?: unknown;
  linked_tickets?: Array<{
    reference: string;
    state: string | null;
    severity: number | null;
    scid: string;
    customer_number: string;
    customer_name?: string;
    linked_at?: string;
  }>;
}

export interface NocDashboard {
  edges: NocEdge[];
  open_events: NocEvent[];
  open_tickets: { by_severity: Record<string, number>; items: TicketSummary[] };
  generated_at: string;
}

export interface MaintenanceWindow {
  reference: string;
  kind: 'scheduled' | 'emergency' | string;
  impact: 'service_affecting' | 'non_service_affecting' | string;
  state: string;
  title: string;
  description?: string;
  starts_at: string;
  ends_at: string;
  cache_groups: string[];
  edges: string[];
  // Customers: their own services (SCIDs or objects); staff: a count and the list.
  affected_services?: unknown;
  sequence?: number;
  notices?: Array<{ template: string; at: string; recipients?: number }>;
}

export function impactLabel(impact: string): string {
  return impact === 'service_affecting'
    ? 'Service affecting'
    : impact === 'non_service_affecting'
      ? 'Non-service affecting'
      : impact;
}

export interface NotificationPreference {
  category: string;
  email: boolean;
  portal: boolean;
}

export interface MailDelivery {
  id: number;
  to: string;
  subject: string;
  status: string;
  attempts: number;
  last_error: string | null;
  next_attempt_at: string | null;
  sent_at: string | null;
  created_at: string;
  template: string;
  entity_type: string | null;
  entity_id: string | null;
  message_id: string;
}
