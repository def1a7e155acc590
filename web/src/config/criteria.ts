// Forms for match-rule criteria: the path criterion (operator, values, negation, case) and
// lists of named header/query criteria.
import { h, uid, type Child } from '../ui/dom';
import { button } from '../ui/forms';
import { choice, flag, lines, text, type FormContext } from './bind';
import { get, join, set, type JsonObject } from './pointer';

const pathOperators = [
  { value: 'starts_with', label: 'starts with' },
  { value: 'equals', label: 'equals' },
  { value: 'ends_with', label: 'ends with' },
  { value: 'contains', label: 'contains' },
  { value: 'matches', label: 'matches glob (* and ?)' },
  { value: 'regex', label: 'matches regular expression' },
];
const namedOperators = [...pathOperators, { value: 'exists', label: 'exists' }];

// A fieldset whose error slot receives errors located at `pointer` itself.
export function section(legend: string, pointer: string, ...children: Child[]): HTMLFieldSetElement {
  const errorId = uid('section-error');
  return h(
    'fieldset',
    { class: 'subgroup', dataset: { pointer }, 'aria-describedby': errorId },
    h('legend', null, legend),
    h('p', { class: 'field-error', id: errorId }),
    ...children,
  );
}

export function pathCriterion(ctx: FormContext, pointer: string): HTMLElement {
  const present = get(ctx.doc, pointer) !== undefined;
  const id = uid('path-on');
  const toggle = h('input', { id, type: 'checkbox', checked: present });
  toggle.addEventListener('change', () => {
    set(ctx.doc, pointer, toggle.checked ? { operator: 'starts_with', values: ['/'] } : undefined);
    ctx.changed();
    ctx.rerender(toggle.checked ? join(pointer, 'operator') : pointer);
  });
  return section(
    'Path',
    pointer,
    h('div', { class: 'field field-checkbox' }, toggle, h('label', { for: id }, 'Match on the request path')),
    present
      ? [
          choice(ctx, join(pointer, 'operator'), 'Path operator', pathOperators),
          lines(ctx, join(pointer, 'values'), 'Path values', {
            hint: 'One per line; the criterion holds when any value matches.',
            required: true,
          }),
          flag(ctx, join(pointer, 'negate'), 'Negate: match requests whose path does NOT match'),
          flag(ctx, join(pointer, 'case_sensitive'), 'Case-sensitive', { defaultValue: true }),
        ]
      : null,
  );
}

// A list of named criteria (headers or query parameters), each with name, operator, values,
// negation and case sensitivity.
export function namedCriteria(
  ctx: FormContext,
  pointer: string,
  legend: string,
  kind: 'header' | 'query',
): HTMLElement {
  const items = (get(ctx.doc, pointer) as JsonObject[] | undefined) ?? [];
  const noun = kind === 'header' ? 'Header' : 'Query parameter';
  return section(
    legend,
    pointer,
    items.map((item, i) => {
      const p = join(pointer, i);
      const exists = item.operator === 'exists';
      return h(
        'div',
        { class: 'criterion', dataset: { pointer: p } },
        h(
          'div',
          { class: 'row' },
          text(ctx, join(p, 'name'), `${noun} ${i + 1} name`, { required: true }),
          choice(ctx, join(p, 'operator'), `${noun} ${i + 1} operator`, namedOperators, {
            structural: true,
            onChange: (v) => {
              set(ctx.doc, join(p, 'operator'), v);
              if (v === 'exists') set(ctx.doc, join(p, 'values'), undefined);
              else if (get(ctx.doc, join(p, 'values')) === undefined) set(ctx.doc, join(p, 'values'), []);
              ctx.changed();
            },
          }),
        ),
        exists ? null : lines(ctx, join(p, 'values'), `${noun} ${i + 1} values`, { required: true }),
        h(
          'div',
          { class: 'row' },
          flag(ctx, join(p, 'negate'), 'Negate'),
          flag(ctx, join(p, 'case_sensitive'), 'Case-sensitive'),
          button(
            `Remove ${noun.toLowerCase()} ${i + 1}`,
            () => {
              set(ctx.doc, p, undefined);
              ctx.changed();
              ctx.rerender(pointer);
            },
            { class: 'small danger' },
          ),
        ),
      );
    }),
    button(
      `Add ${noun.toLowerCase()} condition`,
      () => {
        const list = (get(ctx.doc, pointer) as JsonObject[] | undefined) ?? [];
        set(ctx.doc, join(pointer, list.length), { name: '', operator: 'exists' });
        ctx.changed();
        ctx.rerender(join(pointer, list.length, 'name'));
      },
      { class: 'small' },
    ),
  );
}
