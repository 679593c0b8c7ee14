import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { ErrorCode, LabelExpression, LabelOperator, Selector } from '../lib';
import { dnsWord } from '../lib/selector';
import { checkSelector } from '../lib/model/validation';

/** Asserts that `fn` throws a NetpolError with this code and a message matching `message`. */
function expectError(fn: () => unknown, code: ErrorCode, message: string | RegExp): void {
  expect(fn).toThrow(message);
  expect(fn).toThrow(expect.objectContaining({ code }));
}

const EMPTY_SELECTOR_FIX = 'the selector is empty, which would select everything. Say Selector.all() if every pod or namespace is meant; otherwise give at least one label, e.g. Selector.labels({ app: "api" }).';

describe('LabelExpression', () => {
  test('isIn() renders operator In with sorted values without duplicates', () => {
    // WHEN
    const expression = LabelExpression.isIn('tier', ['web', 'api', 'web']);

    // THEN
    expect(expression.toModel()).toEqual({ key: 'tier', op: LabelOperator.IN, values: ['api', 'web'] });
    expect(expression.op).toBe(LabelOperator.IN);
    expect(expression.toString()).toBe('tier in (api,web)');
  });

  test('isNotIn() renders operator NotIn', () => {
    // WHEN
    const expression = LabelExpression.isNotIn('env', ['prod']);

    // THEN
    expect(expression.toModel()).toEqual({ key: 'env', op: LabelOperator.NOT_IN, values: ['prod'] });
    expect(expression.toString()).toBe('env notin (prod)');
  });

  test('exists() renders operator Exists with no values field', () => {
    // WHEN
    const model = LabelExpression.exists('canary').toModel();

    // THEN
    expect(model).toEqual({ key: 'canary', op: LabelOperator.EXISTS });
    expect(model).not.toHaveProperty('values');
    expect(LabelExpression.exists('canary').toString()).toBe('canary');
  });

  test('doesNotExist() renders operator DoesNotExist with no values field', () => {
    // WHEN
    const model = LabelExpression.doesNotExist('example.com/canary').toModel();

    // THEN
    expect(model).toEqual({ key: 'example.com/canary', op: LabelOperator.DOES_NOT_EXIST });
    expect(model).not.toHaveProperty('values');
    expect(LabelExpression.doesNotExist('canary').toString()).toBe('!canary');
  });

  test('accepts the empty value in a list', () => {
    // THEN
    expect(LabelExpression.isIn('tier', ['']).values).toEqual(['']);
  });

  test('does not share its values with the caller', () => {
    // GIVEN
    const values = ['api'];
    const expression = LabelExpression.isIn('tier', values);

    // WHEN
    values.push('web');
    expression.toModel().values!.push('db');

    // THEN
    expect(expression.toModel().values).toEqual(['api']);
  });

  test('throws if In has no values, and points to exists()', () => {
    // THEN
    expectError(() => LabelExpression.isIn('tier', []), ErrorCode.INVALID_SELECTOR,
      'LabelExpression.isIn(): values is empty for key "tier"; In needs at least one value. To require only that the label is present use LabelExpression.exists("tier").');
  });

  test('throws if NotIn has no values', () => {
    // THEN
    expectError(() => LabelExpression.isNotIn('tier', []), ErrorCode.INVALID_SELECTOR,
      'LabelExpression.isNotIn(): values is empty for key "tier"; NotIn needs at least one value.');
  });

  test('throws if a value is invalid', () => {
    // THEN
    expectError(() => LabelExpression.isIn('tier', ['web', '-api']), ErrorCode.INVALID_LABEL_VALUE,
      'LabelExpression.isIn(): label value "-api" is not valid: use letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit (or the empty string).');
    expectError(() => LabelExpression.isNotIn('tier', ['a'.repeat(64)]), ErrorCode.INVALID_LABEL_VALUE,
      /^LabelExpression\.isNotIn\(\): label value "a{64}" is 64 characters long; at most 63 are allowed\.$/);
  });

  test.each([
    ['isIn', () => LabelExpression.isIn('Bad Key', ['x'])],
    ['isNotIn', () => LabelExpression.isNotIn('Bad Key', ['x'])],
    ['exists', () => LabelExpression.exists('Bad Key')],
    ['doesNotExist', () => LabelExpression.doesNotExist('Bad Key')],
  ])('%s() throws if the key is invalid', (name, make) => {
    // THEN
    expectError(make, ErrorCode.INVALID_LABEL_KEY,
      `LabelExpression.${name}(): label key "Bad Key" is not a valid name: use letters, digits, '-', '_' and '.', starting and ending with a letter or digit.`);
  });
});

describe('Selector.all()', () => {
  test('renders the empty selector', () => {
    // WHEN
    const selector = Selector.all();

    // THEN
    expect(selector.toModel()).toEqual({});
    expect(selector.isAll).toBe(true);
    expect(selector.toString()).toBe('all');
    expect(selector.nameHint).toBe('all');
    expect(selector.matchLabels).toEqual({});
    expect(selector.matchExpressions).toEqual([]);
    expect(selector.workload).toBeUndefined();
    expect(selector.workloadNamespace).toBeUndefined();
  });
});

describe('Selector.labels()', () => {
  test('renders matchLabels with sorted keys', () => {
    // WHEN
    const selector = Selector.labels({ tier: 'web', app: 'api' });

    // THEN
    expect(selector.toModel()).toEqual({ matchLabels: { app: 'api', tier: 'web' } });
    expect(Object.keys(selector.toModel().matchLabels!)).toEqual(['app', 'tier']);
    expect(selector.toModel()).not.toHaveProperty('matchExpressions');
    expect(selector.isAll).toBe(false);
    expect(selector.toString()).toBe('app=api,tier=web');
  });

  test('keeps an empty label value as a requirement, not as "select everything"', () => {
    // WHEN
    const selector = Selector.labels({ canary: '' });

    // THEN
    expect(selector.toModel()).toEqual({ matchLabels: { canary: '' } });
    expect(selector.isAll).toBe(false);
  });

  test('accepts prefixed keys', () => {
    // THEN
    expect(Selector.labels({ 'app.kubernetes.io/name': 'api' }).toModel()).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'api' } });
  });

  test('does not change when the caller changes its labels object', () => {
    // GIVEN
    const labels: { [key: string]: string } = { app: 'api' };
    const selector = Selector.labels(labels);

    // WHEN
    labels.app = 'web';
    selector.matchLabels.app = 'db';

    // THEN
    expect(selector.toModel()).toEqual({ matchLabels: { app: 'api' } });
  });

  test('throws if no label is given', () => {
    // THEN
    expectError(() => Selector.labels({}), ErrorCode.INVALID_SELECTOR, `Selector.labels(): ${EMPTY_SELECTOR_FIX}`);
  });

  test('throws if a key is invalid', () => {
    // THEN
    expectError(() => Selector.labels({ 'a/b/c': 'x' }), ErrorCode.INVALID_LABEL_KEY,
      'Selector.labels(): label key "a/b/c" has more than one \'/\'; keys are "name" or "prefix/name".');
  });

  test('throws if a value is invalid, naming the label', () => {
    // THEN
    expectError(() => Selector.labels({ app: 'my app' }), ErrorCode.INVALID_LABEL_VALUE,
      'Selector.labels(): label value "my app" is not valid: use letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit (or the empty string) (label "app").');
  });
});

describe('Selector.expressions()', () => {
  test('renders matchExpressions in the given order', () => {
    // WHEN
    const selector = Selector.expressions([LabelExpression.isIn('tier', ['web']), LabelExpression.doesNotExist('canary')]);

    // THEN
    expect(selector.toModel()).toEqual({
      matchExpressions: [
        { key: 'tier', op: LabelOperator.IN, values: ['web'] },
        { key: 'canary', op: LabelOperator.DOES_NOT_EXIST },
      ],
    });
    expect(selector.toModel()).not.toHaveProperty('matchLabels');
    expect(selector.toString()).toBe('tier in (web),!canary');
  });

  test('throws if no expression is given', () => {
    // THEN
    expectError(() => Selector.expressions([]), ErrorCode.INVALID_SELECTOR, `Selector.expressions(): ${EMPTY_SELECTOR_FIX}`);
  });
});

describe('Selector.of()', () => {
  test('renders labels and expressions together', () => {
    // WHEN
    const selector = Selector.of({ labels: { app: 'api' }, expressions: [LabelExpression.exists('tier')] });

    // THEN
    expect(selector.toModel()).toEqual({
      matchLabels: { app: 'api' },
      matchExpressions: [{ key: 'tier', op: LabelOperator.EXISTS }],
    });
    expect(selector.toString()).toBe('app=api,tier');
  });

  test('accepts labels alone or expressions alone', () => {
    // THEN
    expect(Selector.of({ labels: { app: 'api' } }).toModel()).toEqual({ matchLabels: { app: 'api' } });
    expect(Selector.of({ expressions: [LabelExpression.exists('app')] }).toModel()).toEqual({ matchExpressions: [{ key: 'app', op: LabelOperator.EXISTS }] });
  });

  test('throws if nothing is given', () => {
    // THEN
    expectError(() => Selector.of({}), ErrorCode.INVALID_SELECTOR, `Selector.of(): ${EMPTY_SELECTOR_FIX}`);
    expectError(() => Selector.of({ labels: {}, expressions: [] }), ErrorCode.INVALID_SELECTOR, /^Selector\.of\(\): the selector is empty/);
  });

  test('throws if a label is invalid', () => {
    // THEN
    expectError(() => Selector.of({ labels: { '/app': 'x' } }), ErrorCode.INVALID_LABEL_KEY,
      'Selector.of(): label key "/app" has an empty prefix before \'/\'.');
  });
});

describe('nameHint', () => {
  test('prefers the well-known name labels in order', () => {
    // THEN
    expect(Selector.labels({ 'role': 'db', 'app': 'api', 'app.kubernetes.io/name': 'backend' }).nameHint).toBe('backend');
    expect(Selector.labels({ role: 'db', app: 'api' }).nameHint).toBe('api');
    expect(Selector.labels({ 'role': 'db', 'k8s-app': 'kube-dns' }).nameHint).toBe('kube-dns');
    expect(Selector.labels({ role: 'db', name: 'pg' }).nameHint).toBe('pg');
    expect(Selector.labels({ role: 'db', component: 'etcd' }).nameHint).toBe('etcd');
    expect(Selector.labels({ tier: 'web', role: 'db' }).nameHint).toBe('db');
  });

  test('falls back to the first label value, then the first key', () => {
    // THEN
    expect(Selector.labels({ zone: 'Eu_West', tier: 'web' }).nameHint).toBe('web');
    expect(Selector.labels({ team: 'PaymentsTeam' }).nameHint).toBe('payments-team');
    expect(Selector.labels({ canary: '' }).nameHint).toBe('canary');
  });

  test('uses the first expression key without its prefix', () => {
    // THEN
    expect(Selector.expressions([LabelExpression.exists('example.com/gpu-node')]).nameHint).toBe('gpu-node');
  });
});

describe('dnsWord()', () => {
  test('turns words into DNS-label-safe names', () => {
    // THEN
    expect(dnsWord('ApiServer')).toBe('api-server');
    expect(dnsWord('my_app.v2')).toBe('my-app-v2');
    expect(dnsWord('--x--')).toBe('x');
    expect(dnsWord('___')).toBe('x');
  });
});

describe('Selector.podsOf()', () => {
  test('selects the pods by their own labels, never by cdk8s.io/metadata.addr', () => {
    // GIVEN
    const chart = Testing.chart();
    const deployment = new kplus.Deployment(chart, 'api', { podMetadata: { labels: { app: 'api' } }, containers: [{ image: 'x' }] });

    // WHEN
    const selector = Selector.podsOf(deployment);

    // THEN
    expect(deployment.podMetadata.getLabel('cdk8s.io/metadata.addr')).toBeDefined();
    expect(selector.toModel()).toEqual({ matchLabels: { app: 'api' } });
    expect(selector.workload).toBe(deployment);
    expect(selector.isAll).toBe(false);
    expect(selector.nameHint).toBe('api');
    expect(selector.toString()).toBe('pods of test/api');
  });

  test('counts labels added after the call', () => {
    // GIVEN
    const chart = Testing.chart();
    const deployment = new kplus.Deployment(chart, 'api', { podMetadata: { labels: { app: 'api' } }, containers: [{ image: 'x' }] });
    const selector = Selector.podsOf(deployment);

    // WHEN
    deployment.podMetadata.addLabel('tier', 'backend');

    // THEN
    expect(selector.toModel()).toEqual({ matchLabels: { app: 'api', tier: 'backend' } });
  });

  test('throws if the workload has no labels of its own, naming its path', () => {
    // GIVEN
    const chart = Testing.chart();
    const deployment = new kplus.Deployment(chart, 'Bare', { containers: [{ image: 'x' }] });

    // WHEN
    const selector = Selector.podsOf(deployment);

    // THEN
    expectError(() => selector.toModel(), ErrorCode.INVALID_WORKLOAD,
      'Selector.podsOf(): Deployment "test/Bare" has no pod labels of its own (cdk8s\' generated "cdk8s.io/metadata.addr" label is not used). Give its pods a label, e.g. podMetadata: { labels: { app: "bare" } }.');
  });

  test('knows the namespace of the workload', () => {
    // GIVEN
    const chart = Testing.chart();
    const inChart = new kplus.Deployment(chart, 'a', { podMetadata: { labels: { app: 'a' } }, containers: [{ image: 'x' }] });
    const inNamespace = new kplus.Deployment(chart, 'b', { metadata: { namespace: 'shop' }, podMetadata: { labels: { app: 'b' } }, containers: [{ image: 'x' }] });

    // THEN
    expect(Selector.podsOf(inChart).workloadNamespace).toBeUndefined();
    expect(Selector.podsOf(inNamespace).workloadNamespace).toBe('shop');
  });

  test('renders a selector the API server accepts', () => {
    // GIVEN
    const chart = Testing.chart();
    const statefulSet = new kplus.StatefulSet(chart, 'db', {
      podMetadata: { labels: { 'app.kubernetes.io/name': 'db' } },
      containers: [{ image: 'x' }],
      service: new kplus.Service(chart, 'svc', { ports: [{ port: 5432 }] }),
    });

    // THEN
    expect(checkSelector(Selector.podsOf(statefulSet).toModel(), 'podSelector')).toEqual([]);
    expect(Selector.podsOf(statefulSet).toModel()).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'db' } });
  });
});
