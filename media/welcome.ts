import { actionButton, h, icon } from './dom';

/** The empty state: what Meanwhile does, and how to set the API key when there is none. */
export class Welcome {
	readonly el: HTMLElement;
	private readonly keyHelp: HTMLElement;

	constructor() {
		this.keyHelp = h(
			'div',
			{ className: 'welcome-key' },
			h('p', { text: 'To start, set your Anthropic API key.' }),
			actionButton('Set API Key', 'setApiKey', 'primary-button'),
			h(
				'p',
				{ className: 'welcome-hint' },
				'Or set the ',
				h('code', { text: 'ANTHROPIC_API_KEY' }),
				' environment variable and restart VS Code.',
			),
		);
		this.el = h(
			'section',
			{ className: 'welcome', attrs: { 'aria-label': 'Welcome' } },
			h('div', { className: 'welcome-icon' }, icon('sparkle')),
			h('h2', { className: 'welcome-title', text: 'Meanwhile' }),
			h('p', {
				text: 'A coding agent that keeps working while long commands run. Slow commands go to the background, and their results come back to this chat on their own.',
			}),
			this.keyHelp,
			h('p', { className: 'welcome-hint', text: 'Enter sends, Shift+Enter adds a line, Escape stops.' }),
		);
	}

	update(visible: boolean, hasApiKey: boolean): void {
		this.el.hidden = !visible;
		this.keyHelp.hidden = hasApiKey;
	}
}
