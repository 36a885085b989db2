import { subscribe, unsubscribe } from 'node:diagnostics_channel';

import { Logger } from '@n8n/backend-common';
import { DnsResolver, OutboundHttp, SsrfProtectionService } from '@n8n/backend-network';
import { SsrfProtectionConfig } from '@n8n/config';
import { Container } from '@n8n/di';

import type { EgressFilter } from '../../nodes/shared/http/egress';

/**
 * n8n 2.41's own outbound network policy, set up the way n8n builds it from N8N_SSRF_* (its
 * SsrfProtectionConfig, SsrfProtectionService and OutboundHttp in @n8n/di's container), so that
 * `helpers.getSecureEgressFilter` in n8n-core's real contexts hands our nodes exactly what a
 * running n8n would. Only the DNS is replaced: a hosts-style table, so a name can resolve to a
 * blocked address without any traffic leaving 127.0.0.1.
 */

export interface PolicySettings {
	/** N8N_SSRF_PROTECTION_ENABLED */
	enabled: boolean;
	/** N8N_SSRF_ALLOWED_IP_RANGES */
	allowedIpRanges?: string[];
	/** N8N_SSRF_ALLOWED_HOSTNAMES */
	allowedHostnames?: string[];
	/** Host name → the addresses it resolves to, one list per successive lookup (the last repeats). */
	hosts?: Record<string, string[][]>;
}

/** A DNS stub: answers from the table, counts lookups; an unknown name does not exist. */
class HostsTable {
	readonly lookups: string[] = [];

	constructor(private readonly hosts: Record<string, string[][]>) {}

	async lookup(hostname: string): Promise<Array<{ address: string; family: number }>> {
		const seen = this.lookups.filter((name) => name === hostname).length;
		this.lookups.push(hostname);
		const answers = this.hosts[hostname.toLowerCase()];
		if (!answers) {
			throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
				code: 'ENOTFOUND',
				hostname,
			});
		}
		const addresses = answers[Math.min(seen, answers.length - 1)];
		return await Promise.resolve(
			addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
		);
	}
}

export interface InstalledPolicy {
	/** The filter our nodes get under the default 'safe' policy. */
	filter: EgressFilter;
	dns: HostsTable;
}

/** Installs the policy in n8n's container; n8n-core's contexts pick it up on the next request. */
export function installPolicy(settings: PolicySettings): InstalledPolicy {
	const config = new SsrfProtectionConfig();
	config.enabled = settings.enabled;
	config.allowedIpRanges = settings.allowedIpRanges ?? [];
	config.allowedHostnames = settings.allowedHostnames ?? [];
	const dns = new HostsTable(settings.hosts ?? {});
	const logger = Container.get(Logger);
	const service = new SsrfProtectionService(config, dns as unknown as DnsResolver, logger);
	const outbound = new OutboundHttp(service, config, logger);
	Container.set(SsrfProtectionConfig, config);
	Container.set(SsrfProtectionService, service);
	Container.set(OutboundHttp, outbound);
	return { filter: outbound.egressFilter('safe') as EgressFilter, dns };
}

/**
 * Every connection undici sets out to open, by host, seen through its diagnostics channel before
 * any socket exists: a refused address must never appear here.
 */
export function watchConnects(): { hosts: string[]; stop: () => void } {
	const hosts: string[] = [];
	const listener = (message: unknown) => {
		const params = (message as { connectParams?: { hostname?: string } }).connectParams;
		hosts.push(params?.hostname ?? '?');
	};
	subscribe('undici:client:beforeConnect', listener);
	return { hosts, stop: () => unsubscribe('undici:client:beforeConnect', listener) };
}
