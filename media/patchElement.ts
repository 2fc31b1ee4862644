/** Updating an element in place from a freshly built one, so focus and position survive a redraw. */

/**
 * Gives `target` the attributes and children of `source`, and puts the focus back on the matching
 * control if it was inside `target`.
 */
export function patchElement(target: HTMLElement, source: HTMLElement): void {
	const active = document.activeElement;
	let focusKey: string | undefined;
	if (active instanceof HTMLElement && active !== target && target.contains(active)) {
		focusKey = controlKey(active);
	}
	for (const name of target.getAttributeNames()) {
		if (!source.hasAttribute(name)) {
			target.removeAttribute(name);
		}
	}
	for (const name of source.getAttributeNames()) {
		target.setAttribute(name, source.getAttribute(name)!);
	}
	target.replaceChildren(...Array.from(source.childNodes));
	if (focusKey !== undefined) {
		let restored = false;
		for (const candidate of target.querySelectorAll<HTMLElement>('button, a[href]')) {
			if (controlKey(candidate) === focusKey) {
				candidate.focus();
				restored = true;
				break;
			}
		}
		// The control went away (an approval was answered): keep the keyboard on the card, not the page.
		if (!restored) {
			target.querySelector<HTMLElement>(':scope > .tool-header')?.focus();
		}
	}
}

function controlKey(el: HTMLElement): string {
	return el.dataset.action
		? [el.tagName, el.dataset.action, el.dataset.taskId ?? '', el.dataset.decision ?? ''].join('|')
		: [el.tagName, el.className, el.textContent ?? ''].join('|');
}
