/** What the chat says when a request fails, and which buttons the error offers. */
import type { ChatErrorAction } from '../shared/protocol';
import type { ModelError } from './modelClient';

/**
 * The error item's text and actions for a failed request. `shortenedFurther`: for a prompt too long,
 * whether earlier tool outputs were shortened further, so a retry may pass.
 */
export function describeError(error: ModelError, shortenedFurther: boolean): [string, ChatErrorAction[]] {
	const status = error.status !== undefined ? ` (${error.status})` : '';
	switch (error.kind) {
		case 'auth':
			return [`The API key was refused${status}: ${error.message}`, ['setApiKey', 'retry']];
		case 'rateLimit':
			return [`Rate limited${status}: ${error.message} Retried a few times without success; try again in a moment.`, ['retry']];
		case 'overloaded':
			return [`The API is overloaded${status}: ${error.message} Try again in a moment.`, ['retry']];
		case 'server':
			return [`The API failed${status}: ${error.message}`, ['retry']];
		case 'network':
			return [`The connection failed: ${error.message}`, ['retry']];
		case 'promptTooLong':
			// Retry stays offered: the user may also pick a model with a larger window.
			return shortenedFurther
				? [
						`The conversation is too long for the model${status}: ${error.message} Earlier tool outputs were shortened and the request sent again, ` +
							'still too long; they are now shortened further. Retry to send it again, or start a new chat.',
						['retry'],
					]
				: [
						`The conversation is too long for the model${status}: ${error.message} Nothing more can be shortened (what you and the model wrote ` +
							'is never cut). Start a new chat, or pick a model with a larger context window and retry.',
						['retry'],
					];
		case 'badRequest':
			return [`The API refused the request${status}: ${error.message}`, error.status === 404 ? ['openSettings'] : ['retry']];
		default:
			return [`The request failed${status}: ${error.message}`, ['retry']];
	}
}
