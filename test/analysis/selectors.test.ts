/**
 * The label helpers the engine runs millions of times, against their plain definitions: `matchesSelector`'s
 * matchLabels (every pair present and equal, own keys only), `sortedKeys` (`Object.keys(...).sort()`) and
 * `namedPortsOf` (named ports, deduplicated, sorted by `name/protocol/port`).
 */
import * as fc from 'fast-check';
import { namedPortsOf } from '../../lib/analysis/classes';
import { matchesSelector, sortedKeys } from '../../lib/analysis/selectors';
import { ContainerPortModel, Protocol } from '../../lib/model/types';

/** Label keys and values from a small vocabulary (so maps overlap), with integer-like keys, which objects order first. */
const word = fc.constantFrom('app', 'tier', 'a', 'b', 'B', 'Z', '10', '2', '0', 'app.kubernetes.io/name', 'é', '', 'x-y');
const labelsArb = fc.dictionary(word, word, { maxKeys: 8 });
/** Up to 30 keys, past the few that are sorted by insertion. */
const manyLabelsArb = fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 2 }), { maxKeys: 30 });

describe('sortedKeys', () => {
  test('gives the keys in the order Object.keys(...).sort() does (random label maps of up to 30 keys)', () => {
    fc.assert(fc.property(fc.oneof(labelsArb, manyLabelsArb), labels => {
      expect(sortedKeys(labels)).toEqual(Object.keys(labels).sort());
    }), { numRuns: 500 });
  });
});

describe('matchesSelector with matchLabels', () => {
  test('matches exactly when every pair of matchLabels is among the labels (random maps)', () => {
    fc.assert(fc.property(labelsArb, labelsArb, (matchLabels, labels) => {
      const expected = Object.entries(matchLabels).every(([k, v]) => Object.prototype.hasOwnProperty.call(labels, k) && labels[k] === v);
      expect(matchesSelector({ matchLabels }, labels)).toBe(expected);
      // A subset of the labels always matches them.
      const subset = Object.fromEntries(Object.entries(labels).filter((_, i) => i % 2 === 0));
      expect(matchesSelector({ matchLabels: subset }, labels)).toBe(true);
    }), { numRuns: 500 });
  });

  test('reads only its own keys: an inherited enumerable property is no requirement, an own __proto__ key is one', () => {
    const inherited = Object.create({ tier: 'db' }) as { [key: string]: string };
    inherited.app = 'web';
    expect(matchesSelector({ matchLabels: inherited }, { app: 'web' })).toBe(true);
    const proto = JSON.parse('{"__proto__": "x"}') as { [key: string]: string };
    expect(matchesSelector({ matchLabels: proto }, { app: 'web' })).toBe(false);
    expect(matchesSelector({ matchLabels: proto }, JSON.parse('{"__proto__": "x"}'))).toBe(true);
  });
});

describe('namedPortsOf', () => {
  const portArb: fc.Arbitrary<ContainerPortModel> = fc.tuple(
    fc.option(fc.constantFrom('http', 'dns', 'metrics', 'a', 'http-alt'), { nil: undefined }),
    fc.constantFrom(53, 80, 8080, 9090),
    fc.constantFrom(Protocol.TCP, Protocol.UDP, Protocol.SCTP),
  ).map(([name, containerPort, protocol]) => (name === undefined ? { containerPort, protocol } : { name, containerPort, protocol }));

  test('is the named ports, each once, sorted by name/protocol/port (random port lists)', () => {
    fc.assert(fc.property(fc.array(portArb, { maxLength: 10 }), ports => {
      const byKey = new Map<string, ContainerPortModel>();
      for (const p of ports) {
        if (!p.name) continue;
        const protocol = p.protocol ?? Protocol.TCP;
        byKey.set(`${p.name}/${protocol}/${p.containerPort}`, { name: p.name, protocol, containerPort: p.containerPort });
      }
      const expected = [...byKey.keys()].sort().map(k => byKey.get(k));
      expect(namedPortsOf({ kind: 'Deployment', name: 'w', namespaceName: 'n', ports })).toEqual(expected);
    }), { numRuns: 500 });
  });
});
