/**
 * Every tlsautopsy command in the README works as written from a fresh clone: the `sh` blocks
 * run on the bundled samples (through the built `bin/tlsautopsy`, and `npx` is checked to find
 * it), with the exit status a trailing `# exits N` states (0 when none); the `sh example` blocks
 * name the reader's own files, so their commands are only parsed, which still catches a renamed
 * option or a misspelt finding code.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCliArgs } from '../../src/cli/args.js';

const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/tlsautopsy');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

interface ReadmeCommand {
  /** The line as the README writes it. */
  readonly line: string;
  /** The line without its trailing comment. */
  readonly command: string;
  readonly example: boolean;
  readonly expectedExit: number;
}

/** The lines of the README's `sh` code blocks that run tlsautopsy. */
function readmeCommands(): ReadmeCommand[] {
  const out: ReadmeCommand[] = [];
  for (const block of README.matchAll(/^```sh([^\n]*)\n([\s\S]*?)^```/gm)) {
    const example = /\bexample\b/.test(block[1] as string);
    for (const line of (block[2] as string).split('\n')) {
      if (!line.includes('tlsautopsy') || line.trimStart().startsWith('#')) continue;
      // A comment starts at " # " (a '#' inside a jq filter has no space after it).
      const command = line.replace(/\s+#\s.*$/, '').trim();
      const exits = /#\s*exits (\d+)/.exec(line);
      out.push({ line, command, example, expectedExit: exits === null ? 0 : Number(exits[1]) });
    }
  }
  return out;
}

/** The tlsautopsy arguments of a command line: after `npx tlsautopsy`, up to a pipe or a redirection. */
function tlsautopsyArgs(command: string): string[] {
  const after = command.slice(command.indexOf('npx tlsautopsy') + 'npx tlsautopsy'.length);
  return (after.split(/\s[|>]\s?/)[0] as string).trim().split(/\s+/).filter((a) => a.length > 0);
}

const commands = readmeCommands();
const runnable = commands.filter((c) => !c.example);
const examples = commands.filter((c) => c.example);

describe('README commands', () => {
  it('finds commands of both kinds', () => {
    expect(runnable.length).toBeGreaterThanOrEqual(6);
    expect(examples.length).toBeGreaterThanOrEqual(6);
  });

  it.each(commands.map((c) => [c.line]))('%s: runs tlsautopsy through npx (nothing puts a bare tlsautopsy on PATH)', (line) => {
    // Every mention of the command in a line is preceded by "npx "; `check-cert` and `check-keystore` are subcommands.
    for (const m of line.matchAll(/(\S*\s)?tlsautopsy\b/g)) expect(m[1]?.trim(), line).toBe('npx');
  });

  // The subcommands parse their own options (their tests cover them).
  it.each(examples.filter((c) => !['check-cert', 'check-keystore'].some((sub) => tlsautopsyArgs(c.command).includes(sub))).map((c) => [c.command]))('example %s: its options parse', (command) => {
    expect(() => parseCliArgs(tlsautopsyArgs(command))).not.toThrow();
  });
});

describe('README commands on the samples', () => {
  let cwd = '';
  beforeAll(() => {
    expect(existsSync(join(ROOT, 'dist/cli/main.cjs')), 'npm run build first: the commands run the built bin/tlsautopsy').toBe(true);
    // A scratch directory with the samples, so report files the commands write stay out of the checkout.
    cwd = mkdtempSync(join(tmpdir(), 'tlsautopsy-readme-'));
    symlinkSync(join(ROOT, 'samples'), join(cwd, 'samples'));
  });

  it('npx finds the checkout\'s own command', () => {
    const r = spawnSync('npx', ['--no-install', 'tlsautopsy', '--version'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^tlsautopsy \d+\.\d+\.\d+\n$/);
  });

  it.each(runnable.map((c) => [c.command, c.expectedExit]))('%s exits %i', (command, expectedExit) => {
    const shell = command.replaceAll('npx tlsautopsy', `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)}`);
    const r = spawnSync('sh', ['-c', shell], { cwd, encoding: 'utf8', timeout: 120_000 });
    expect(r.stderr).not.toContain('internal error');
    expect(r.status, r.stderr).toBe(expectedExit);
    if (expectedExit === 0 && !command.includes(' -o ') && !command.includes('--quiet')) expect(r.stdout.length).toBeGreaterThan(0);
  });
});
