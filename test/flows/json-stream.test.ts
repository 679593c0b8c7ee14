import { JsonChunk, splitJsonValues } from '../../lib/flows/json-stream';

/** `[line, value]` for values, `[line, endLine, problem]` for broken stretches. */
function outline(text: string): (string | number)[][] {
  return splitJsonValues(text).map((c: JsonChunk) => (c.kind === 'value' ? [c.line, JSON.stringify(c.value)] : [c.line, c.endLine, c.problem]));
}

/** A record as `jq .` prints it: two-space indentation, one key per line. */
const pretty = (value: object) => JSON.stringify(value, null, 2);

const a = { flow: { verdict: 'FORWARDED', source: { namespace: 'shop', labels: ['k8s:app=web'] }, l4: { TCP: { source_port: 40112, destination_port: 8080, flags: { SYN: true } } } } };
const b = { flow: { verdict: 'AUDIT', destination: { namespace: 'shop', labels: ['k8s:app=api'], workloads: [{ name: 'api', kind: 'Deployment' }] } } };

describe('splitJsonValues', () => {
  test('one value per line, with the line each starts on (blank lines and CRLF included)', () => {
    expect(outline(`${JSON.stringify(a)}\r\n\r\n${JSON.stringify(b)}\r\n`)).toEqual([[1, JSON.stringify(a)], [3, JSON.stringify(b)]]);
  });

  test('values spread over lines (jq .), and values concatenated on one line', () => {
    const text = `${pretty(a)}\n${pretty(b)}\n${JSON.stringify(a)}${JSON.stringify(b)}\n`;
    const secondStart = pretty(a).split('\n').length + 1;
    const lastLine = secondStart + pretty(b).split('\n').length;
    expect(outline(text)).toEqual([[1, JSON.stringify(a)], [secondStart, JSON.stringify(b)], [lastLine, JSON.stringify(a)], [lastLine, JSON.stringify(b)]]);
  });

  test('a top-level array gives its elements, each at its own line (jq -s ., and one element per line)', () => {
    const text = pretty([a, b]);
    const secondStart = text.split('\n').findIndex((l, i) => i > 1 && l === '  {') + 1;
    expect(outline(text)).toEqual([[2, JSON.stringify(a)], [secondStart, JSON.stringify(b)]]);
    expect(outline(`[${JSON.stringify(a)},\n${JSON.stringify(b)}]\n`)).toEqual([[1, JSON.stringify(a)], [2, JSON.stringify(b)]]);
    expect(outline(`${JSON.stringify([a, b])}\n`)).toEqual([[1, JSON.stringify(a)], [1, JSON.stringify(b)]]);
    expect(outline('[]\n')).toEqual([]);
  });

  test('a line cut inside a string is reported at its line, and the next line is read', () => {
    const text = [JSON.stringify(a), JSON.stringify(b).slice(0, 30), JSON.stringify(b)].join('\n');
    const chunks = splitJsonValues(text);
    expect(outline(text)).toEqual([[1, JSON.stringify(a)], [2, 2, 'truncated'], [3, JSON.stringify(b)]]);
    expect(chunks[1]).toMatchObject({ detail: 'line 2 ends inside a string', excerpt: JSON.stringify(b).slice(0, 30) });
  });

  test('a line cut between tokens is truncated when the next line starts another record, which is read', () => {
    const cut = JSON.stringify(a).slice(0, JSON.stringify(a).indexOf('"l4":') + 5);
    const chunks = splitJsonValues([cut, JSON.stringify(b), JSON.stringify(a)].join('\n'));
    expect(chunks.map(c => [c.kind, c.line])).toEqual([['broken', 1], ['value', 2], ['value', 3]]);
    expect(chunks[0]).toMatchObject({ problem: 'truncated', detail: 'the value is not closed at the end of its line, and the next line starts another one' });
  });

  test('a pretty-printed record cut off is reported at the line it starts, with the lines skipped, and the next record is read', () => {
    // GIVEN a, then b cut after its "labels" line (no string left open), then a again
    const lines = pretty(b).split('\n');
    const cut = lines.slice(0, lines.findIndex(l => l.includes('"labels"')) + 1).join('\n');
    const text = [pretty(a), cut, pretty(a)].join('\n');
    const bStart = pretty(a).split('\n').length + 1;
    const nextStart = bStart + cut.split('\n').length;
    // THEN
    const chunks = splitJsonValues(text);
    expect(outline(text)).toEqual([[1, JSON.stringify(a)], [bStart, nextStart - 1, 'truncated'], [nextStart, JSON.stringify(a)]]);
    expect(chunks[1]).toMatchObject({ detail: `it is not closed before the next record starts at line ${nextStart}` });
  });

  test('the last record cut off by an interrupted capture', () => {
    // GIVEN a record, then the first four lines of the next, cut inside the string "destination"
    const text = `${JSON.stringify(a)}\n${pretty(b).slice(0, pretty(b).indexOf('"destination"') + 4)}`;
    expect(text.split('\n')[4]).toBe('    "des');
    expect(outline(text)).toEqual([[1, JSON.stringify(a)], [2, 5, 'truncated']]);
    expect(splitJsonValues(text)[1]).toMatchObject({ detail: 'the input ends inside a string' });
  });

  test('text that is not JSON is reported line by line; a JSON syntax error with the line where it is', () => {
    const text = 'level=warning msg="Hubble Relay is not reachable"\n{\n  "verdict": "FORWARDED"\n  "Type": "L3_L4"\n}\n"a string"\n';
    const chunks = splitJsonValues(text);
    expect(outline(text)).toEqual([[1, 1, 'not-json'], [2, 5, 'invalid'], [6, '"a string"']]);
    expect(chunks[0]).toMatchObject({ excerpt: 'level=warning msg="Hubble Relay is not r' });
    expect((chunks[1] as { detail: string }).detail).toMatch(/at line 4$/);
  });

  test('a mismatched bracket is invalid; an array left open is reported at its "["', () => {
    expect(outline('{"a": [1}\n{"b": 2}\n')).toEqual([[1, 1, 'invalid'], [2, '{"b":2}']]);
    expect(outline(`[\n  ${JSON.stringify(a)},\n  ${JSON.stringify(b)}\n`)).toEqual([[2, JSON.stringify(a)], [3, JSON.stringify(b)], [1, 1, 'truncated']]);
  });

  test('escaped quotes and brackets inside strings do not end a value', () => {
    const tricky = { flow: { Summary: 'say \\"}{][\\" "quoted"', labels: ['k8s:x={'] } };
    expect(outline(`${pretty(tricky)}\n${JSON.stringify(tricky)}\n`)).toEqual([[1, JSON.stringify(tricky)], [pretty(tricky).split('\n').length + 1, JSON.stringify(tricky)]]);
  });
});
