/** The ids of the two views (package.json `contributes.views`): known at activation, before anything else loads. */
export const TASKS_VIEW_ID = 'meanwhile.tasks';
export const CHAT_VIEW_ID = 'meanwhile.chat';
