/**
 * What `--record DIR` writes must be safe to send back as a fixture: no token, no statement handle or
 * requestId that names a query in the account's history, no account or user name. Handles are replaced
 * consistently (the same handle → the same `<handle-N>` in every file of one run), so a recorded
 * statementStatusUrl still points at the statementHandle of its own body.
 */

/** Three base64url segments starting with `eyJ` (`{"`): a JWT wherever it appears (header, body, error text). */
const JWT = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;
/** Statement handles and requestIds are UUID-shaped (`01b2c3d4-0000-1a2b-0000-00012a3b4c5d`). */
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export class Redactor {
	private readonly handles = new Map<string, string>();
	private readonly names: Array<{ pattern: RegExp; replacement: string }>;

	/** `names`: texts to hide wherever they appear, case-insensitively (account, user, host). */
	constructor(names: Record<string, string> = {}) {
		this.names = Object.entries(names)
			.filter(([, text]) => text.length >= 3)
			// Longest first, so a host is replaced before the account inside it.
			.sort(([, a], [, b]) => b.length - a.length)
			.map(([label, text]) => ({ pattern: new RegExp(escapeRegExp(text), 'gi'), replacement: `<${label}>` }));
	}

	redact(text: string): string {
		let out = text.replace(JWT, '<jwt>').replace(UUID, (uuid) => this.handle(uuid));
		for (const { pattern, replacement } of this.names) out = out.replace(pattern, replacement);
		return out;
	}

	private handle(uuid: string): string {
		const key = uuid.toLowerCase();
		let label = this.handles.get(key);
		if (!label) {
			label = `<handle-${this.handles.size + 1}>`;
			this.handles.set(key, label);
		}
		return label;
	}
}
