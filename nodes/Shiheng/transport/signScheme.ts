import { ParameterError } from '../../shared/errors';

/** The signing schemes a Shiheng credential can describe: the presets and the custom combination. */

export type SignJoin = 'query' | 'concat';
export type SignAlgorithm = 'md5' | 'sha256' | 'hmac-sha256';
export type SecretPlacement = 'append' | 'wrap';
export type HexCase = 'upper' | 'lower';
export type TimestampUnit = 'ms' | 's';

export interface SignScheme {
	/** `k=v&k=v` or `kvkv`, always over the parameters sorted by name. */
	join: SignJoin;
	algorithm: SignAlgorithm;
	/** Where the secret goes for plain digests; HMAC uses the secret as its key instead. */
	secretPlacement: SecretPlacement;
	hexCase: HexCase;
	timestampUnit: TimestampUnit;
}

export interface SignPreset {
	value: string;
	name: string;
	scheme: SignScheme;
}

/** The presets offered in the credential. The first is the default (see the credential's help). */
export const SIGN_PRESETS: SignPreset[] = [
	{
		value: 'md5QueryAppendUpperMs',
		name: 'MD5 of Sorted k=v&… + Secret, Upper-Case Hex, Timestamp in Ms (Default)',
		scheme: {
			join: 'query',
			algorithm: 'md5',
			secretPlacement: 'append',
			hexCase: 'upper',
			timestampUnit: 'ms',
		},
	},
	{
		value: 'md5QueryAppendLowerMs',
		name: 'MD5 of Sorted k=v&… + Secret, Lower-Case Hex, Timestamp in Ms',
		scheme: {
			join: 'query',
			algorithm: 'md5',
			secretPlacement: 'append',
			hexCase: 'lower',
			timestampUnit: 'ms',
		},
	},
	{
		value: 'md5QueryAppendLowerS',
		name: 'MD5 of Sorted k=v&… + Secret, Lower-Case Hex, Timestamp in Seconds',
		scheme: {
			join: 'query',
			algorithm: 'md5',
			secretPlacement: 'append',
			hexCase: 'lower',
			timestampUnit: 's',
		},
	},
	{
		value: 'md5ConcatWrapUpperMs',
		name: 'MD5 of Secret + Sorted Keys and Values Concatenated + Secret, Upper-Case Hex, Timestamp in Ms',
		scheme: {
			join: 'concat',
			algorithm: 'md5',
			secretPlacement: 'wrap',
			hexCase: 'upper',
			timestampUnit: 'ms',
		},
	},
	{
		value: 'sha256QueryAppendLowerMs',
		name: 'SHA-256 of Sorted k=v&… + Secret, Lower-Case Hex, Timestamp in Ms',
		scheme: {
			join: 'query',
			algorithm: 'sha256',
			secretPlacement: 'append',
			hexCase: 'lower',
			timestampUnit: 'ms',
		},
	},
	{
		value: 'hmacSha256QueryLowerMs',
		name: 'HMAC-SHA256 (Key = Secret) of Sorted k=v&…, Lower-Case Hex, Timestamp in Ms',
		scheme: {
			join: 'query',
			algorithm: 'hmac-sha256',
			secretPlacement: 'append',
			hexCase: 'lower',
			timestampUnit: 'ms',
		},
	},
];

export const DEFAULT_SIGN_PRESET = SIGN_PRESETS[0].value;
export const CUSTOM_SIGN_PRESET = 'custom';

function pick<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
	return typeof value === 'string' && (allowed as readonly string[]).includes(value)
		? (value as T)
		: fallback;
}

/** The scheme a credential's values describe (a preset, or the custom fields). */
export function schemeFromCredentials(data: Record<string, unknown>): SignScheme {
	const preset = typeof data.signingScheme === 'string' ? data.signingScheme : DEFAULT_SIGN_PRESET;
	if (preset !== CUSTOM_SIGN_PRESET) {
		const found = SIGN_PRESETS.find((entry) => entry.value === preset);
		if (!found)
			throw new ParameterError('Signing Scheme', `Unknown Shiheng signing scheme "${preset}"`);
		return { ...found.scheme };
	}
	return {
		join: pick(data.signJoin, ['query', 'concat'], 'query'),
		algorithm: pick(data.signAlgorithm, ['md5', 'sha256', 'hmac-sha256'], 'md5'),
		secretPlacement: pick(data.signSecretPlacement, ['append', 'wrap'], 'append'),
		hexCase: pick(data.signHexCase, ['upper', 'lower'], 'upper'),
		timestampUnit: pick(data.timestampUnit, ['ms', 's'], 'ms'),
	};
}
