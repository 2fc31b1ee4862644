/** Small DOM helpers. Elements are built with the DOM API (never style attributes: the CSP forbids them). */

type Child = Node | string | null | undefined | false;

export interface ElementOptions {
	className?: string;
	text?: string;
	attrs?: Record<string, string | undefined>;
}

export function h<K extends keyof HTMLElementTagNameMap>(
	tag: K,
	options: ElementOptions = {},
	...children: Child[]
): HTMLElementTagNameMap[K] {
	const el = document.createElement(tag);
	if (options.className) {
		el.className = options.className;
	}
	if (options.attrs) {
		for (const [name, value] of Object.entries(options.attrs)) {
			if (value !== undefined) {
				el.setAttribute(name, value);
			}
		}
	}
	if (options.text !== undefined) {
		el.textContent = options.text;
	}
	for (const child of children) {
		if (child !== null && child !== undefined && child !== false) {
			el.append(child);
		}
	}
	return el;
}

/** A decorative codicon. */
export function icon(name: string, spin = false, extraClass = ''): HTMLSpanElement {
	const classes = ['codicon', `codicon-${name}`];
	if (spin) {
		classes.push('codicon-modifier-spin');
	}
	if (extraClass) {
		classes.push(extraClass);
	}
	return h('span', { className: classes.join(' '), attrs: { 'aria-hidden': 'true' } });
}

/** A codicon that says something to screen readers (a state). */
export function statusIcon(name: string, label: string, spin = false, extraClass = ''): HTMLSpanElement {
	const el = icon(name, spin, extraClass);
	el.removeAttribute('aria-hidden');
	el.setAttribute('role', 'img');
	el.setAttribute('aria-label', label);
	el.title = label;
	return el;
}

export function button(label: string, options: { className?: string; icon?: string; ariaLabel?: string; title?: string } = {}): HTMLButtonElement {
	const el = h('button', { className: options.className, attrs: { type: 'button' } });
	if (options.icon) {
		el.append(icon(options.icon));
	}
	if (label) {
		el.append(h('span', { className: 'button-label', text: label }));
	}
	if (options.ariaLabel) {
		el.setAttribute('aria-label', options.ariaLabel);
	}
	if (options.title) {
		el.title = options.title;
	}
	return el;
}

/** A button for a delegated click listener: it says what it does in `data-action` (and more in `data-*`). */
export function actionButton(label: string, action: string, className = 'text-button', data: Record<string, string> = {}): HTMLButtonElement {
	const el = h('button', { className, text: label, attrs: { type: 'button', 'data-action': action } });
	for (const [key, value] of Object.entries(data)) {
		el.dataset[key] = value;
	}
	return el;
}

let nextId = 0;

export function uniqueId(prefix: string): string {
	nextId += 1;
	return `${prefix}-${nextId}`;
}
