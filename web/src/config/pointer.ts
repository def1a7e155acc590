// RFC 6901 JSON pointers over plain JSON values: the editor's forms read and write the draft
// document by pointer, and the API locates its validation errors the same way.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export function escapeToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function unescapeToken(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

export function join(base: string, ...tokens: Array<string | number>): string {
  return base + tokens.map((t) => `/${escapeToken(String(t))}`).join('');
}

export function tokens(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new Error(`not a JSON pointer: ${pointer}`);
  return pointer.slice(1).split('/').map(unescapeToken);
}

export function get(doc: Json, pointer: string): Json | undefined {
  let node: Json | undefined = doc;
  for (const token of tokens(pointer)) {
    if (Array.isArray(node)) node = node[Number(token)];
    else if (node && typeof node === 'object') node = (node as JsonObject)[token];
    else return undefined;
  }
  return node;
}

// Sets the value at `pointer`, creating missing objects on the way; `undefined` removes it.
export function set(doc: Json, pointer: string, value: Json | undefined): void {
  const path = tokens(pointer);
  if (path.length === 0) throw new Error('cannot replace the whole document');
  let node = doc as JsonObject | Json[];
  for (let i = 0; i < path.length - 1; i++) {
    const token = path[i]!;
    const container = node as Record<string, Json>;
    let next = Array.isArray(node) ? node[Number(token)] : container[token];
    if (next === undefined || next === null || typeof next !== 'object') {
      if (value === undefined) return;
      next = /^\d+$/.test(path[i + 1]!) ? [] : {};
      if (Array.isArray(node)) node[Number(token)] = next;
      else container[token] = next;
    }
    node = next as JsonObject | Json[];
  }
  const last = path[path.length - 1]!;
  if (Array.isArray(node)) {
    if (value === undefined) node.splice(Number(last), 1);
    else node[Number(last)] = value;
  } else if (value === undefined) {
    delete (node as JsonObject)[last];
  } else {
    (node as JsonObject)[last] = value;
  }
}

export function clone<T extends Json>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export interface Change {
  pointer: string;
  kind: 'added' | 'removed' | 'changed';
  before?: Json;
  after?: Json;
}

// Leaf-level differences between two documents, for "review changes" before saving. (The
// stored versions are diffed by the portal, which also follows renamed/moved rules.)
export function diff(before: Json | undefined, after: Json | undefined, pointer = ''): Change[] {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  if (before === undefined) return [{ pointer, kind: 'added', after }];
  if (after === undefined) return [{ pointer, kind: 'removed', before }];
  const bothObjects =
    before !== null &&
    after !== null &&
    typeof before === 'object' &&
    typeof after === 'object' &&
    Array.isArray(before) === Array.isArray(after);
  if (!bothObjects) return [{ pointer, kind: 'changed', before, after }];
  const changes: Change[] = [];
  if (Array.isArray(before) && Array.isArray(after)) {
    const length = Math.max(before.length, after.length);
    for (let i = 0; i < length; i++) changes.push(...diff(before[i], after[i], join(pointer, i)));
  } else {
    const b = before as JsonObject;
    const a = after as JsonObject;
    const keys = new Set([...Object.keys(b), ...Object.keys(a)]);
    for (const key of keys) changes.push(...diff(b[key], a[key], join(pointer, key)));
  }
  return changes;
}
