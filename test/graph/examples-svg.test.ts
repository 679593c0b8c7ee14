/** The README's picture of the examples (docs/examples-graph.svg) is what scripts/graph-examples.ts renders today. */
import * as fs from 'fs';
import * as path from 'path';
import { examplesSvg } from '../../scripts/graph-examples';

test('docs/examples-graph.svg is up to date (regenerate: npx ts-node --project tsconfig.dev.json scripts/graph-examples.ts)', async () => {
  // GIVEN the checked-in picture
  const checkedIn = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'examples-graph.svg'), 'utf-8');
  // WHEN the examples are rendered again
  const rendered = await examplesSvg();
  // THEN
  expect(rendered).toBe(checkedIn);
  expect(rendered.match(/<g id="node\d+" class="node">/g)).toHaveLength(10);
  expect(rendered.match(/<g id="edge\d+" class="edge">/g)).toHaveLength(14);
});
