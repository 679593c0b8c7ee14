import * as fs from 'fs';
import * as path from 'path';
import { lint } from '../../lib/rules';
import { loadPaths } from '../../lib/model/load';

const CONFORMANCE = path.join(__dirname, '..', '..', '..', 'shared', 'conformance');

describe('linting the conformance scenarios', () => {
  test('never throws (every scenario folder under ../shared/conformance, when present)', () => {
    // An empty cluster always lints.
    expect(lint({ namespaces: [], workloads: [], policies: [] }).findings).toEqual([]);
    const folders = fs.existsSync(CONFORMANCE)
      ? fs.readdirSync(CONFORMANCE, { withFileTypes: true }).filter(e => e.isDirectory()).map(e => path.join(CONFORMANCE, e.name))
      : [];
    for (const folder of folders) {
      const { cluster } = loadPaths([folder]);
      expect(() => lint(cluster)).not.toThrow();
    }
  });
});
