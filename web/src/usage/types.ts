// The usage and log-file resources of the portal API (docs/usage.md, docs/log-delivery.md).
export interface UsageCounters {
  requests: number;
  bytes: number;
  body_bytes: number;
  fill_bytes: number;
  hits: number;
  misses: number;
  stale: number;
  revalidated: number;
  passes: number;
  errors: number;
  status_1xx: number;
  status_2xx: number;
  status_3xx: number;
  status_4xx: number;
  status_5xx: number;
  http: number;
  https: number;
  peak_rps: number;
}

export interface UsageBucket extends UsageCounters {
  start: string;
  hit_ratio: number | null;
}

export interface UsageScope {
  kind: 'service' | 'property' | 'group';
  scid?: string | null;
  property?: string | null;
  group_id?: number | null;
}

export interface UsageReport {
  scope: UsageScope;
  from: string;
  to: string;
  granularity: string;
  complete_until: string | null;
  totals: UsageCounters & { hit_ratio: number | null; p95_bps: number };
  series: UsageBucket[];
}

export interface LiveMinute {
  minute: string;
  requests: number;
  rps: number;
  hit_ratio: number | null;
  errors: number;
  status_5xx: number;
  bytes: number;
}

export interface LiveReport {
  generated_at: string;
  minutes: number;
  properties: Array<{ property: string; series: LiveMinute[] }>;
}

export interface LogFile {
  property: string;
  hour: string;
  lines: number;
  bytes: number;
  chunks: number;
  download: string;
}
