/**
 * The ports a task's list entry shows: those the last sample found listening, plus every port a wait
 * found accepting connections, which detection cannot always see (macOS has none, another user's
 * socket hides its owner). Lists are sorted, without duplicates.
 */
export class TaskPorts {
	/** Ports a wait found accepting connections: kept in the list even where detection cannot see them. */
	private readonly _waited = new Set<number>();

	/** A port a wait found open. The new list when that adds to `current`, else undefined. */
	addWaited(port: number, current: readonly number[] | undefined): number[] | undefined {
		this._waited.add(port);
		return changed(sortedPorts([...(current ?? []), port]), current);
	}

	/** The ports a sample found. The new list ([] for none) when it differs from `current`, else undefined. */
	sampled(ports: readonly number[], current: readonly number[] | undefined): number[] | undefined {
		return changed(sortedPorts([...ports, ...this._waited]), current);
	}
}

function sortedPorts(ports: readonly number[]): number[] {
	return [...new Set(ports)].sort((a, b) => a - b);
}

function changed(ports: number[], current: readonly number[] | undefined): number[] | undefined {
	const other = current ?? [];
	return ports.length === other.length && ports.every((port, index) => port === other[index]) ? undefined : ports;
}
