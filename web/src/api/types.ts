// The API's resources as the UI uses them (docs/portal.md, docs/openapi/*.json).

export interface Grant {
  role: string;
  access_group_id: number | null;
}

export interface UserRef {
  id: number;
  name: string;
  email: string;
}

export interface Session {
  user: UserRef;
  grants: Grant[];
  csrf_token: string;
  // The admin acting as `user` ("mimic user"); null when the user acts as themselves.
  mimicked_by: UserRef | null;
  expires_at?: string;
}

export interface AccessGroup {
  id: number;
  parent_id: number | null;
  name: string;
  customer_visible?: boolean;
}

export interface Service {
  scid: string;
  name?: string;
  state: string;
  access_group_id: number;
  access_group_name?: string;
  customer_number: string;
  customer_name?: string;
  created_at?: string;
  latest_version?: number | null;
  deployed?: Record<string, number | null>;
}

export interface ConfigurationVersion {
  version: number;
  deployed_to?: string[];
  author?: string | UserRef | null;
  created_at?: string;
  comment?: string;
  document?: ConfigDocument;
}

export type ConfigDocument = Record<string, unknown> & { scid?: string; properties?: unknown[] };

export interface EdgeStatus {
  edge_id: string;
  status: string;
  detail?: string;
  acknowledged_at?: string | null;
  network?: string;
}

export interface Deployment {
  id: number;
  scid: string;
  version: number;
  environment: string;
  status?: string;
  complete?: boolean;
  action?: string;
  created_at?: string;
  requested_by?: string | UserRef | null;
  comment?: string;
  edges?: EdgeStatus[];
}

export interface Invalidation {
  id: number;
  scid: string;
  kind: string;
  mode: string;
  values?: string[];
  status?: string;
  completed_at?: string | null;
  created_at?: string;
  requested_by?: string | UserRef | null;
  edges?: EdgeStatus[];
}

export interface User {
  id: number;
  name: string;
  email: string;
  phone_office?: string;
  phone_mobile?: string;
  after_hours_contact?: string;
  language?: string;
  grants?: Grant[];
  locked_until?: string | null;
  disabled?: boolean;
}

export interface ApiKey {
  key_id: string;
  description?: string;
  access_group_id: number;
  role: string;
  disabled: boolean;
  created_at?: string;
  updated_at?: string | null;
  secret?: string;
}

export interface Customer {
  customer_number: string;
  name: string;
  access_group_id?: number;
}

export interface TeamMember {
  role: string;
  user: (UserRef & { phones?: string[] }) | null;
}

export const customerRoles = ['admin', 'technical', 'billing', 'read_only'] as const;
export const providerRoles = [
  'account_director',
  'sales_engineer',
  'customer_care_manager',
  'activation_engineer',
  'cdn_support_technician',
  'billing_coordinator',
  'noc_engineer',
  'provider_admin',
] as const;

export function roleLabel(role: string): string {
  const labels: Record<string, string> = {
    admin: 'Admin',
    technical: 'Technical',
    billing: 'Billing',
    read_only: 'Read-only',
    account_director: 'Account director',
    sales_engineer: 'Sales engineer',
    customer_care_manager: 'Customer care manager',
    activation_engineer: 'Activation engineer',
    cdn_support_technician: 'CDN support technician',
    billing_coordinator: 'Billing coordinator',
    noc_engineer: 'NOC engineer',
    provider_admin: 'Provider admin',
  };
  return labels[role] ?? role;
}

export function isProviderRole(role: string): boolean {
  return (providerRoles as readonly string[]).includes(role);
}

// A person as the API names them: a string, a user object, or an author object
// ({user_id, name, api_key_id}) where a change made with an API key has only the key id.
export function personName(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return `user #${value}`;
  if (typeof value === 'object') {
    const r = value as Record<string, unknown>;
    if (typeof r.name === 'string' && r.name) return r.name;
    if (typeof r.email === 'string' && r.email) return r.email;
    if (typeof r.api_key_id === 'string' && r.api_key_id) return `API key ${r.api_key_id}`;
    const id = r.user_id ?? r.id;
    if (typeof id === 'number') return `user #${id}`;
    return 'the system';
  }
  return String(value);
}
