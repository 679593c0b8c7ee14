/**
 * Reading a flow file in parts (`readFlowFileParts`, `parseHubbleFlowFile`): the parts together are the file's text,
 * each starts where a record starts, and parsing them gives what parsing the whole text gives, line numbers included.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FlowFileError, parseHubbleFlowFile, readFlowFileParts } from '../../lib/flows/flow-file';
import { parseHubbleFlows } from '../../lib/flows/hubble';
import { fixture, fixtureText } from './support';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-flow-file-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, content: string | Buffer): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

/** A pretty-printed record, as `jq .` writes one, with characters of 2, 3 and 4 bytes in UTF-8 in a string. */
const PRETTY = JSON.stringify({ flow: { verdict: 'FORWARDED', Summary: 'caf\u00e9 \u20ac \u{1F600}', l4: { TCP: { destination_port: 80 } } } }, null, 2);

const FILES: { [name: string]: string | Buffer } = {
  'one-per-line.jsonl': fixtureText('shop.jsonl'),
  'damaged.jsonl': fixtureText('damaged.jsonl'),
  'pretty.json': fixtureText('pretty.json'),
  'pretty-utf8.json': `${PRETTY}\n${PRETTY}\n\n${PRETTY}\n`,
  'crlf.jsonl': fixtureText('shop.jsonl').split('\n').slice(0, 6).join('\r\n'),
  'bom.jsonl': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(fixtureText('shop.jsonl').split('\n').slice(0, 4).join('\n'))]),
  'array.json': `[\n  ${fixtureText('shop.jsonl').trim().split('\n').slice(0, 5).join(',\n  ')}\n]\n`,
  'empty.jsonl': '',
};

describe('readFlowFileParts', () => {
  test.each(Object.keys(FILES))('%s: the parts are the text of the file, each from a record\'s line, with its line number', name => {
    const file = write(name, FILES[name]);
    const whole = fs.readFileSync(file, 'utf8');
    for (const partBytes of [1, 7, 100, 1000, 64 * 1024]) {
      // WHEN read in parts of about partBytes
      const parts = [...readFlowFileParts(file, { partBytes })];
      // THEN together they are the text readFileSync gives
      expect(parts.map(p => p.text).join('')).toBe(whole);
      let line = 1;
      parts.forEach((part, i) => {
        // AND each part says the line of the whole text it starts on, and every part after the first starts a record
        expect(part.firstLine).toBe(line);
        if (i > 0) expect(part.text[0]).toBe('{');
        line += part.text.split('\n').length - 1;
      });
      // AND a file over one part is read in several (except the array, whose records do not start lines)
      if (whole.length > 3 * partBytes && !name.startsWith('array')) expect(parts.length).toBeGreaterThan(1);
    }
  });

  test('a stretch without a line that starts a record, longer than a part may hold, is refused with the way out', () => {
    // GIVEN a JSON array (its records are indented, so no line starts with "{") of about 7 KB
    const file = write('long-array.json', FILES['array.json']);
    // WHEN read with parts of at most 1,000 bytes
    // THEN a FlowFileError names the file, how much was read without a record starting a line (the reads double: 100,
    // 200, 400, 800, then 1,600 bytes), the limit and the jq command that writes one record per line
    expect(() => [...readFlowFileParts(file, { partBytes: 100, maxPartBytes: 1000 })]).toThrow(FlowFileError);
    expect(() => [...readFlowFileParts(file, { partBytes: 100, maxPartBytes: 1000 })]).toThrow(
      `${file}: cannot read the flow file (1600 bytes without a line that starts a record with "{", more than one part holds (1000 bytes): one JSON array, as "jq -s" writes it? Write one record per line: jq -c '.[]' ${file} > flows.jsonl)`);
    // AND with the default limit it is read
    expect([...readFlowFileParts(file, { partBytes: 100 })].map(p => p.text).join('')).toBe(FILES['array.json']);
  });

  test('a missing file or a directory throws when the parts are asked for, as fs.readFileSync does', () => {
    expect(() => readFlowFileParts(path.join(dir, 'missing.jsonl'))).toThrow(expect.objectContaining({ code: 'ENOENT' }));
    expect(() => readFlowFileParts(dir)).toThrow(expect.objectContaining({ code: 'EISDIR' }));
  });

  test('bad sizes are refused, naming them', () => {
    const file = write('small.jsonl', '{}\n');
    expect(() => readFlowFileParts(file, { partBytes: 0 })).toThrow('readFlowFileParts: partBytes (0) must be a whole number of at least 1, and maxPartBytes');
    expect(() => readFlowFileParts(file, { partBytes: 100, maxPartBytes: 10 })).toThrow('maxPartBytes (10) a whole number of at least partBytes');
  });
});

describe('parseHubbleFlowFile', () => {
  test.each(Object.keys(FILES))('%s: read in parts, the same flows, diagnostics and counts as the whole text', name => {
    const file = write(name, FILES[name]);
    const whole = parseHubbleFlows(fs.readFileSync(file, 'utf8'), file, { keepDropped: true });
    for (const partBytes of [1, 100, 1000]) {
      // WHEN parsed part by part
      const parsed = parseHubbleFlowFile(file, { keepDropped: true }, { partBytes });
      // THEN everything is as from the whole text: flows with their lines, diagnostics with theirs, and the counts
      expect(parsed).toEqual(whole);
    }
  });

  test('the fixtures with broken records report the same lines when a part starts right after one', () => {
    // GIVEN the damaged capture, read one line at a time (every record its own part)
    const file = fixture('damaged.jsonl');
    const parsed = parseHubbleFlowFile(file, {}, { partBytes: 1 });
    // THEN its diagnostics name lines beyond the first part, as from the whole text
    expect(parsed.diagnostics.map(d => d.message)).toEqual(parseHubbleFlows(fixtureText('damaged.jsonl'), file).diagnostics.map(d => d.message));
    expect(parsed.diagnostics.some(d => (d.line ?? 0) > 1)).toBe(true);
  });

  test('a file that cannot be read throws FlowFileError with the reason; other errors pass through', () => {
    expect(() => parseHubbleFlowFile(path.join(dir, 'missing.jsonl'))).toThrow(`${path.join(dir, 'missing.jsonl')}: cannot read the flow file (no such file)`);
    expect(() => parseHubbleFlowFile(dir)).toThrow(`${dir}: cannot read the flow file (it is a directory)`);
    // AND an error that is not about the file (a bad size) is not turned into one
    let thrown: unknown;
    try {
      parseHubbleFlowFile(write('x.jsonl', '{}\n'), {}, { partBytes: -1 });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect(thrown).not.toBeInstanceOf(FlowFileError);
    expect((thrown as Error).message).toMatch(/^readFlowFileParts: partBytes \(-1\)/);
  });
});
