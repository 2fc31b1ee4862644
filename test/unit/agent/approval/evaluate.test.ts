import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createCommandParser, evaluateCommand, type ApprovalPolicy } from '../../../../src/agent/approval';
import { itDecides } from './helpers';

const auto = (allow: readonly unknown[], deny: readonly unknown[] = []): ApprovalPolicy => ({ mode: 'auto', allow, deny });

describe('evaluateCommand', function () {
	this.timeout(30_000);

	describe('modes', () => {
		it('never denies every command, whatever the rules', async () => {
			const result = await evaluateCommand('ls', { mode: 'never', allow: ['/.*/'] });
			assert.equal(result.decision, 'deny');
			assert.deepEqual(result.reasons, ['approval.mode is never: the agent may not run commands']);
		});

		it('ask asks for every command and says what it will run', async () => {
			const result = await evaluateCommand('npm test && git status', { mode: 'ask', allow: ['/.*/'] });
			assert.equal(result.decision, 'ask');
			assert.deepEqual(result.reasons, ['runs `npm test`', 'runs `git status`']);
			assert.deepEqual(result.subCommands, ['npm test', 'git status']);
		});

		it('an unknown mode asks', async () => {
			const result = await evaluateCommand('ls', { mode: 'sometimes' as unknown as 'ask', allow: ['ls'] });
			assert.equal(result.decision, 'ask');
		});
	});

	describe('deny rules', () => {
		it('deny wins over a matching allow rule, in auto and in ask', async () => {
			for (const mode of ['auto', 'ask'] as const) {
				const result = await evaluateCommand('npm test && rm -rf build', { mode, allow: ['/.*/', 'rm'], deny: ['rm -rf'] });
				assert.equal(result.decision, 'deny', mode);
				assert.deepEqual(result.reasons, ['denied by approval.deny rule `rm -rf`: `rm -rf build`']);
			}
		});

		it('a deny rule sees through quotes, folders, assignments and wrappers', async () => {
			for (const line of ["'rm' -rf /", '/bin/rm -rf /', 'FOO=1 rm -rf /', 'timeout 5 rm -rf /', 'sudo rm -rf /', 'echo $(rm -rf /)', "find . -exec rm -rf {} \\;"]) {
				assert.equal((await evaluateCommand(line, auto(['/.*/'], ['rm']))).decision, 'deny', line);
			}
		});

		it('a deny regex rule denies the sub-command it matches', async () => {
			const result = await evaluateCommand('git status; git push --force origin main', auto(['git'], ['/^git push .*--force/']));
			assert.equal(result.decision, 'deny');
		});

		describe('words known only when the line runs make a deny rule that could match them deny', () => {
			itDecides([
				['git pu$9sh', 'deny', /approval\.deny rule `git push`.*could make it match/],
				["git $'pu\\x73h'", 'deny', /git push/],
				['git "p"ush', 'deny', /git push/],
				['$CMD -rf build', 'deny', /approval\.deny rule `rm`/],
				['"$(echo rm)" -rf build', 'deny', /rm/],
				['r$9m -rf build', 'deny', /rm/],
				['/bin/r? -rf build', 'deny', /rm/],
				['git $verb origin main', 'deny', /git push/],
				["$'\\x72m' -rf build", 'deny', /rm/],
				['git p$x', 'deny'],
				['echo $HOME', 'allow'],
				['git status -- $x', 'allow'],
				['git log -n "$count"', 'allow'],
				['ls $dir', 'allow'],
			]);
		});

		describe('a line that cannot be read for sure is denied when a deny rule could match any reading of it', () => {
			itDecides([
				['echo "x; rm -rf / ; \'unterminated', 'deny', /approval\.deny rule `rm`/],
				['ls && git push "', 'deny', /git push/],
				['echo @(a|b); rm x', 'deny', /rm/],
				['echo "unterminated', 'ask', /could not parse/],
			]);
		});

		it('checks deny rules against the whole line when it cannot be parsed', async () => {
			const result = await evaluateCommand('rm -rf / "unterminated', auto(['/.*/'], ['rm']));
			assert.equal(result.decision, 'deny');
			assert.match(result.reasons[0], /whole line/);
		});
	});

	describe('auto', () => {
		it('runs `npm test && git status` when both are allowed', async () => {
			const result = await evaluateCommand('npm test && git status', auto(['npm test', 'git status']));
			assert.equal(result.decision, 'allow');
			assert.deepEqual(result.reasons, ['allowed by approval.allow rule `npm test`: `npm test`', 'allowed by approval.allow rule `git status`: `git status`']);
		});

		it('asks for `npm test && rm -rf /`, naming the part not allowed', async () => {
			const result = await evaluateCommand('npm test && rm -rf /', auto(['npm test', 'git status']));
			assert.equal(result.decision, 'ask');
			assert.deepEqual(result.reasons, ['not allowed by approval.allow: `rm -rf /`']);
		});

		it('asks when a command only looks like an allowed prefix', async () => {
			assert.equal((await evaluateCommand('npm tester', auto(['npm test']))).decision, 'ask');
			assert.equal((await evaluateCommand('npm test; curl x | sh', auto(['npm test', 'curl', 'sh']))).decision, 'ask');
		});

		it('asks for an always-ask construct even when every sub-command is allowed', async () => {
			for (const line of ['echo $(date)', 'eval echo hi', "bash -c 'echo hi'", 'xargs echo', 'find . -exec echo {} +', 'sudo echo hi']) {
				const result = await evaluateCommand(line, auto(['echo', 'date', 'eval', 'bash', 'xargs', 'find', 'sudo']));
				assert.equal(result.decision, 'ask', line);
				assert.ok(result.reasons.some((reason) => reason.startsWith('always asks: ')), line);
			}
		});

		it('asks for a line it cannot parse', async () => {
			const result = await evaluateCommand('echo "unterminated', auto(['echo']));
			assert.equal(result.decision, 'ask');
			assert.match(result.reasons[0], /^could not parse: /);
		});

		it('with ["/.*/"] runs every command unasked, constructs and unparseable lines included', async () => {
			for (const line of ['rm -rf build && echo $(date)', "bash -c 'make'", 'echo "unterminated', 'arr=(1 2); echo ${arr[0]}', 'sudo ls']) {
				const result = await evaluateCommand(line, auto(['/.*/']));
				assert.equal(result.decision, 'allow', line);
			}
		});

		it('a regex written for some lines does not cover constructs or unparseable lines', async () => {
			assert.equal((await evaluateCommand('npm test $(date)', auto(['/^npm test.*$/']))).decision, 'ask');
			assert.equal((await evaluateCommand('npm test; arr=(1); rm -rf /', auto(['/^npm test.*$/']))).decision, 'ask');
		});

		it('ignores rules that are not strings', async () => {
			const result = await evaluateCommand('ls', auto([42, null, 'ls'], [{}]));
			assert.equal(result.decision, 'allow');
		});
	});

	describe('benign lines run unasked under the rules of a real user', () => {
		itDecides([
			['git status', 'allow'],
			['git diff', 'allow'],
			['git diff --stat HEAD~3', 'allow'],
			['git log --oneline -20', 'allow'],
			['git --no-pager log -5', 'allow'],
			['git --no-pager diff -- src', 'allow'],
			['npm test', 'allow'],
			['npm test -- --grep x', 'allow'],
			['CI=true npm test', 'allow'],
			['npm run lint', 'allow'],
			['node --version', 'allow'],
			['pwd', 'allow'],
			['ls -la', 'allow'],
			['cat <<EOF\nhello\nEOF', 'allow'],
			["cat <<'EOF'\n$(not run)\nEOF", 'allow'],
			['for i in 1 2 3; do echo $i; done', 'allow'],
			['for f in a b; do echo "$f" >&2; done', 'allow'],
			['grep -rn TODO src > /dev/null', 'allow'],
			['grep -q x package.json 2>/dev/null && echo found', 'allow'],
			['ls src | grep -c ts', 'allow'],
			["find src -name '*.ts' | grep -v test", 'allow'],
			['echo "done: $?" >&2', 'allow'],
			['git status && npm test 2>&1 | grep -v warn', 'allow'],
		]);
	});

	describe('Always Allow suggestions', () => {
		const suggested = async (line: string, allow: readonly string[] = []) => (await evaluateCommand(line, auto(allow))).allowRules;

		it('suggests the program with its verb for tools whose second word is one', async () => {
			assert.deepEqual(await suggested('npm test -- --watch'), ['npm test']);
			assert.deepEqual(await suggested('npm run build --if-present'), ['npm run build']);
			assert.deepEqual(await suggested('git status --short'), ['git status']);
			assert.deepEqual(await suggested('cargo test --release'), ['cargo test']);
			assert.deepEqual(await suggested('python3 -m pytest -x tests/'), ['python3 -m pytest']);
			assert.deepEqual(await suggested('docker compose up -d'), ['docker compose up']);
			assert.deepEqual(await suggested('git -C web status'), ['git -C web status']);
		});

		it('suggests the first word for other programs', async () => {
			assert.deepEqual(await suggested('ls -la src'), ['ls']);
			assert.deepEqual(await suggested('tail -n 20 log.txt 2>&1'), ['tail']);
		});

		it('suggests one rule per sub-command not yet allowed', async () => {
			assert.deepEqual(await suggested('cd web && npm test | wc -l'), ['cd', 'npm test', 'wc']);
			assert.deepEqual(await suggested('cd web && npm test', ['cd']), ['npm test']);
			assert.deepEqual(await suggested('npm test; npm test -- --watch'), ['npm test']);
		});

		it('suggests nothing when no prefix rule could allow the line', async () => {
			assert.deepEqual(await suggested('echo $(date)'), []);
			assert.deepEqual(await suggested('node -e "process.exit(1)"'), []);
			assert.deepEqual(await suggested('echo "unterminated'), []);
			assert.deepEqual(await suggested('npm test && python3 -c "print(1)"'), []);
		});

		it('the suggested rules, once added, let auto run the line', async () => {
			for (const line of ['npm ci && npm run build 2>&1 | tail -n 5', 'git stash && git pull --rebase && git stash pop', 'timeout 60 cargo test', 'FOO=1 make -j4 test']) {
				const rules = await suggested(line);
				assert.notDeepEqual(rules, [], line);
				assert.equal((await evaluateCommand(line, auto(rules))).decision, 'allow', `${line} with ${JSON.stringify(rules)}`);
			}
		});
	});

	describe('the parser', () => {
		let folder: string;

		/** The wasm files, under the names the build gives them in dist/. */
		const copyWasm = () => {
			fs.copyFileSync(require.resolve('web-tree-sitter/web-tree-sitter.wasm'), path.join(folder, 'web-tree-sitter.wasm'));
			fs.copyFileSync(require.resolve('tree-sitter-bash/tree-sitter-bash.wasm'), path.join(folder, 'tree-sitter-bash.wasm'));
			fs.copyFileSync(require.resolve('sh-syntax/main.wasm'), path.join(folder, 'sh-syntax.wasm'));
		};

		beforeEach(() => {
			folder = fs.mkdtempSync(path.join(os.tmpdir(), 'meanwhile-approval-'));
		});

		afterEach(() => {
			fs.rmSync(folder, { recursive: true, force: true });
		});

		it('asks when the wasm cannot be loaded, and loads it once it is there', async () => {
			const parser = createCommandParser({ wasmDir: folder });
			const missing = await evaluateCommand('ls', auto(['ls']), parser);
			assert.equal(missing.decision, 'ask');
			assert.match(missing.reasons[0], /the shell parser could not be loaded/);

			copyWasm();
			assert.equal((await evaluateCommand('ls', auto(['ls']), parser)).decision, 'allow');
		});

		it('a parser serves concurrent lines', async () => {
			copyWasm();
			const parser = createCommandParser({ wasmDir: folder });
			const lines = ['npm test', 'git status && git diff', 'echo $(date)', 'ls | wc -l', 'make'];
			const results = await Promise.all(lines.map((line) => evaluateCommand(line, auto(['npm test', 'git', 'ls', 'wc', 'make']), parser)));
			assert.deepEqual(
				results.map((result) => result.decision),
				['allow', 'allow', 'ask', 'allow', 'allow'],
			);
		});
	});
});
