// The configuration editor: forms and raw JSON over one draft, validation with errors shown at
// their fields, review of the changes, saving a new version (If-Match of the version edited)
// and deploying it.
import { api, ApiError, type FieldError } from '../api/client';
import type { ConfigurationVersion, Service } from '../api/types';
import { personName } from '../api/types';
import { refresh, setLeaveGuard, type Params } from '../app/router';
import { mayConfigure } from '../app/session';
import { formatTime, h, replaceChildren, uid } from '../ui/dom';
import { announce, errorBox, fillErrorBox, notice } from '../ui/feedback';
import { clearFieldErrors, focusPointer, inputField, showFieldErrors } from '../ui/forms';
import type { FormContext } from '../config/bind';
import { clone, diff, type Json, type JsonObject } from '../config/pointer';
import { documentForm, newProperty } from '../config/property-form';
import { errorPage, loadService, serviceFrame } from './common';
import { deployPanel } from './deploy-panel';

interface Loaded {
  version: ConfigurationVersion | null;
  etag: string | null;
  // The latest stored content, which "Review changes" compares against (set when the draft
  // starts from an older version's content).
  latestDocument?: ConfigurationVersion['document'];
}

async function loadVersion(scid: string, which: string): Promise<Loaded> {
  try {
    const { data, etag } = await api.get<ConfigurationVersion>(`/api/v1/services/${scid}/configurations/${which}`);
    return { version: normaliseVersion(data), etag: etag ?? (data?.version ? `"v${data.version}"` : null) };
  } catch (error) {
    // A service without any saved configuration has no "latest" yet.
    if (which === 'latest' && error instanceof ApiError && error.status === 404) return { version: null, etag: null };
    throw error;
  }
}

// A version resource: metadata beside the document ("document"), or the document itself.
export function normaliseVersion(data: unknown): ConfigurationVersion {
  const r = (data ?? {}) as Record<string, unknown>;
  const document = (r.document ??
    r.configuration ??
    (Array.isArray(r.properties) ? r : undefined)) as ConfigurationVersion['document'];
  return {
    version: Number(r.version),
    author: (r.author ?? r.author_name ?? null) as ConfigurationVersion['author'],
    deployed_to: Array.isArray(r.deployed_to) ? (r.deployed_to as string[]) : undefined,
    created_at: (r.created_at as string | undefined) ?? undefined,
    comment: (r.comment as string | undefined) ?? '',
    document,
  };
}

// Validation errors of the document may be located in the request body, under /document.
function documentErrors(errors: FieldError[] | undefined): FieldError[] {
  return (errors ?? []).map((e) => ({
    ...e,
    pointer:
      e.pointer === '/document'
        ? ''
        : e.pointer.startsWith('/document/')
          ? e.pointer.slice('/document'.length)
          : e.pointer,
  }));
}

export async function configurationView(params: Params, query: URLSearchParams): Promise<HTMLElement> {
  const scid = params.scid!;
  let service: Service;
  let loaded: Loaded;
  try {
    service = await loadService(scid);
    const from = query.get('from');
    loaded = await loadVersion(scid, 'latest');
    if (from && loaded.version && String(loaded.version.version) !== from) {
      // Editing from an older version: its content, but saved on top of the latest.
      const older = await loadVersion(scid, from);
      loaded = {
        version: { ...loaded.version, document: older.version?.document },
        etag: loaded.etag,
        latestDocument: loaded.version.document,
      };
      announce(`Starting from the content of version ${from}.`);
    }
  } catch (error) {
    return errorPage(error, 'service');
  }
  return new ConfigurationEditor(service, loaded, query.get('from')).render();
}

class ConfigurationEditor implements FormContext {
  doc: JsonObject;
  private base: JsonObject;
  private etag: string | null;
  private version: ConfigurationVersion | null;
  private tab: 'form' | 'json' = 'form';
  private dirty = false;
  private comment = '';

  private readonly summary = h('div', {
    class: 'error-summary',
    role: 'alert',
    tabindex: '-1',
    'aria-live': 'assertive',
  });
  private readonly conflict = Object.assign(errorBox(null), { tabIndex: -1 });
  private readonly formPanel = h('div', { role: 'tabpanel', id: uid('panel'), class: 'tab-panel' });
  private readonly jsonPanel = h('div', { role: 'tabpanel', id: uid('panel'), class: 'tab-panel', hidden: true });
  private readonly jsonArea = h('textarea', {
    id: 'config-json',
    class: 'mono json-editor',
    rows: 28,
    spellcheck: 'false',
    'aria-describedby': 'config-json-hint config-json-error',
    dataset: { pointer: '' },
  });
  private readonly dirtyFlag = h('span', { class: 'dirty-flag', 'aria-live': 'polite' });
  private readonly review = h('div', { class: 'review' });
  private readonly result = h('div', { class: 'save-result' });
  private readonly tabs: Record<'form' | 'json', HTMLButtonElement>;
  private readonly saveButton = h('button', { type: 'submit', class: 'primary' }, 'Save new version');

  constructor(
    private readonly service: Service,
    loaded: Loaded,
    private readonly from: string | null,
  ) {
    this.version = loaded.version;
    this.etag = loaded.etag;
    const initial = (loaded.version?.document as JsonObject | undefined) ?? {
      scid: service.scid,
      properties: [newProperty(0)],
    };
    this.base = clone((loaded.latestDocument as JsonObject | undefined) ?? initial);
    this.doc = clone(initial);
    if (loaded.latestDocument) this.changed();
    this.tabs = {
      form: this.tabButton('form', 'Form'),
      json: this.tabButton('json', 'JSON'),
    };
  }

  changed(): void {
    this.dirty = true;
    this.dirtyFlag.textContent = 'Unsaved changes';
  }

  rerender(focus?: string): void {
    replaceChildren(this.formPanel, documentForm(this));
    if (focus !== undefined) focusPointer(this.formPanel, focus);
  }

  private tabButton(which: 'form' | 'json', label: string): HTMLButtonElement {
    const button = h('button', { type: 'button', role: 'tab', id: `tab-${which}`, class: 'tab' }, label);
    button.addEventListener('click', () => this.switchTab(which));
    button.addEventListener('keydown', (e: KeyboardEvent) => {
      if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
        e.preventDefault();
        const other = which === 'form' ? 'json' : 'form';
        this.switchTab(other);
        this.tabs[other].focus();
      }
    });
    return button;
  }

  // Switching to the form parses the JSON text; a syntax error keeps the JSON tab open.
  private switchTab(which: 'form' | 'json'): boolean {
    if (which === this.tab) return true;
    if (which === 'form' && !this.takeJson()) return false;
    if (which === 'json') this.jsonArea.value = JSON.stringify(this.doc, null, 2);
    else this.rerender();
    this.tab = which;
    this.syncTabs();
    return true;
  }

  private syncTabs(): void {
    for (const which of ['form', 'json'] as const) {
      const selected = this.tab === which;
      this.tabs[which].setAttribute('aria-selected', String(selected));
      this.tabs[which].tabIndex = selected ? 0 : -1;
    }
    this.formPanel.hidden = this.tab !== 'form';
    this.jsonPanel.hidden = this.tab !== 'json';
  }

  // Reads the JSON tab into the draft; false (with the reason shown) when it is not JSON.
  private takeJson(): boolean {
    if (this.tab !== 'json') return true;
    try {
      const parsed = JSON.parse(this.jsonArea.value) as Json;
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
        throw new Error('the document must be a JSON object');
      if (JSON.stringify(parsed) !== JSON.stringify(this.doc)) this.changed();
      this.doc = parsed as JsonObject;
      this.jsonArea.removeAttribute('aria-invalid');
      return true;
    } catch (error) {
      this.showErrors(
        [{ pointer: '', message: `Not valid JSON: ${error instanceof Error ? error.message : String(error)}` }],
        'The JSON cannot be read',
      );
      return false;
    }
  }

  private showErrors(errors: FieldError[], title: string): void {
    const formErrorsUnplaced = showFieldErrors(this.root ?? this.formPanel, errors);
    const jsonError = document.getElementById('config-json-error');
    if (jsonError) jsonError.textContent = '';
    if (this.tab === 'json' && errors.length > 0) {
      this.jsonArea.setAttribute('aria-invalid', 'true');
      if (jsonError) jsonError.textContent = errors.map((e) => `${e.pointer || '(document)'}: ${e.message}`).join('\n');
    }
    replaceChildren(
      this.summary,
      h('h2', null, title),
      h('p', null, errors.length === 1 ? '1 problem to fix:' : `${errors.length} problems to fix:`),
      h(
        'ul',
        null,
        errors.map((e) =>
          h(
            'li',
            null,
            h(
              'button',
              {
                type: 'button',
                class: 'link-button',
                dataset: { errorPointer: e.pointer },
                onClick: () => {
                  if (this.tab === 'json') {
                    this.jsonArea.focus();
                    return;
                  }
                  focusPointer(this.formPanel, e.pointer);
                },
              },
              h('code', null, e.pointer || '(document)'),
            ),
            ' ',
            e.message,
            formErrorsUnplaced.includes(e) && this.tab === 'form'
              ? h('span', { class: 'muted small' }, ' (edit in the JSON tab)')
              : null,
          ),
        ),
      ),
    );
    this.summary.classList.add('visible');
  }

  private clearErrors(): void {
    clearFieldErrors(this.root ?? this.formPanel);
    this.summary.replaceChildren();
    this.summary.classList.remove('visible');
    fillErrorBox(this.conflict, null);
    this.jsonArea.removeAttribute('aria-invalid');
    const jsonError = document.getElementById('config-json-error');
    if (jsonError) jsonError.textContent = '';
  }

  private handleFailure(error: unknown): void {
    if (error instanceof ApiError && error.problem.errors && error.problem.errors.length > 0) {
      this.showErrors(
        documentErrors(error.problem.errors),
        error.status === 409 ? 'Conflicts with other services' : 'The configuration is not valid',
      );
      this.summary.focus();
      return;
    }
    if (error instanceof ApiError && error.status === 412) {
      const reload = h('button', { type: 'button', class: 'primary' }, 'Reload the latest version');
      reload.addEventListener('click', () => {
        this.dirty = false;
        refresh();
      });
      fillErrorBox(
        this.conflict,
        new ApiError(
          {
            ...error.problem,
            title: 'Someone else saved a newer version',
            detail: `Another user saved this service's configuration after you opened version ${this.version?.version ?? '—'}. Your edits were not saved. Reload to continue from the latest version (your edits here are discarded — copy them from the JSON tab first if you need them).`,
          },
          null,
          null,
        ),
        reload,
      );
      this.conflict.focus();
      return;
    }
    fillErrorBox(this.conflict, error);
    this.conflict.focus();
  }

  private async validate(button: HTMLButtonElement): Promise<void> {
    if (!this.takeJson()) return;
    this.clearErrors();
    button.disabled = true;
    try {
      await api.post(`/api/v1/services/${this.service.scid}/configurations/validate`, { document: this.doc });
      replaceChildren(this.result, notice('The configuration is valid.', 'success'));
      announce('The configuration is valid.');
    } catch (error) {
      this.handleFailure(error);
    } finally {
      button.disabled = false;
    }
  }

  private async save(): Promise<void> {
    if (!this.takeJson()) return;
    this.clearErrors();
    replaceChildren(this.result);
    this.saveButton.disabled = true;
    try {
      const { data, etag } = await api.post<unknown>(
        `/api/v1/services/${this.service.scid}/configurations`,
        { comment: this.comment, document: this.doc },
        { ifMatch: this.etag ?? undefined },
      );
      const saved = normaliseVersion(data);
      this.version = saved;
      this.etag = etag ?? `"v${saved.version}"`;
      if (saved.document) this.doc = clone(saved.document as JsonObject);
      this.base = clone(this.doc);
      this.dirty = false;
      this.dirtyFlag.textContent = '';
      this.comment = '';
      const commentInput = document.getElementById('config-comment') as HTMLInputElement | null;
      if (commentInput) commentInput.value = '';
      if (this.tab === 'form') this.rerender();
      else this.jsonArea.value = JSON.stringify(this.doc, null, 2);
      this.renderReview();
      this.renderHeading();
      replaceChildren(
        this.result,
        h(
          'div',
          { class: 'notice notice-success', role: 'status' },
          h('p', null, h('strong', null, `Saved version ${saved.version}.`), ' Deploy it to the edges:'),
          mayConfigure() ? deployPanel(this.service.scid, saved.version) : null,
        ),
      );
      announce(`Saved version ${saved.version}.`);
    } catch (error) {
      this.handleFailure(error);
    } finally {
      this.saveButton.disabled = false;
    }
  }

  private renderReview(): void {
    if (this.tab === 'json') {
      try {
        this.doc = JSON.parse(this.jsonArea.value) as JsonObject;
      } catch {
        /* shown when saving */
      }
    }
    const changes = diff(this.base, this.doc);
    replaceChildren(
      this.review,
      changes.length === 0
        ? h('p', { class: 'muted' }, 'No changes.')
        : h(
            'ul',
            { class: 'changes' },
            changes.map((c) =>
              h(
                'li',
                { class: `change-${c.kind}` },
                h('code', null, c.pointer || '(document)'),
                ` ${c.kind}: `,
                c.kind !== 'added' ? h('del', null, JSON.stringify(c.before)) : null,
                c.kind === 'changed' ? ' → ' : null,
                c.kind !== 'removed' ? h('ins', null, JSON.stringify(c.after)) : null,
              ),
            ),
          ),
    );
  }

  private readonly heading = h('p', { class: 'version-line' });
  private root: HTMLElement | null = null;

  private renderHeading(): void {
    const v = this.version;
    replaceChildren(
      this.heading,
      v
        ? [
            `Editing on top of version ${v.version}`,
            this.from && this.from !== String(v.version) ? ` (starting from the content of version ${this.from})` : '',
            `, saved by ${personName(v.author)} at ${formatTime(v.created_at)}`,
            v.comment ? [': ', h('q', null, v.comment)] : '',
            '. ',
            h('a', { href: `/services/${this.service.scid}/history` }, 'History'),
          ]
        : 'No configuration has been saved for this service yet. Fill in the form and save the first version.',
    );
  }

  render(): HTMLElement {
    this.renderHeading();
    this.rerender();
    this.syncTabs();
    this.renderReview();
    const readOnly = !mayConfigure();

    replaceChildren(
      this.jsonPanel,
      h('label', { for: 'config-json' }, 'Configuration document (JSON)'),
      h(
        'p',
        { class: 'hint', id: 'config-json-hint' },
        'The format is described in docs/configuration.md. Switching back to the form reads this text.',
      ),
      this.jsonArea,
      h('p', { class: 'field-error', id: 'config-json-error' }),
    );
    this.jsonArea.addEventListener('input', () => this.changed());
    this.formPanel.setAttribute('aria-labelledby', 'tab-form');
    this.jsonPanel.setAttribute('aria-labelledby', 'tab-json');
    this.tabs.form.setAttribute('aria-controls', this.formPanel.id);
    this.tabs.json.setAttribute('aria-controls', this.jsonPanel.id);

    const validateButton = h('button', { type: 'button' }, 'Validate');
    validateButton.addEventListener('click', () => void this.validate(validateButton));

    const reviewDetails = h('details', { class: 'review-details' }, h('summary', null, 'Review changes'), this.review);
    reviewDetails.addEventListener('toggle', () => reviewDetails.open && this.renderReview());

    const saveForm = h(
      'form',
      {
        class: 'save-bar card',
        'aria-labelledby': 'save-title',
        novalidate: true,
        onSubmit: (e: Event) => {
          e.preventDefault();
          void this.save();
        },
      },
      h('h2', { id: 'save-title' }, 'Save'),
      inputField({
        label: 'Comment for this version',
        id: 'config-comment',
        value: '',
        pointer: '/comment',
        hint: 'What changed and why; shown in the history.',
        onInput: (v) => (this.comment = v),
      }),
      h('div', { class: 'actions' }, validateButton, this.saveButton, this.dirtyFlag),
      reviewDetails,
    );

    setLeaveGuard(() =>
      this.dirty && this.formPanel.isConnected ? 'Leave the editor? Your unsaved changes will be lost.' : null,
    );

    this.root = serviceFrame(
      this.service,
      '/configuration',
      'Configuration',
      this.heading,
      readOnly ? notice('Your roles let you read this configuration but not change it.', 'info') : null,
      this.conflict,
      this.summary,
      h('div', { role: 'tablist', 'aria-label': 'Editor view', class: 'tablist' }, this.tabs.form, this.tabs.json),
      this.formPanel,
      this.jsonPanel,
      readOnly ? null : saveForm,
      this.result,
    );
    return this.root;
  }
}
