/** The README's TypeScript blocks are excerpts of examples/ or test/, which the suite type-checks and runs. */
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf-8');
function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return entry.name.endsWith('.ts') ? [fs.readFileSync(full, 'utf-8')] : [];
  });
}

const EXAMPLES = [...sources(path.join(ROOT, 'examples')), ...sources(path.join(ROOT, 'test'))];

const blocks = [...README.matchAll(/```ts\n([\s\S]*?)```/g)].map(m => m[1]);

test('the README has TypeScript examples', () => {
  expect(blocks.length).toBeGreaterThan(3);
});

test.each(blocks.map((b, i) => [i, b]))('README block %i appears verbatim in examples/ or test/', (_i, block) => {
  expect(EXAMPLES.some(source => source.includes(block as string))).toBe(true);
});
