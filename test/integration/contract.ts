/** The public names from the product contract (CONTRACT.md), kept here so the tests need nothing outside the repo. */
export const CONTRACT_COMMANDS = [
	'meanwhile.runInBackground',
	'meanwhile.cancelTask',
	'meanwhile.showTaskOutput',
	'meanwhile.openTaskLog',
	'meanwhile.rerunTask',
	'meanwhile.clearFinishedTasks',
	'meanwhile.leaveTaskRunning',
	'meanwhile.openTaskInBrowser',
	'meanwhile.newChat',
	'meanwhile.showChatHistory',
	'meanwhile.stopResponse',
	'meanwhile.sendMessage',
	'meanwhile.addSelectionToChat',
	'meanwhile.selectModel',
	'meanwhile.setApiKey',
] as const;

/** Commands the product adds beyond the contract (listed in the README's reference). */
export const EXTRA_COMMANDS: readonly string[] = [];
