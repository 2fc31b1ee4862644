import { itDecides } from '../helpers';

describe('programs: sed, awk and tee', function () {
	// The first parse compiles the wasm.
	this.timeout(30_000);

	const policy = { mode: 'auto', allow: ['sed', 'awk', 'tee', 'cat', 'echo'] } as const;

	describe('what asks even when the program is allowed', () => {
		itDecides(
			[
				['sed -i s/a/b/ f', 'ask', /`sed -i` edits files in place/],
				["sed -i.bak 's/a/b/' f", 'ask', /sed -i/],
				["sed --in-place 's/a/b/' f", 'ask', /sed -i/],
				["sed -ni 's/a/b/p' f", 'ask', /sed -i/],
				["sed 's/x/id/e' f", 'ask', /script can run commands or write files/],
				["sed 's/x/y/w /tmp/out' f", 'ask', /script can run commands or write files/],
				["sed '1e id' f", 'ask', /can run commands/],
				["sed -n 'w /tmp/out' f", 'ask', /write files/],
				["sed -e 's/a/b/' -e '1e id' f", 'ask', /can run commands/],
				['sed -f script.sed f', 'ask', /`sed -f` runs a script from a file/],
				['sed "$script" f', 'ask', /known only when the line runs/],
				[`awk 'BEGIN{system("id")}'`, 'ask', /the `awk` program can run commands or write files/],
				[`awk '{ print | "sh" }' f`, 'ask', /can run commands/],
				[`awk '{ "id" | getline x }'`, 'ask', /can run commands/],
				[`awk '{ print > "/tmp/out" }' f`, 'ask', /write files/],
				['awk -f prog.awk f', 'ask', /runs a program from a file/],
				['awk "$prog" f', 'ask', /known only when the line runs/],
				['tee ~/.bashrc', 'ask', /`tee` writes ~\/\.bashrc/],
				['echo x | tee -a notes.txt', 'ask', /`tee` writes notes\.txt/],
				['echo x | tee "$f"', 'ask', /`tee` writes "\$f"/],
			],
			policy,
		);
	});

	describe('what stays unasked', () => {
		itDecides(
			[
				["sed -n '1,5p' f", 'allow'],
				["sed 's/hello/world/g' f", 'allow'],
				["sed -E 's/(we)+/x/' f", 'allow'],
				["sed '/^#/d' f", 'allow'],
				["awk '{ print $1 }' f", 'allow'],
				["awk -F: '$3 > 100 { print $1 }' f", 'allow'],
				['echo x | tee /dev/null', 'allow'],
				['echo x | tee', 'allow'],
			],
			policy,
		);
	});
});
