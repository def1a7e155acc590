// The form of the configuration document: properties (aliases, origin, cache key, TLS) and
// their ordered match rules with criteria and directives.
import { h } from '../ui/dom';
import { button, checkboxField } from '../ui/forms';
import { choice, flag, integer, lines, text, type FormContext } from './bind';
import { namedCriteria, pathCriterion, section } from './criteria';
import { directivesEditor, methodChecks } from './directives';
import { get, join, set, type Json, type JsonObject } from './pointer';

function move(ctx: FormContext, listPointer: string, from: number, to: number, focus: string): void {
  const list = get(ctx.doc, listPointer) as Json[];
  if (to < 0 || to >= list.length) return;
  const [item] = list.splice(from, 1);
  list.splice(to, 0, item!);
  ctx.changed();
  ctx.rerender(focus);
}

function origin(ctx: FormContext, p: string): HTMLElement {
  const o = (get(ctx.doc, p) as JsonObject | undefined) ?? {};
  const https = o.protocol === 'https';
  return section(
    'Origin',
    p,
    h(
      'div',
      { class: 'row' },
      text(ctx, join(p, 'host'), 'Origin host', {
        required: true,
        hint: 'Host name or IP address of the origin server.',
      }),
      choice(
        ctx,
        join(p, 'protocol'),
        'Origin protocol',
        [
          { value: 'http', label: 'HTTP' },
          { value: 'https', label: 'HTTPS' },
        ],
        {
          structural: true,
          onChange: (v) => {
            const before = (get(ctx.doc, join(p, 'protocol')) as string | undefined) ?? 'http';
            const port = get(ctx.doc, join(p, 'port'));
            set(ctx.doc, join(p, 'protocol'), v);
            // A port left at the old protocol's default follows the protocol.
            if (port === (before === 'https' ? 443 : 80)) set(ctx.doc, join(p, 'port'), v === 'https' ? 443 : 80);
            if (v !== 'https') {
              set(ctx.doc, join(p, 'verify_tls'), undefined);
              set(ctx.doc, join(p, 'sni'), undefined);
            }
            ctx.changed();
          },
        },
      ),
      integer(ctx, join(p, 'port'), 'Origin port', {
        min: 1,
        max: 65535,
        hint: https ? 'Default 443.' : 'Default 80.',
      }),
    ),
    h(
      'div',
      { class: 'row' },
      text(ctx, join(p, 'web_root'), 'Alternate web root', {
        hint: 'Prefixed to every origin path, e.g. /media. Empty: none.',
      }),
      text(ctx, join(p, 'host_header'), 'Host header override', { hint: "Empty: the client's Host." }),
    ),
    h(
      'details',
      { class: 'more' },
      h('summary', null, 'More origin settings'),
      https
        ? h(
            'div',
            { class: 'row' },
            flag(ctx, join(p, 'verify_tls'), "Verify the origin's certificate", { defaultValue: true }),
            text(ctx, join(p, 'sni'), 'TLS server name (SNI)', {
              hint: 'Empty: the Host header, else the origin host.',
            }),
          )
        : null,
      h(
        'div',
        { class: 'row' },
        integer(ctx, join(p, 'connect_timeout_ms'), 'Connect timeout (ms)', { min: 1, max: 3600000 }),
        integer(ctx, join(p, 'response_timeout_ms'), 'Response timeout (ms)', { min: 1, max: 3600000 }),
        integer(ctx, join(p, 'read_timeout_ms'), 'Read timeout (ms)', { min: 1, max: 3600000 }),
      ),
    ),
  );
}

function cacheKey(ctx: FormContext, p: string): HTMLElement {
  const query = (get(ctx.doc, join(p, 'query')) as string | undefined) ?? 'all';
  return section(
    'Cache key',
    p,
    choice(
      ctx,
      join(p, 'query'),
      'Query string in the cache key',
      [
        { value: 'all', label: 'The whole query string' },
        { value: 'none', label: 'None (ignore the query string)' },
        { value: 'allowlist', label: 'Only the listed parameters' },
      ],
      {
        structural: true,
        onChange: (v) => {
          set(ctx.doc, join(p, 'query'), v);
          set(ctx.doc, join(p, 'params'), v === 'allowlist' ? [] : undefined);
          ctx.changed();
        },
      },
    ),
    query === 'allowlist' ? lines(ctx, join(p, 'params'), 'Parameters kept', { required: true }) : null,
  );
}

function tls(ctx: FormContext, p: string): HTMLElement {
  const present = get(ctx.doc, p) !== undefined;
  const hsts = get(ctx.doc, join(p, 'hsts')) !== undefined;
  const toggle = checkboxField({
    label: 'Serve HTTPS to clients',
    checked: present,
    onChange: (on) => {
      set(ctx.doc, p, on ? { certificate_id: '' } : undefined);
      ctx.changed();
      ctx.rerender(on ? join(p, 'certificate_id') : p);
    },
  });
  const hstsToggle = checkboxField({
    label: 'Send Strict-Transport-Security (HSTS)',
    checked: hsts,
    onChange: (on) => {
      set(ctx.doc, join(p, 'hsts'), on ? { max_age_seconds: 31536000 } : undefined);
      ctx.changed();
      ctx.rerender(join(p, 'hsts'));
    },
  });
  return section(
    'TLS',
    p,
    toggle,
    present
      ? [
          text(ctx, join(p, 'certificate_id'), 'Certificate id', { required: true }),
          flag(ctx, join(p, 'redirect_http_to_https'), 'Redirect plain HTTP to HTTPS'),
          hstsToggle,
          hsts
            ? h(
                'div',
                { class: 'row', dataset: { pointer: join(p, 'hsts') } },
                integer(ctx, join(p, 'hsts', 'max_age_seconds'), 'HSTS max-age (seconds)', { min: 0, max: 63072000 }),
                flag(ctx, join(p, 'hsts', 'include_subdomains'), 'includeSubDomains'),
                flag(ctx, join(p, 'hsts', 'preload'), 'preload'),
              )
            : null,
        ]
      : null,
  );
}

function matchRule(ctx: FormContext, rulesPointer: string, index: number, count: number): HTMLElement {
  const p = join(rulesPointer, index);
  const rule = get(ctx.doc, p) as JsonObject;
  const criteria = join(p, 'criteria');
  const label = `Rule ${index + 1}${rule.name ? `: ${String(rule.name)}` : ''}`;
  return h(
    'fieldset',
    { class: 'rule', dataset: { pointer: p } },
    h('legend', null, label),
    h(
      'div',
      { class: 'toolbar' },
      button('Move up', () => move(ctx, rulesPointer, index, index - 1, join(rulesPointer, index - 1, 'name')), {
        class: 'small',
        disabled: index === 0,
        'aria-label': `Move rule ${index + 1} up`,
      }),
      button('Move down', () => move(ctx, rulesPointer, index, index + 1, join(rulesPointer, index + 1, 'name')), {
        class: 'small',
        disabled: index === count - 1,
        'aria-label': `Move rule ${index + 1} down`,
      }),
      button(
        'Remove rule',
        () => {
          set(ctx.doc, p, undefined);
          ctx.changed();
          ctx.rerender(rulesPointer);
        },
        { class: 'small danger', 'aria-label': `Remove rule ${index + 1}` },
      ),
    ),
    text(ctx, join(p, 'name'), 'Rule name', { required: true }),
    h(
      'details',
      { class: 'criteria', open: true, dataset: { pointer: criteria } },
      h('summary', null, 'Criteria (all must hold; none = every request)'),
      pathCriterion(ctx, join(criteria, 'path')),
      methodChecks(ctx, join(criteria, 'methods'), 'Methods (none ticked = any)'),
      namedCriteria(ctx, join(criteria, 'headers'), 'Request headers', 'header'),
      namedCriteria(ctx, join(criteria, 'query'), 'Query parameters', 'query'),
    ),
    directivesEditor(ctx, join(p, 'directives')),
  );
}

function property(ctx: FormContext, index: number, count: number): HTMLElement {
  const p = join('/properties', index);
  const prop = get(ctx.doc, p) as JsonObject;
  const rulesPointer = join(p, 'match_rules');
  const rules = (get(ctx.doc, rulesPointer) as Json[] | undefined) ?? [];
  return h(
    'section',
    { class: 'property card', dataset: { pointer: p }, 'aria-labelledby': `property-${index}-title` },
    h('h3', { id: `property-${index}-title` }, `Property ${index + 1}`, prop.id ? `: ${String(prop.id)}` : ''),
    h(
      'div',
      { class: 'toolbar' },
      button(
        'Remove property',
        () => {
          set(ctx.doc, p, undefined);
          ctx.changed();
          ctx.rerender('/properties');
        },
        { class: 'small danger', disabled: count === 1, 'aria-label': `Remove property ${index + 1}` },
      ),
    ),
    h(
      'div',
      { class: 'row' },
      text(ctx, join(p, 'id'), 'Property id', { required: true, hint: 'Lower-case letters, digits and -.' }),
      text(ctx, join(p, 'primary_alias'), 'Primary alias', {
        required: true,
        hint: 'The main host name, e.g. www.example.com.',
      }),
    ),
    lines(ctx, join(p, 'aliases'), 'Aliases', { hint: 'Further host names, one per line.' }),
    origin(ctx, join(p, 'origin')),
    h(
      'details',
      { class: 'more' },
      h('summary', null, 'Cache key and TLS'),
      cacheKey(ctx, join(p, 'cache_key')),
      tls(ctx, join(p, 'tls')),
    ),
    h(
      'section',
      { class: 'rules', dataset: { pointer: rulesPointer }, 'aria-labelledby': `rules-${index}-title` },
      h('h4', { id: `rules-${index}-title` }, 'Match rules'),
      h('p', { class: 'hint' }, 'The first rule whose criteria match a request applies; order matters.'),
      rules.map((_, i) => matchRule(ctx, rulesPointer, i, rules.length)),
      button('Add match rule', () => {
        const list = (get(ctx.doc, rulesPointer) as Json[] | undefined) ?? [];
        set(ctx.doc, join(rulesPointer, list.length), {
          name: `rule ${list.length + 1}`,
          criteria: { path: { operator: 'starts_with', values: ['/'] } },
          directives: { cache_control: { internal: { policy: 'as_is' } } },
        });
        ctx.changed();
        ctx.rerender(join(rulesPointer, list.length, 'name'));
      }),
    ),
  );
}

export function newProperty(index: number): JsonObject {
  return { id: index === 0 ? 'www' : `property-${index + 1}`, primary_alias: '', origin: { host: '' } };
}

// The whole form: every property, and a button to add one.
export function documentForm(ctx: FormContext): HTMLElement {
  const properties = (get(ctx.doc, '/properties') as Json[] | undefined) ?? [];
  return h(
    'div',
    { class: 'document-form', dataset: { pointer: '' } },
    h('p', { class: 'field-error', id: 'document-error' }),
    h(
      'div',
      { dataset: { pointer: '/properties' } },
      properties.map((_, i) => property(ctx, i, properties.length)),
    ),
    button('Add property', () => {
      set(ctx.doc, join('/properties', properties.length), newProperty(properties.length));
      ctx.changed();
      ctx.rerender(join('/properties', properties.length, 'id'));
    }),
  );
}
