/** The README's TypeScript blocks are excerpts of examples/, which the suite type-checks and synthesizes. */
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf-8');
const EXAMPLES = fs.readdirSync(path.join(ROOT, 'examples'))
  .filter(f => f.endsWith('.ts'))
  .map(f => fs.readFileSync(path.join(ROOT, 'examples', f), 'utf-8'));

const blocks = [...README.matchAll(/```ts\n([\s\S]*?)```/g)].map(m => m[1]);

test('the README has TypeScript examples', () => {
  expect(blocks.length).toBeGreaterThan(3);
});

test.each(blocks.map((b, i) => [i, b]))('README block %i appears verbatim in examples/', (_i, block) => {
  expect(EXAMPLES.some(source => source.includes(block as string))).toBe(true);
});
