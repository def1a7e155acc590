// Forms for the directives of a match rule (docs/configuration.md, "Directives"). Each directive
// is switched on or off with a checkbox; its settings appear while it is on.
import { h, uid } from '../ui/dom';
import { button } from '../ui/forms';
import { choice, flag, headerMap, integer, lines, text, type FormContext } from './bind';
import { namedCriteria, section } from './criteria';
import { get, join, set, type Json, type JsonObject } from './pointer';

const methods = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'];

interface DirectiveSpec {
  key: string;
  label: string;
  summary: string;
  initial: () => JsonObject;
  form: (ctx: FormContext, pointer: string) => HTMLElement[];
}

function cacheControl(ctx: FormContext, p: string): HTMLElement[] {
  const internal = get(ctx.doc, join(p, 'internal')) as JsonObject | undefined;
  const external = get(ctx.doc, join(p, 'external')) as JsonObject | undefined;
  const setPolicy = (side: 'internal' | 'external', policy: string) => {
    if (!policy) set(ctx.doc, join(p, side), undefined);
    else set(ctx.doc, join(p, side), { policy });
    ctx.changed();
  };
  return [
    choice(
      ctx,
      join(p, 'internal', 'policy'),
      'How the edge caches',
      [
        { value: 'ttl', label: 'For a fixed time (TTL)' },
        { value: 'as_is', label: "As the origin's headers say" },
        { value: 'no_cache', label: 'Store, but revalidate every request' },
        { value: 'no_store', label: 'Never store' },
      ],
      { none: 'Not set by this rule', structural: true, onChange: (v) => setPolicy('internal', v) },
    ),
    internal?.policy === 'ttl'
      ? integer(ctx, join(p, 'internal', 'ttl_seconds'), 'Edge TTL (seconds)', {
          min: 0,
          max: 31536000,
          required: true,
        })
      : null,
    choice(
      ctx,
      join(p, 'external', 'policy'),
      'What clients are told',
      [
        { value: 'as_is', label: "The origin's Cache-Control" },
        { value: 'max_age', label: 'max-age of a fixed time' },
        { value: 'no_store', label: 'no-store' },
        { value: 'override', label: 'A Cache-Control value of your own' },
      ],
      { none: 'Not set by this rule', structural: true, onChange: (v) => setPolicy('external', v) },
    ),
    external?.policy === 'max_age'
      ? integer(ctx, join(p, 'external', 'max_age_seconds'), 'Client max-age (seconds)', {
          min: 0,
          max: 31536000,
          required: true,
        })
      : null,
    external?.policy === 'override'
      ? text(ctx, join(p, 'external', 'cache_control'), 'Cache-Control sent to clients', { required: true, mono: true })
      : null,
  ].filter((x): x is HTMLElement => x !== null);
}

function deny(ctx: FormContext, p: string): HTMLElement[] {
  const action = get(ctx.doc, join(p, 'action'));
  return [
    choice(
      ctx,
      join(p, 'action'),
      'Answer with',
      [
        { value: 'error', label: 'An error status' },
        { value: 'redirect', label: 'A redirect' },
      ],
      {
        structural: true,
        onChange: (v) => {
          set(ctx.doc, join(p, 'action'), v);
          set(ctx.doc, join(p, 'status'), v === 'redirect' ? 302 : 403);
          if (v !== 'redirect') set(ctx.doc, join(p, 'location'), undefined);
          else set(ctx.doc, join(p, 'location'), '');
          ctx.changed();
        },
      },
    ),
    integer(ctx, join(p, 'status'), 'Status', {
      hint: action === 'redirect' ? '301, 302, 303, 307 or 308 (default 302).' : '400–599 (default 403).',
    }),
    action === 'redirect'
      ? text(ctx, join(p, 'location'), 'Redirect to (absolute URL)', {
          required: true,
          placeholder: 'https://www.example.com/',
        })
      : null,
    namedCriteria(ctx, join(p, 'when_headers'), 'Only when these request headers match', 'header'),
  ].filter((x): x is HTMLElement => x !== null);
}

function geoBlocking(ctx: FormContext, p: string): HTMLElement[] {
  return [
    choice(ctx, join(p, 'mode'), 'Mode', [
      { value: 'allow', label: 'Serve only the listed countries' },
      { value: 'deny', label: 'Refuse the listed countries' },
    ]),
    lines(ctx, join(p, 'countries'), 'Countries', {
      hint: 'ISO 3166-1 alpha-2 codes, one per line (GB, not UK).',
      required: true,
    }),
    lines(ctx, join(p, 'ip_allowlist'), 'Always serve these addresses', {
      hint: 'IP addresses or CIDR blocks, one per line.',
    }),
  ];
}

function headerRewrite(ctx: FormContext, p: string): HTMLElement[] {
  return [
    headerMap(ctx, join(p, 'set'), 'Set (replace) headers', 'One "Name: value" per line.'),
    headerMap(ctx, join(p, 'add'), 'Add headers', 'One "Name: value" per line; kept beside existing values.'),
    lines(ctx, join(p, 'remove'), 'Remove headers', { hint: 'Header names, one per line.', removeWhenEmpty: true }),
  ];
}

function tokenAuth(ctx: FormContext, p: string): HTMLElement[] {
  const keysPointer = join(p, 'keys');
  const keys = (get(ctx.doc, keysPointer) as JsonObject[] | undefined) ?? [];
  const keyRows = section(
    'Signing keys (one, or two while rotating)',
    keysPointer,
    keys.map((_, i) =>
      h(
        'div',
        { class: 'row' },
        text(ctx, join(keysPointer, i, 'id'), `Key ${i + 1} id`, { required: true }),
        text(ctx, join(keysPointer, i, 'secret_ref'), `Key ${i + 1} secret name`, {
          required: true,
          hint: 'The name of a secret held by the portal, never the secret itself.',
        }),
        button(
          `Remove key ${i + 1}`,
          () => {
            set(ctx.doc, join(keysPointer, i), undefined);
            ctx.changed();
            ctx.rerender(keysPointer);
          },
          { class: 'small danger' },
        ),
      ),
    ),
    keys.length < 2
      ? button(
          'Add key',
          () => {
            set(ctx.doc, join(keysPointer, keys.length), { id: '', secret_ref: '' });
            ctx.changed();
            ctx.rerender(join(keysPointer, keys.length, 'id'));
          },
          { class: 'small' },
        )
      : null,
  );
  return [
    keyRows,
    h(
      'div',
      { class: 'row' },
      text(ctx, join(p, 'token_param'), 'Token parameter', { removeWhenEmpty: true, placeholder: 'token' }),
      text(ctx, join(p, 'expires_param'), 'Expiry parameter', { removeWhenEmpty: true, placeholder: 'expires' }),
      text(ctx, join(p, 'key_id_param'), 'Key id parameter', { removeWhenEmpty: true, placeholder: 'kid' }),
    ),
    integer(ctx, join(p, 'max_ttl_seconds'), 'Longest token lifetime (seconds)', { min: 1, max: 31536000 }),
    flag(ctx, join(p, 'bind_client_ip'), "Bind tokens to the client's IP address"),
    choice(
      ctx,
      join(p, 'failure_status'),
      'Status for a bad token',
      [
        { value: '401', label: '401' },
        { value: '403', label: '403' },
        { value: '404', label: '404' },
      ],
      { asNumber: true },
    ),
  ];
}

function secureFill(ctx: FormContext, p: string): HTMLElement[] {
  return [
    flag(ctx, join(p, 'enabled'), 'Fill from the origin over HTTPS', { defaultValue: true }),
    integer(ctx, join(p, 'port'), 'Origin HTTPS port', { min: 1, max: 65535, hint: 'Default 443.' }),
    flag(ctx, join(p, 'verify_certificate'), "Verify the origin's certificate", { defaultValue: true }),
    text(ctx, join(p, 'sni'), 'TLS server name (SNI)', { hint: 'Empty: the Host header.' }),
  ];
}

function methodChecks(ctx: FormContext, pointer: string, legend: string): HTMLElement {
  const current = (get(ctx.doc, pointer) as string[] | undefined) ?? [];
  const group = section(
    legend,
    pointer,
    methods.map((m) => {
      const id = uid('m');
      const box = h('input', { id, type: 'checkbox', checked: current.includes(m), value: m });
      box.addEventListener('change', () => {
        const now = ((get(ctx.doc, pointer) as string[] | undefined) ?? []).filter((x) => x !== m);
        if (box.checked) now.push(m);
        const ordered = methods.filter((x) => now.includes(x));
        set(ctx.doc, pointer, ordered.length ? ordered : undefined);
        ctx.changed();
      });
      return h('span', { class: 'check' }, box, h('label', { for: id }, m));
    }),
  );
  group.classList.add('checks');
  return group;
}

function cors(ctx: FormContext, p: string): HTMLElement[] {
  return [
    lines(ctx, join(p, 'allow_origins'), 'Allowed origins', {
      hint: 'https://app.example.com, one per line, or * alone.',
      required: true,
    }),
    methodChecks(ctx, join(p, 'allow_methods'), 'Allowed methods'),
    lines(ctx, join(p, 'allow_headers'), 'Allowed request headers', { removeWhenEmpty: true }),
    lines(ctx, join(p, 'expose_headers'), 'Exposed response headers', { removeWhenEmpty: true }),
    flag(ctx, join(p, 'allow_credentials'), 'Allow credentials'),
    integer(ctx, join(p, 'max_age_seconds'), 'Preflight max-age (seconds)', { min: 0, max: 86400 }),
  ];
}

export const directiveSpecs: DirectiveSpec[] = [
  {
    key: 'cache_control',
    label: 'Cache control',
    summary: 'edge TTL and what clients are told',
    initial: () => ({ internal: { policy: 'as_is' } }),
    form: cacheControl,
  },
  {
    key: 'deny',
    label: 'Deny',
    summary: 'refuse with an error or a redirect',
    initial: () => ({ action: 'error', status: 403 }),
    form: deny,
  },
  {
    key: 'geo_blocking',
    label: 'Geo blocking',
    summary: 'serve or refuse countries',
    initial: () => ({ mode: 'deny', countries: [] }),
    form: geoBlocking,
  },
  {
    key: 'request_headers',
    label: 'Request headers',
    summary: 'rewrite headers sent to the origin',
    initial: () => ({ set: {} }),
    form: headerRewrite,
  },
  {
    key: 'response_headers',
    label: 'Response headers',
    summary: 'rewrite headers sent to clients',
    initial: () => ({ set: {} }),
    form: headerRewrite,
  },
  {
    key: 'token_auth',
    label: 'Token authentication',
    summary: 'signed URLs',
    initial: () => ({ keys: [{ id: '', secret_ref: '' }] }),
    form: tokenAuth,
  },
  {
    key: 'secure_fill',
    label: 'Secure fill',
    summary: 'HTTPS to the origin',
    initial: () => ({ enabled: true }),
    form: secureFill,
  },
  {
    key: 'cors',
    label: 'CORS',
    summary: 'cross-origin resource sharing',
    initial: () => ({ allow_origins: ['*'] }),
    form: cors,
  },
];

// The directives of one rule: a switch per directive and the settings of those switched on.
export function directivesEditor(ctx: FormContext, pointer: string): HTMLElement {
  const directives = (get(ctx.doc, pointer) as JsonObject | undefined) ?? {};
  const group = section(
    'Directives',
    pointer,
    directiveSpecs.map((spec) => {
      const p = join(pointer, spec.key);
      const on = directives[spec.key] !== undefined;
      const id = uid('dir');
      const toggle = h('input', { id, type: 'checkbox', checked: on, dataset: { directive: spec.key } });
      toggle.addEventListener('change', () => {
        set(ctx.doc, p, toggle.checked ? (spec.initial() as Json) : undefined);
        ctx.changed();
        ctx.rerender(toggle.checked ? p : pointer);
      });
      return h(
        'div',
        { class: ['directive', on ? 'on' : ''], dataset: { pointer: p } },
        h(
          'div',
          { class: 'field field-checkbox' },
          toggle,
          h('label', { for: id }, h('strong', null, spec.label), h('span', { class: 'muted' }, ` — ${spec.summary}`)),
        ),
        on ? h('div', { class: 'directive-body' }, spec.form(ctx, p)) : null,
      );
    }),
  );
  group.classList.add('directives');
  return group;
}

export { methodChecks };
