import {
	CLOCK_TICKS_PER_SECOND,
	readListeningSockets,
	readProcessTable,
	readPsTable,
	readResidentBytes,
	readSocketInodes,
	readUptimeSeconds,
	type ProcessStat,
} from './procfs';
import type { ResourceUsage } from './types';

export interface GroupSample {
	readonly resources: ResourceUsage;
	/** Sorted and unique; undefined where ports cannot be detected (anything but Linux). */
	readonly ports: readonly number[] | undefined;
}

interface CpuReading {
	readonly startTicks: number;
	readonly cpuTicks: number;
}

/**
 * Samples CPU, memory and listening ports of process groups: one pass over the process table for all
 * groups at once, however many tasks run.
 *
 * CPU is the change in user plus system time of each process since the previous sample, over the time
 * between the samples; a process seen for the first time counts its average since it started, so the
 * first sample already says something. Times of children that have ended and been reaped are not
 * counted: the kernel adds them to the parent in one lump, which would show as a spike.
 * Memory is resident memory summed over the group (pages shared between its processes count once per process).
 */
export class ResourceSampler {
	private _previous = new Map<number, CpuReading>();
	private _previousUptime: number | undefined;

	constructor(
		private readonly _platform: NodeJS.Platform = process.platform,
		private readonly _now: () => number = Date.now,
	) {}

	/** One sample of each group that has a live process; groups without any are left out. */
	async sample(pgids: readonly number[]): Promise<Map<number, GroupSample>> {
		if (pgids.length === 0) {
			return new Map();
		}
		if (this._platform === 'linux') {
			return this.sampleLinux(new Set(pgids));
		}
		if (this._platform === 'darwin') {
			return this.samplePs(new Set(pgids));
		}
		return new Map();
	}

	private async sampleLinux(wanted: ReadonlySet<number>): Promise<Map<number, GroupSample>> {
		const [table, uptime] = await Promise.all([readProcessTable(), readUptimeSeconds()]);
		const groups = new Map<number, ProcessStat[]>();
		for (const stat of table) {
			if (wanted.has(stat.pgid)) {
				const members = groups.get(stat.pgid) ?? [];
				members.push(stat);
				groups.set(stat.pgid, members);
			}
		}
		const uptimeTicks = uptime * CLOCK_TICKS_PER_SECOND;
		const previousUptimeTicks = this._previousUptime === undefined ? undefined : this._previousUptime * CLOCK_TICKS_PER_SECOND;
		const readings = new Map<number, CpuReading>();
		const sockets = groups.size > 0 ? await readListeningSockets() : new Map<string, number>();
		const sampledAt = this._now();
		const samples = new Map<number, GroupSample>();
		for (const [pgid, members] of groups) {
			let cpuPercent = 0;
			for (const member of members) {
				readings.set(member.pid, { startTicks: member.startTicks, cpuTicks: member.cpuTicks });
				const previous = this._previous.get(member.pid);
				if (previous && previous.startTicks === member.startTicks && previousUptimeTicks !== undefined && uptimeTicks > previousUptimeTicks) {
					cpuPercent += (Math.max(0, member.cpuTicks - previous.cpuTicks) / (uptimeTicks - previousUptimeTicks)) * 100;
				} else {
					cpuPercent += (member.cpuTicks / Math.max(1, uptimeTicks - member.startTicks)) * 100;
				}
			}
			const [memory, inodes] = await Promise.all([
				Promise.all(members.map((member) => readResidentBytes(member.pid))),
				Promise.all(members.map((member) => readSocketInodes(member.pid))),
			]);
			const ports = new Set<number>();
			for (const inode of inodes.flat()) {
				const port = sockets.get(inode);
				if (port !== undefined) {
					ports.add(port);
				}
			}
			samples.set(pgid, {
				resources: {
					cpuPercent: Math.round(cpuPercent * 10) / 10,
					memoryBytes: memory.reduce((sum, bytes) => sum + bytes, 0),
					processCount: members.length,
					sampledAt,
				},
				ports: [...ports].sort((a, b) => a - b),
			});
		}
		// Only the processes of groups still sampled are remembered, so the map does not grow with every pid ever seen.
		this._previous = readings;
		this._previousUptime = uptime;
		return samples;
	}

	private async samplePs(wanted: ReadonlySet<number>): Promise<Map<number, GroupSample>> {
		const rows = await readPsTable();
		const sampledAt = this._now();
		const totals = new Map<number, { cpuPercent: number; memoryBytes: number; processCount: number }>();
		for (const row of rows) {
			if (!wanted.has(row.pgid)) {
				continue;
			}
			const total = totals.get(row.pgid) ?? { cpuPercent: 0, memoryBytes: 0, processCount: 0 };
			total.cpuPercent += row.cpuPercent;
			total.memoryBytes += row.residentBytes;
			total.processCount++;
			totals.set(row.pgid, total);
		}
		const samples = new Map<number, GroupSample>();
		for (const [pgid, total] of totals) {
			samples.set(pgid, { resources: { ...total, cpuPercent: Math.round(total.cpuPercent * 10) / 10, sampledAt }, ports: undefined });
		}
		return samples;
	}
}
