import { Analysis } from '../../lib/analysis';
import { COMMANDS, createProgram } from '../../lib/cli/main';
import { cli, PRODUCTION } from './support';

describe('the program', () => {
  test('prints its help listing every command, exit 0', async () => {
    // WHEN
    const result = await cli('--help');
    // THEN
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('Usage: cdk8s-netpol [options] [command]');
    expect(result.stdout).toMatch(/\n {2}analyze \[options\] <path\.\.\.> +List every connection/);
    expect(result.stdout).toMatch(/\n {2}explain \[options\] <path\.\.\.> +Explain whether one connection/);
  });

  test('prints a command\'s help with its exit codes, through "help <command>" too', async () => {
    // WHEN
    const viaOption = await cli('analyze', '--help');
    const viaCommand = await cli('help', 'analyze');
    // THEN
    expect(viaOption.code).toBe(0);
    expect(viaOption.stdout).toContain('Usage: cdk8s-netpol analyze [options] <path...>');
    expect(viaOption.stdout).toContain('2  bad input: an unknown option value, a missing path, malformed YAML or JSON, or an object the API server\n     would reject (an invalid NetworkPolicy, Namespace, workload name, label or container port), or a\n     policy kind the analysis does not model (Cilium, Calico, Antrea, ...) without --ignore-unmodelled;');
    expect(viaCommand).toEqual(viaOption);
  });

  test('prints the package version', async () => {
    // WHEN
    const result = await cli('--version');
    // THEN
    expect(result).toEqual({ code: 0, stdout: `${require('../../package.json').version}\n`, stderr: '' });
  });

  test('prints the usage on stderr and exits 2 without a command', async () => {
    // WHEN
    const result = await cli();
    // THEN
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Usage: cdk8s-netpol [options] [command]');
  });

  test('rejects an unknown command, exit 2', async () => {
    // WHEN
    const result = await cli('analyse', PRODUCTION);
    // THEN
    expect(result).toEqual({ code: 2, stdout: '', stderr: "error: unknown command 'analyse'\n(Did you mean analyze?)\n(add --help for usage)\n" });
  });

  test('reports an unexpected error as one line with exit 2, never a stack trace', async () => {
    // GIVEN an engine failure the CLI does not anticipate
    const spy = jest.spyOn(Analysis, 'of').mockImplementation(() => { throw new Error('boom\nat somewhere'); });
    try {
      // WHEN
      const result = await cli('analyze', PRODUCTION);
      // THEN
      expect(result).toEqual({ code: 2, stdout: '', stderr: 'cdk8s-netpol: internal error: boom (this is a bug; please report it with the command line)\n' });
    } finally {
      spy.mockRestore();
    }
  });

  test('never calls process.exit, whatever the outcome', async () => {
    // GIVEN
    const exit = jest.spyOn(process, 'exit').mockImplementation((() => { throw new Error('process.exit called'); }) as never);
    try {
      // WHEN
      const codes = [
        (await cli('--help')).code, (await cli('--version')).code, (await cli('bogus')).code,
        (await cli('analyze', PRODUCTION)).code, (await cli('analyze', 'nope')).code,
      ];
      // THEN
      expect(codes).toEqual([0, 0, 2, 0, 2]);
      expect(exit).not.toHaveBeenCalled();
    } finally {
      exit.mockRestore();
    }
  });

  test('registers one command per entry of COMMANDS, each on a fresh program', () => {
    // WHEN
    const names = createProgram({ out: () => undefined, err: () => undefined }, () => undefined).commands.map(c => c.name());
    // THEN
    expect(names.slice(0, 2)).toEqual(['analyze', 'explain']);
    expect(names).toHaveLength(COMMANDS.length);
    expect(names).toEqual(COMMANDS.map(c => c.name));
  });

  test('registers only the command a run names, and every command for help, version and unknown commands', () => {
    const namesFor = (...argv: string[]) => createProgram({ out: () => undefined, err: () => undefined }, () => undefined, argv).commands.map(c => c.name());
    expect(namesFor('lint', 'dist/')).toEqual(['lint']);
    expect(namesFor('from-flows', 'flows.jsonl')).toEqual(['from-flows']);
    for (const argv of [['--help'], ['help', 'lint'], ['-V'], ['bogus'], []]) {
      expect(namesFor(...argv)).toEqual(COMMANDS.map(c => c.name));
    }
  });
});
