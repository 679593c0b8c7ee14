import type * as Cdk8s from 'cdk8s';
import type { IWorkload } from './workload';
import { sortKeys } from './analysis/selectors';
import { ErrorCode, fail, requireArray, requireObject, requireValue } from './errors';
import { LabelExpressionModel, LabelOperator, SelectorModel } from './model/types';
import { checkLabelKey, checkLabelValue } from './model/validation';

/**
 * One requirement on a label, for `Selector.expressions()`: `tier In (web, api)`, `canary DoesNotExist`, ...
 *
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#set-based-requirement
 */
export class LabelExpression {
  /**
   * The label is present and its value is one of `values` (operator `In`).
   * @example LabelExpression.isIn('tier', ['web', 'api'])
   */
  public static isIn(key: string, values: string[]): LabelExpression {
    return LabelExpression.withValues('LabelExpression.isIn()', key, LabelOperator.IN, values);
  }

  /** The label is absent, or its value is none of `values` (operator `NotIn`). */
  public static isNotIn(key: string, values: string[]): LabelExpression {
    return LabelExpression.withValues('LabelExpression.isNotIn()', key, LabelOperator.NOT_IN, values);
  }

  /** The label is present, whatever its value (operator `Exists`). */
  public static exists(key: string): LabelExpression {
    checkKey('LabelExpression.exists()', key);
    return new LabelExpression(key, LabelOperator.EXISTS, []);
  }

  /** The label is absent (operator `DoesNotExist`). */
  public static doesNotExist(key: string): LabelExpression {
    checkKey('LabelExpression.doesNotExist()', key);
    return new LabelExpression(key, LabelOperator.DOES_NOT_EXIST, []);
  }

  private static withValues(api: string, key: string, operator: LabelOperator, values: string[]): LabelExpression {
    checkKey(api, key);
    if (values.length === 0) {
      fail(ErrorCode.INVALID_SELECTOR, api, `values is empty for key "${key}"; ${operator} needs at least one value. To require only that the label is present use LabelExpression.exists("${key}").`);
    }
    for (const value of values) {
      const problem = checkLabelValue(value);
      if (problem) fail(ErrorCode.INVALID_LABEL_VALUE, api, `${problem}.`);
    }
    return new LabelExpression(key, operator, [...new Set(values)].sort());
  }

  /** The label key. */
  public readonly key: string;
  /** The operator (`operator` in Kubernetes; renamed because it is a reserved word in C#). */
  public readonly op: LabelOperator;
  /** The values (sorted, without duplicates); empty for Exists and DoesNotExist. */
  public readonly values: string[];

  private constructor(key: string, operator: LabelOperator, values: string[]) {
    this.key = key;
    this.op = operator;
    this.values = values;
  }

  /** The `matchExpressions[]` entry. */
  public toModel(): LabelExpressionModel {
    return this.values.length > 0
      ? { key: this.key, op: this.op, values: [...this.values] }
      : { key: this.key, op: this.op };
  }

  /** kubectl's syntax: `tier in (api,web)`, `tier notin (web)`, `canary` (exists), `!canary` (does not exist). */
  public toString(): string {
    switch (this.op) {
      case LabelOperator.IN: return `${this.key} in (${this.values.join(',')})`;
      case LabelOperator.NOT_IN: return `${this.key} notin (${this.values.join(',')})`;
      case LabelOperator.EXISTS: return `${this.key}`;
      default: return `!${this.key}`;
    }
  }
}

/** Options for `Selector.of()`. */
export interface SelectorOptions {
  /**
   * Labels that must all be present with exactly these values (`matchLabels`).
   * @default - no label equality requirements
   */
  readonly labels?: { [key: string]: string };
  /**
   * Requirements that must all hold (`matchExpressions`).
   * @default - no expression requirements
   */
  readonly expressions?: LabelExpression[];
}

/**
 * A Kubernetes label selector over pods or namespaces.
 *
 * Selecting everything has to be said with `Selector.all()`: an empty labels object or an empty expression list is
 * an error, so a typo can never widen a policy to every pod.
 *
 * @example
 * Selector.labels({ app: 'api' })
 * Selector.of({ labels: { app: 'api' }, expressions: [LabelExpression.isIn('tier', ['web'])] })
 * Selector.all()
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors
 */
export class Selector {
  /** Every pod (or every namespace): the empty selector `{}`. */
  public static all(): Selector {
    return new Selector({}, []);
  }

  /** Objects carrying all of these labels with exactly these values (`matchLabels`). At least one label. */
  public static labels(labels: { [key: string]: string }): Selector {
    return Selector.build('Selector.labels()', requireObject('Selector.labels()', 'labels', labels, '{ app: "api" }'), []);
  }

  /** Objects meeting all of these requirements (`matchExpressions`). At least one requirement. */
  public static expressions(expressions: LabelExpression[]): Selector {
    const api = 'Selector.expressions()';
    return Selector.build(api, {}, requireArray(api, 'expressions', expressions, e => e instanceof LabelExpression, 'LabelExpression.isIn("tier", ["web"])'));
  }

  /** Objects meeting both label and expression requirements. At least one of the two must be non-empty. */
  public static of(options: SelectorOptions): Selector {
    const api = 'Selector.of()';
    requireObject(api, 'options', options, '{ labels: { app: "api" } }');
    const labels = options.labels === undefined ? {} : requireObject(api, 'options.labels', options.labels, '{ app: "api" }');
    const expressions = options.expressions === undefined ? [] : requireArray(api, 'options.expressions', options.expressions, e => e instanceof LabelExpression, 'LabelExpression.exists("tier")');
    return Selector.build(api, labels, expressions);
  }

  /**
   * The pods of a workload (a cdk8s-plus Deployment, StatefulSet, DaemonSet, Job or Pod of any cdk8s-plus version;
   * see `IWorkload`), selected by the labels of its pod template; cdk8s' generated `cdk8s.io/metadata.addr` label is
   * never used. The labels are read at synth, so labels added after this call count.
   */
  public static podsOf(workload: IWorkload): Selector {
    return new Selector({}, [], requireWorkload('Selector.podsOf()', workload));
  }

  /**
   * `Selector.podsOf()` on behalf of another API, which errors then name.
   * @internal
   */
  public static _podsOf(workload: IWorkload, api: string): Selector {
    return new Selector({}, [], requireWorkload(api, workload), api);
  }

  private static build(api: string, labels: { [key: string]: string }, expressions: LabelExpression[]): Selector {
    if (Object.keys(labels).length === 0 && expressions.length === 0) {
      fail(ErrorCode.INVALID_SELECTOR, api, 'the selector is empty, which would select everything. Say Selector.all() if every pod or namespace is meant; otherwise give at least one label, e.g. Selector.labels({ app: "api" }).');
    }
    for (const [key, value] of Object.entries(labels)) {
      checkKey(api, key);
      const problem = checkLabelValue(value);
      if (problem) fail(ErrorCode.INVALID_LABEL_VALUE, api, `${problem} (label "${key}").`);
    }
    return new Selector(labels, expressions);
  }

  /** The workload this selector stands for, if it was made by `Selector.podsOf()`. */
  public readonly workload?: IWorkload;
  private readonly labels: { [key: string]: string };
  private readonly expressions: LabelExpression[];
  private readonly workloadApi: string;

  private constructor(labels: { [key: string]: string }, expressions: LabelExpression[], workload?: IWorkload, workloadApi = 'Selector.podsOf()') {
    this.labels = sortKeys(labels);
    this.expressions = [...expressions];
    this.workload = workload;
    this.workloadApi = workloadApi;
  }

  /** `matchExpressions` (a copy). */
  public get matchExpressions(): LabelExpression[] {
    return [...this.expressions];
  }

  /** `matchLabels`, with keys in sorted order (for a workload, its pod labels as they are now). */
  public get matchLabels(): { [key: string]: string } {
    return this.workload ? workloadLabels(this.workload, this.workloadApi) : { ...this.labels };
  }

  /** Whether this is the empty selector, which selects everything. */
  public get isAll(): boolean {
    return !this.workload && Object.keys(this.labels).length === 0 && this.expressions.length === 0;
  }

  /**
   * The namespace of the workload's pods, for `Selector.podsOf()` selectors (undefined: the chart has no
   * namespace, or the selector is not a workload's).
   */
  public get workloadNamespace(): string | undefined {
    return this.workload ? workloadNamespace(this.workload) : undefined;
  }

  /**
   * A short DNS-safe word naming what is selected, used to derive policy names: the workload's construct id, else
   * the value of the first of the labels `app.kubernetes.io/name`, `app`, `k8s-app`, `name`, `component`, `role`,
   * else the first label value or key; `all` for the empty selector.
   */
  public get nameHint(): string {
    if (this.workload) return dnsWord(this.workload.node.id);
    if (this.isAll) return 'all';
    const preferred = ['app.kubernetes.io/name', 'app', 'k8s-app', 'name', 'component', 'role'];
    const key = preferred.find(k => this.labels[k]) ?? Object.keys(this.labels).find(k => this.labels[k]);
    if (key) return dnsWord(this.labels[key]);
    return dnsWord(Object.keys(this.labels)[0] ?? this.expressions[0].key.split('/').pop()!);
  }

  /** The Kubernetes `LabelSelector`; `{}` for `Selector.all()`. */
  public toModel(): SelectorModel {
    const model: { matchLabels?: { [key: string]: string }; matchExpressions?: LabelExpressionModel[] } = {};
    const labels = this.matchLabels;
    if (Object.keys(labels).length > 0) model.matchLabels = labels;
    if (this.expressions.length > 0) model.matchExpressions = this.expressions.map(e => e.toModel());
    return model;
  }

  /** kubectl's selector syntax: `app=api,tier in (web)`; `all` for the empty selector; `pods of <path>` for a workload. */
  public toString(): string {
    if (this.workload) return `pods of ${this.workload.node.path}`;
    if (this.isAll) return 'all';
    return [
      ...Object.entries(this.matchLabels).map(([k, v]) => `${k}=${v}`),
      ...this.expressions.map(e => e.toString()),
    ].join(',');
  }
}

function checkKey(api: string, key: string): void {
  const problem = checkLabelKey(key);
  if (problem) fail(ErrorCode.INVALID_LABEL_KEY, api, `${problem}.`);
}

/** The label cdk8s-plus adds to every pod it creates; it identifies a construct, not an application. */
const CDK8S_ADDRESS_LABEL = 'cdk8s.io/metadata.addr';

function workloadLabels(workload: IWorkload, api: string): { [key: string]: string } {
  const labels: { [key: string]: string } = { ...(workload.podMetadata.toJson().labels ?? {}) };
  delete labels[CDK8S_ADDRESS_LABEL];
  if (Object.keys(labels).length === 0) {
    fail(ErrorCode.INVALID_WORKLOAD, api, `${workload.constructor.name} "${workload.node.path}" has no pod labels of its own (cdk8s' generated "${CDK8S_ADDRESS_LABEL}" label is not used). Give its pods a label, e.g. podMetadata: { labels: { app: "${dnsWord(workload.node.id)}" } }.`);
  }
  return sortKeys(labels);
}

function workloadNamespace(workload: IWorkload): string | undefined {
  // cdk8s is loaded here, on first use: the CLI reads selectors (lint's cluster DNS) without constructs and starts
  // faster without it.
  const { ApiObject, Chart } = require('cdk8s') as typeof Cdk8s;
  return ApiObject.of(workload).metadata.namespace ?? Chart.of(workload).namespace;
}

/**
 * Lowercase, DNS-label-safe form of a word, for derived names (`ApiServer` -> `api-server`).
 * @internal
 */
export function dnsWord(text: string): string {
  const kebab = text.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
  return kebab.replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'x';
}

/**
 * Returns `workload` if it looks like one (a construct with `podMetadata`); otherwise throws, for untyped callers.
 * @internal
 */
export function requireWorkload(api: string, workload: IWorkload): IWorkload {
  return requireValue(api, 'the workload', workload, w => typeof w === 'object' && w !== null && 'node' in w && 'podMetadata' in w,
    'a cdk8s-plus Deployment, StatefulSet, DaemonSet, Job or Pod (any construct with podMetadata)');
}
