// OS_* variables, from the environment or an openrc file (kolla's admin-openrc.sh): read as shell words,
// never run.
import {isTruthy, type CredentialFields, type FieldNaming} from './credentials.js';

export type ParsedOpenrc = {
	variables: Record<string, string>;
	/** Variables whose value needs a shell to compute (`$(...)`, backticks): never run, reported instead. */
	computed: string[];
};

/** One shell word after `KEY=`: quotes, escapes and `$VAR` from earlier lines; null when it runs a command. */
function shellWord(text: string, known: Record<string, string>): string | null {
	let value = '';
	let index = 0;
	const expand = (): string | null => {
		const rest = text.slice(index + 1);
		if (rest.startsWith('(')) return null;
		const braced = /^\{([A-Za-z_][A-Za-z0-9_]*)\}/.exec(rest);
		const bare = /^([A-Za-z_][A-Za-z0-9_]*)/.exec(rest);
		const match = braced ?? bare;
		if (!match) {
			index += 1;
			return '$';
		}
		index += 1 + match[0].length;
		return known[match[1]!] ?? '';
	};
	while (index < text.length) {
		const char = text[index]!;
		if (/\s/.test(char) || char === ';') break;
		if (char === '`') return null;
		if (char === "'") {
			const end = text.indexOf("'", index + 1);
			if (end < 0) return null;
			value += text.slice(index + 1, end);
			index = end + 1;
		} else if (char === '"') {
			index += 1;
			while (index < text.length && text[index] !== '"') {
				const inner = text[index]!;
				if (inner === '\\' && index + 1 < text.length && '"\\$`'.includes(text[index + 1]!)) {
					value += text[index + 1];
					index += 2;
				} else if (inner === '`') return null;
				else if (inner === '$') {
					const expanded = expand();
					if (expanded === null) return null;
					value += expanded;
				} else {
					value += inner;
					index += 1;
				}
			}
			if (index >= text.length) return null;
			index += 1;
		} else if (char === '\\') {
			value += text[index + 1] ?? '';
			index += 2;
		} else if (char === '$') {
			const expanded = expand();
			if (expanded === null) return null;
			value += expanded;
		} else {
			value += char;
			index += 1;
		}
	}
	return value;
}

/** `export KEY=VALUE` lines of an openrc (kolla's included); loops, `unset` and comments are skipped, nothing runs. */
export function parseOpenrc(text: string): ParsedOpenrc {
	const variables: Record<string, string> = {};
	const computed = new Set<string>();
	for (const line of text.split(/\r?\n/)) {
		const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
		if (!match) continue;
		const key = match[1]!;
		const value = shellWord(match[2]!, variables);
		if (value === null) {
			computed.add(key);
			delete variables[key];
		} else {
			computed.delete(key);
			variables[key] = value;
		}
	}
	return {variables, computed: [...computed]};
}

export const variableNaming: FieldNaming = {
	authUrl: 'OS_AUTH_URL',
	password: 'OS_PASSWORD',
	secret: 'OS_APPLICATION_CREDENTIAL_SECRET',
	token: 'OS_TOKEN',
	interface: 'OS_INTERFACE',
	authType: 'OS_AUTH_TYPE',
};

/** Every OS_* variable read from the environment or an openrc. */
const credentialVariables = [
	'OS_AUTH_URL', 'OS_AUTH_TYPE', 'OS_AUTH_PLUGIN', 'OS_USERNAME', 'OS_USER_ID', 'OS_PASSWORD', 'OS_USER_DOMAIN_NAME', 'OS_USER_DOMAIN_ID',
	'OS_PROJECT_NAME', 'OS_TENANT_NAME', 'OS_PROJECT_ID', 'OS_TENANT_ID', 'OS_PROJECT_DOMAIN_NAME', 'OS_PROJECT_DOMAIN_ID', 'OS_DOMAIN_NAME',
	'OS_DOMAIN_ID', 'OS_SYSTEM_SCOPE', 'OS_DEFAULT_DOMAIN_ID', 'OS_DEFAULT_DOMAIN', 'OS_DEFAULT_DOMAIN_NAME', 'OS_APPLICATION_CREDENTIAL_ID',
	'OS_APPLICATION_CREDENTIAL_NAME', 'OS_APPLICATION_CREDENTIAL_SECRET', 'OS_TOKEN', 'OS_AUTH_TOKEN', 'OS_INTERFACE', 'OS_ENDPOINT_TYPE',
	'OS_REGION_NAME', 'OS_CACERT', 'OS_INSECURE',
];

/** The credential variables of an openrc that only a shell could compute: they make the file unusable. */
export function computedCredentialVariables(parsed: ParsedOpenrc): string[] {
	return parsed.computed.filter(name => credentialVariables.includes(name));
}

/** The credential fields of a set of OS_* variables; an empty value counts as unset. */
export function fieldsFromVariables(variables: Record<string, string | undefined>): CredentialFields {
	const first = (...names: string[]): string | undefined => names.map(name => variables[name]).find(value => value !== undefined && value !== '');
	return {
		authUrl: first('OS_AUTH_URL'),
		authType: first('OS_AUTH_TYPE', 'OS_AUTH_PLUGIN'),
		username: first('OS_USERNAME'),
		userId: first('OS_USER_ID'),
		password: first('OS_PASSWORD'),
		userDomainName: first('OS_USER_DOMAIN_NAME'),
		userDomainId: first('OS_USER_DOMAIN_ID'),
		projectName: first('OS_PROJECT_NAME', 'OS_TENANT_NAME'),
		projectId: first('OS_PROJECT_ID', 'OS_TENANT_ID'),
		projectDomainName: first('OS_PROJECT_DOMAIN_NAME'),
		projectDomainId: first('OS_PROJECT_DOMAIN_ID'),
		domainName: first('OS_DOMAIN_NAME'),
		domainId: first('OS_DOMAIN_ID'),
		system: first('OS_SYSTEM_SCOPE'),
		defaultDomainId: first('OS_DEFAULT_DOMAIN_ID', 'OS_DEFAULT_DOMAIN'),
		defaultDomainName: first('OS_DEFAULT_DOMAIN_NAME'),
		appCredentialId: first('OS_APPLICATION_CREDENTIAL_ID'),
		appCredentialName: first('OS_APPLICATION_CREDENTIAL_NAME'),
		appCredentialSecret: first('OS_APPLICATION_CREDENTIAL_SECRET'),
		token: first('OS_TOKEN', 'OS_AUTH_TOKEN'),
		interface: first('OS_INTERFACE', 'OS_ENDPOINT_TYPE'),
		region: first('OS_REGION_NAME'),
		cacert: first('OS_CACERT'),
		insecure: isTruthy(variables['OS_INSECURE']),
	};
}
