/**
 * The README's TypeScript blocks are excerpts of examples/ or test/, which the suite type-checks and runs, or the whole
 * files of the first chart, which test/e2e/user-app.test.ts copies into a fresh app.
 */
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

const all = [...README.matchAll(/```ts\n([\s\S]*?)```/g)].map(m => m[1]);

/** The first chart's files (`// main.ts`, `// main.test.ts`), which test/e2e/user-app.test.ts runs in a fresh app. */
const USER_APP_FILES = ['main.ts', 'main.test.ts'];
const isUserAppFile = (block: string) => USER_APP_FILES.some(file => block.startsWith(`// ${file}\n`));
const blocks = all.filter(b => !isUserAppFile(b));

test('the README has TypeScript examples', () => {
  expect(blocks.length).toBeGreaterThan(3);
});

test('the first chart and its test are whole files, which the user-app test reads from the README', () => {
  for (const file of USER_APP_FILES) expect(all.filter(b => b.startsWith(`// ${file}\n`))).toHaveLength(1);
  const userAppTest = fs.readFileSync(path.join(ROOT, 'test', 'e2e', 'user-app.test.ts'), 'utf-8');
  expect(userAppTest).toContain("readmeFile('main.ts')");
  expect(userAppTest).toContain("readmeFile('main.test.ts')");
});

test.each(blocks.map((b, i) => [i, b]))('README block %i appears verbatim in examples/ or test/', (_i, block) => {
  expect(EXAMPLES.some(source => source.includes(block as string))).toBe(true);
});
