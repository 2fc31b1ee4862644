import type { Logger } from '../common/logger';
import { createModelClient, type ModelClient } from '../agent/modelClient';
import type { ApiKeyStore } from './apiKey';
import { readBaseUrl } from './settings';

/** The model's retries of a failed request (429, 5xx, 529, connection) before the chat offers Retry. */
const MAX_RETRIES = 2;

/** The client for the API key and base URL set now: made again only when either changes. */
export class ModelClients {
	private _client: { key: string; baseUrl: string | undefined; client: ModelClient } | undefined;

	constructor(
		private readonly _apiKey: ApiKeyStore,
		private readonly _logger: Logger,
	) {}

	/** The client, or undefined when no API key is set. */
	readonly current = async (): Promise<ModelClient | undefined> => {
		const key = await this._apiKey.get();
		if (!key) {
			return undefined;
		}
		const baseUrl = readBaseUrl();
		if (!this._client || this._client.key !== key || this._client.baseUrl !== baseUrl) {
			this._client = { key, baseUrl, client: createModelClient({ apiKey: key, baseUrl, maxRetries: MAX_RETRIES, logger: this._logger }) };
		}
		return this._client.client;
	};

	/** The models the key can use, or undefined when the API cannot be asked. */
	async listModels(): Promise<string[] | undefined> {
		const client = await this.current();
		if (!client) {
			return undefined;
		}
		try {
			return await client.listModels();
		} catch (error) {
			this._logger.warn(`Could not list the models: ${String(error)}`);
			return undefined;
		}
	}
}
