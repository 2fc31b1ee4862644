/** Variables a task never sees: the API key and the rest of our own configuration are not the command's business. */
function isHidden(name: string): boolean {
	return name.toUpperCase().startsWith('ANTHROPIC_');
}

/** The environment of a task: the inherited one, plus what the caller adds, minus `ANTHROPIC_*` whatever the case. */
export function taskEnvironment(base: NodeJS.ProcessEnv, added: Readonly<Record<string, string>> | undefined): NodeJS.ProcessEnv {
	const environment: NodeJS.ProcessEnv = {};
	for (const source of [base, added ?? {}]) {
		for (const [name, value] of Object.entries(source)) {
			if (value !== undefined && !isHidden(name)) {
				environment[name] = value;
			}
		}
	}
	return environment;
}
