/**
 * Label selector matching, exactly as Kubernetes evaluates `matchLabels` and `matchExpressions`.
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors
 */
import { LabelOperator, SelectorModel } from '../model/types';

const hasOwn = Object.prototype.hasOwnProperty;

/** A label map. */
export type Labels = { readonly [key: string]: string };

/**
 * The keys of a label map in code-unit order, as `Object.keys(labels).sort()` gives them. A few keys (most label maps
 * have under ten) are sorted in place by insertion: `sort` allocates a work array per call, and this runs per workload
 * and per observed pod.
 */
export function sortedKeys(labels: Labels): string[] {
  const keys = Object.keys(labels);
  if (keys.length > 16) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i];
    let j = i - 1;
    while (j >= 0 && keys[j] > key) {
      keys[j + 1] = keys[j];
      j--;
    }
    keys[j + 1] = key;
  }
  return keys;
}

/** A copy of a label map with its keys in `sortedKeys` order (for stable output and keys). */
export function sortKeys(labels: Labels): { [key: string]: string } {
  const sorted: { [key: string]: string } = {};
  for (const key of sortedKeys(labels)) sorted[key] = labels[key];
  return sorted;
}

/**
 * Whether the labels satisfy every requirement of the selector. An empty selector (no matchLabels and no
 * matchExpressions) matches everything.
 */
export function matchesSelector(selector: SelectorModel, labels: Labels): boolean {
  const matchLabels = selector.matchLabels;
  if (matchLabels) {
    // `for...in` rather than `Object.keys`: no array per call (this runs millions of times); own keys only.
    for (const key in matchLabels) {
      if (!hasOwn.call(matchLabels, key)) continue;
      if (!hasOwn.call(labels, key) || labels[key] !== matchLabels[key]) return false;
    }
  }
  for (const expr of selector.matchExpressions ?? []) {
    const present = hasOwn.call(labels, expr.key);
    const values = expr.values ?? [];
    switch (expr.op) {
      case LabelOperator.IN:
        if (!present || !values.includes(labels[expr.key])) return false;
        break;
      case LabelOperator.NOT_IN:
        if (present && values.includes(labels[expr.key])) return false;
        break;
      case LabelOperator.EXISTS:
        if (!present) return false;
        break;
      case LabelOperator.DOES_NOT_EXIST:
        if (present) return false;
        break;
      default:
        // An unknown operator never matches (the API server rejects such selectors).
        return false;
    }
  }
  return true;
}

/** Whether the selector has no requirement at all, so it selects everything. */
export function isEmptySelector(selector: SelectorModel): boolean {
  return (!selector.matchLabels || Object.keys(selector.matchLabels).length === 0)
    && (!selector.matchExpressions || selector.matchExpressions.length === 0);
}

/** A canonical text of the selector (sorted keys and values), usable as a cache key and in messages. */
export function selectorKey(selector: SelectorModel): string {
  const matchLabels = selector.matchLabels;
  const parts: string[] = [];
  if (matchLabels) {
    const keys = Object.keys(matchLabels);
    if (keys.length > 1) keys.sort();
    for (const k of keys) parts.push(`${k}=${matchLabels[k]}`);
  }
  const expressions = selector.matchExpressions;
  if (expressions && expressions.length > 0) {
    const exprs = expressions.map(e => `${e.key} ${e.op}${e.values && e.values.length ? ` (${[...e.values].sort().join(',')})` : ''}`);
    if (exprs.length > 1) exprs.sort();
    for (const e of exprs) parts.push(e);
  }
  return parts.length === 0 ? '{}' : parts.length === 1 ? `{${parts[0]}}` : `{${parts.join(', ')}}`;
}
