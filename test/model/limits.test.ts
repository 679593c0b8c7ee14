import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DiagnosticCode, loadPaths, loadText } from '../../lib/model/load';
import { findOversizedDocument, MAX_FILE_BYTES, MAX_OBJECT_BYTES } from '../../lib/model/load/limits';
import { cli } from '../cli/support';

const configMap = (name: string, data: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  x: ${data}\n`;
const policy = 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: deny\n  namespace: shop\nspec:\n  podSelector: {}\n';

describe('input size limits', () => {
  test('finds the first document over the limit, by its line, without parsing', () => {
    const text = `${configMap('small', 'a')}---\n${configMap('big', 'b'.repeat(200))}---\n${policy}`;
    expect(findOversizedDocument(text, 150)).toEqual({ line: 7, size: expect.any(Number) });
    expect(findOversizedDocument(text, 400)).toBeUndefined();
  });

  test('a List may exceed it, with kind at its end as kubectl get -o yaml writes it', () => {
    const items = Array.from({ length: 20 }, (_, i) => `- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: c${i}\n`).join('');
    expect(findOversizedDocument(`apiVersion: v1\nitems:\n${items}kind: List\nmetadata:\n  resourceVersion: ""\n`, 100)).toBeUndefined();
    expect(findOversizedDocument(`apiVersion: v1\nitems:\n${items}kind: PodList\n`, 100)).toBeUndefined();
    // A nested kind: List (indented) does not make the document a List.
    expect(findOversizedDocument(`apiVersion: v1\nkind: ConfigMap\ndata:\n  kind: List\n  x: ${'c'.repeat(200)}\n`, 100)).toEqual({ line: 1, size: expect.any(Number) });
  });

  test('an object over the API server\'s 3 MiB request limit is an error naming its line, and the file is not read', () => {
    const result = loadText(`${policy}---\n${configMap('huge', 'z'.repeat(MAX_OBJECT_BYTES + 1))}`, 'big.yaml');
    const errors = result.diagnostics.filter(d => d.code === DiagnosticCode.TOO_LARGE);
    expect(errors.map(d => d.message)).toEqual([expect.stringContaining('the YAML document at line 8 is 3.0 MiB, more than the API server accepts in one object (3.0 MiB), and it is not a List')]);
    expect(result.cluster.policies).toEqual([]);
  });

  test('a large List of small objects is read', () => {
    const items = Array.from({ length: 50000 }, (_, i) => `- apiVersion: v1\n  kind: Namespace\n  metadata:\n    name: ns-${i}\n`).join('');
    const text = `apiVersion: v1\nitems:\n${items}kind: List\n`;
    expect(text.length).toBeGreaterThan(MAX_OBJECT_BYTES);
    const result = loadText(text, 'list.yaml');
    expect(result.diagnostics.filter(d => d.code === DiagnosticCode.TOO_LARGE)).toEqual([]);
    expect(result.cluster.namespaces.length).toBe(50000);
  });

  describe('files', () => {
    let dir: string;
    beforeAll(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-limits-'));
      fs.writeFileSync(path.join(dir, 'policy.yaml'), policy);
      // Sparse: as large as it says, without writing it.
      const huge = path.join(dir, 'huge.yaml');
      fs.writeFileSync(huge, '');
      fs.truncateSync(huge, MAX_FILE_BYTES + 1);
    });
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    test('a file over 256 MiB is not read, with an error naming it and its size', () => {
      const result = loadPaths([dir]);
      const errors = result.diagnostics.filter(d => d.code === DiagnosticCode.TOO_LARGE);
      expect(errors.map(d => d.message)).toEqual([`${path.join(dir, 'huge.yaml')} is 256.0 MiB; files over 256.0 MiB are not read. Split it (for example one file per namespace) and pass the directory`]);
      expect(result.cluster.policies.map(p => p.name)).toEqual(['deny']);
    });

    test('the CLI stops with exit 2 and one line', async () => {
      const result = await cli('analyze', dir);
      expect(result.code).toBe(2);
      expect(result.stderr.split('\n').filter(l => l.includes('huge.yaml'))).toHaveLength(1);
    });
  });
});
