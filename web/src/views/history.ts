// Version history of a service: who saved what and when, compare any two versions, start
// editing from an old version, and roll back (deploy an older version).
import { api } from '../api/client';
import type { ConfigurationVersion, Service } from '../api/types';
import { personName } from '../api/types';
import { navigate, type Params } from '../app/router';
import { mayConfigure } from '../app/session';
import { formatTime, h } from '../ui/dom';
import { errorBox } from '../ui/feedback';
import { selectField } from '../ui/forms';
import { errorPage, loadService, serviceFrame, table } from './common';
import { normaliseVersion } from './configuration';
import { deployPanel } from './deploy-panel';

export async function historyView(params: Params): Promise<HTMLElement> {
  const scid = params.scid!;
  let service: Service;
  let versions: ConfigurationVersion[];
  try {
    service = await loadService(scid);
    versions = (await api.list<unknown>(`/api/v1/services/${scid}/configurations`)).map(normaliseVersion);
  } catch (error) {
    return errorPage(error, 'service');
  }
  versions.sort((a, b) => b.version - a.version);
  const latest = versions[0]?.version;

  const rows = versions.map((v) => {
    const rollbackSlot = h('div', { class: 'rollback-slot' });
    const where = (v.deployed_to ?? []).map((env) => h('span', { class: `badge badge-env-${env}` }, env));
    const actions = h(
      'div',
      { class: 'row-actions' },
      v.version > 1
        ? h('a', { href: `/services/${scid}/diff?from=${v.version - 1}&to=${v.version}` }, 'Diff with previous')
        : null,
      mayConfigure() ? h('a', { href: `/services/${scid}/configuration?from=${v.version}` }, 'Edit from here') : null,
      mayConfigure()
        ? h(
            'button',
            {
              type: 'button',
              class: 'small',
              onClick: () => {
                if (rollbackSlot.childElementCount > 0) rollbackSlot.replaceChildren();
                else rollbackSlot.replaceChildren(deployPanel(scid, v.version, { rollback: v.version !== latest }));
                rollbackSlot.querySelector<HTMLElement>('button')?.focus();
              },
            },
            v.version === latest ? `Deploy v${v.version}…` : `Roll back to v${v.version}…`,
          )
        : null,
      rollbackSlot,
    );
    return [
      h('span', { class: 'mono' }, `v${v.version}`),
      personName(v.author),
      formatTime(v.created_at),
      v.comment ?? '',
      where.length ? where : '—',
      actions,
    ];
  });

  const options = versions.map((v) => ({ value: String(v.version), label: `version ${v.version}` }));
  const compare =
    versions.length >= 2
      ? h(
          'form',
          {
            class: 'card inline-form',
            'aria-labelledby': 'compare-title',
            onSubmit: (e: Event) => {
              e.preventDefault();
              const form = e.currentTarget as HTMLFormElement;
              const from = (form.elements.namedItem('from') as HTMLSelectElement).value;
              const to = (form.elements.namedItem('to') as HTMLSelectElement).value;
              navigate(`/services/${scid}/diff?from=${from}&to=${to}`);
            },
          },
          h('h2', { id: 'compare-title' }, 'Compare two versions'),
          selectField({ label: 'From', name: 'from', value: String(versions[1]!.version), options }),
          selectField({ label: 'To', name: 'to', value: String(versions[0]!.version), options }),
          h('button', { type: 'submit' }, 'Show diff'),
        )
      : null;

  return serviceFrame(
    service,
    '/history',
    'History',
    compare,
    table(
      'Configuration versions, newest first',
      ['Version', 'Saved by', 'Saved at', 'Comment', 'Deployed on', 'Actions'],
      rows,
      {
        empty: 'No configuration has been saved yet.',
      },
    ),
  );
}

// The portal's diff of two stored versions, rendered like a unified diff.
export async function diffView(params: Params, query: URLSearchParams): Promise<HTMLElement> {
  const scid = params.scid!;
  const from = query.get('from') ?? '';
  const to = query.get('to') ?? 'latest';
  let service: Service;
  try {
    service = await loadService(scid);
  } catch (error) {
    return errorPage(error, 'service');
  }
  let body: HTMLElement;
  try {
    const { data } = await api.get<unknown>(`/api/v1/services/${scid}/configurations/${encodeURIComponent(to)}/diff`, {
      query: { against: from },
    });
    body = renderDiff(data);
  } catch (error) {
    body = errorBox(error);
  }
  return serviceFrame(
    service,
    '/history',
    `Diff: version ${from} → ${to}`,
    h('p', null, h('a', { href: `/services/${scid}/history` }, '← Back to the history')),
    body,
  );
}

interface DiffChange {
  pointer: string;
  kind: string;
  old?: unknown;
  new?: unknown;
  before?: unknown;
  after?: unknown;
}

export function renderDiff(data: unknown): HTMLElement {
  const r = (data ?? {}) as Record<string, unknown>;
  const text =
    typeof data === 'string' ? data : typeof r.text === 'string' ? r.text : typeof r.diff === 'string' ? r.diff : null;
  const changes = (Array.isArray(r.changes) ? r.changes : []) as DiffChange[];
  if (text !== null) {
    if (text.trim() === '' || (changes.length === 0 && !/^[+-] /m.test(text))) {
      return h('p', { class: 'notice' }, 'The two versions have the same content.');
    }
    return h(
      'pre',
      { class: 'diff', 'aria-label': 'Differences' },
      text.split('\n').map((line) => {
        const kind = line.startsWith('@@')
          ? 'hunk'
          : line.startsWith('+++') || line.startsWith('---')
            ? 'file'
            : line.startsWith('+')
              ? 'add'
              : line.startsWith('-')
                ? 'del'
                : 'ctx';
        return h('span', { class: `diff-line diff-${kind}` }, line || ' ');
      }),
    );
  }
  if (changes.length === 0) return h('p', { class: 'notice' }, 'The two versions have the same content.');
  return h(
    'ul',
    { class: 'changes' },
    changes.map((c) =>
      h(
        'li',
        { class: `change-${c.kind}` },
        h('code', null, c.pointer),
        ` ${c.kind}: `,
        c.kind !== 'added' ? h('del', null, JSON.stringify(c.old ?? c.before)) : null,
        c.kind === 'changed' || c.kind === 'moved' ? ' → ' : null,
        c.kind !== 'removed' ? h('ins', null, JSON.stringify(c.new ?? c.after)) : null,
      ),
    ),
  );
}
