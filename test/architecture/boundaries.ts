/**
 * Reads the import graph of the package with the TypeScript compiler API and reports what the
 * architecture rules forbid: import cycles (between modules and between folders), reach-ins past a
 * folder's entry point, dead exports, and runtime imports of transport/ and decoder/ beyond
 * node:crypto and their own files. Works on an in-memory map of paths to sources, so its own tests
 * can feed it small fixtures.
 */
import ts from 'typescript';

/** Repository-relative path (forward slashes) → source text. */
export type SourceFiles = ReadonlyMap<string, string>;

export interface ImportEdge {
	from: string;
	/** The specifier as written. */
	specifier: string;
	/** The resolved repository file, when the specifier is relative and names one of the files. */
	to?: string;
	/** Only types cross this edge (`import type`, `export type … from`, or every named element typed). */
	typeOnly: boolean;
	/** Names taken from the target: '*' for a namespace import or `export *`. Empty for a side-effect import. */
	names: string[];
	/** For `export … from`: the names this module exports in return (target name → exported name). */
	reexports?: Array<{ imported: string; exported: string }>;
	/** `export * from`: every name of the target is exported again. */
	reexportsAll?: boolean;
	/** `export * as <name> from`: the target's names, as one namespace export. */
	namespaceExport?: string;
}

export interface ModuleInfo {
	path: string;
	imports: ImportEdge[];
	/** Names the module exports from its own declarations (`default` for a default export). */
	ownExports: string[];
}

export interface Findings {
	moduleCycles: string[][];
	folderCycles: string[][];
	reachIns: Array<{ from: string; to: string }>;
	deadExports: Array<{ module: string; name: string }>;
	forbiddenImports: Array<{ from: string; specifier: string; why: string }>;
}

const PRODUCT_ROOTS = ['credentials/', 'nodes/'];
export const isProduct = (path: string) => PRODUCT_ROOTS.some((root) => path.startsWith(root));

const dirname = (path: string) => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '');

function normalize(path: string): string {
	const parts: string[] = [];
	for (const part of path.split('/')) {
		if (part === '..') parts.pop();
		else if (part !== '.' && part !== '') parts.push(part);
	}
	return parts.join('/');
}

function resolve(from: string, specifier: string, files: SourceFiles): string | undefined {
	if (!specifier.startsWith('.')) return undefined;
	const base = normalize(`${dirname(from)}/${specifier}`);
	for (const candidate of [base, `${base}.ts`, `${base}/index.ts`]) {
		if (files.has(candidate) && /\.ts$/.test(candidate)) return candidate;
	}
	return undefined;
}

const hasModifier = (node: ts.Node, kind: ts.SyntaxKind) =>
	ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((modifier) => modifier.kind === kind);

/** Imports and exports of one file, read from its syntax tree. */
export function readModule(path: string, files: SourceFiles): ModuleInfo {
	const source = ts.createSourceFile(path, files.get(path) ?? '', ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
	const imports: ImportEdge[] = [];
	const ownExports: string[] = [];
	const edge = (specifier: string, fields: Omit<ImportEdge, 'from' | 'specifier' | 'to'>) =>
		imports.push({ from: path, specifier, to: resolve(path, specifier, files), ...fields });

	for (const statement of source.statements) {
		if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
			const clause = statement.importClause;
			const names: string[] = [];
			let typed = 0;
			if (clause?.name) names.push('default');
			const bindings = clause?.namedBindings;
			if (bindings && ts.isNamespaceImport(bindings)) names.push('*');
			if (bindings && ts.isNamedImports(bindings)) {
				for (const element of bindings.elements) {
					names.push((element.propertyName ?? element.name).text);
					if (element.isTypeOnly) typed++;
				}
			}
			const typeOnly = clause !== undefined && (clause.isTypeOnly || (names.length > 0 && typed === names.length));
			edge(statement.moduleSpecifier.text, { typeOnly, names });
		} else if (ts.isExportDeclaration(statement)) {
			const clause = statement.exportClause;
			if (statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)) {
				if (clause === undefined) {
					edge(statement.moduleSpecifier.text, { typeOnly: statement.isTypeOnly, names: ['*'], reexportsAll: true });
				} else if (ts.isNamespaceExport(clause)) {
					edge(statement.moduleSpecifier.text, { typeOnly: statement.isTypeOnly, names: ['*'], namespaceExport: clause.name.text });
					ownExports.push(clause.name.text);
				} else {
					const reexports = clause.elements.map((element) => ({ imported: (element.propertyName ?? element.name).text, exported: element.name.text }));
					const typeOnly = statement.isTypeOnly || clause.elements.every((element) => element.isTypeOnly);
					edge(statement.moduleSpecifier.text, { typeOnly, names: reexports.map((r) => r.imported), reexports });
				}
			} else if (clause && ts.isNamedExports(clause)) {
				for (const element of clause.elements) ownExports.push(element.name.text);
			}
		} else if (ts.isExportAssignment(statement)) {
			ownExports.push('default');
		} else if (hasModifier(statement, ts.SyntaxKind.ExportKeyword)) {
			if (hasModifier(statement, ts.SyntaxKind.DefaultKeyword)) ownExports.push('default');
			else if (ts.isVariableStatement(statement)) {
				for (const declaration of statement.declarationList.declarations) {
					if (ts.isIdentifier(declaration.name)) ownExports.push(declaration.name.text);
				}
			} else {
				const name = (statement as ts.DeclarationStatement).name;
				if (name && ts.isIdentifier(name)) ownExports.push(name.text);
			}
		}
	}
	// Dynamic import('…') with a literal specifier anywhere in the file (vi.mock strings are not imports).
	const visit = (node: ts.Node): void => {
		if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
			const [argument] = node.arguments;
			if (argument && ts.isStringLiteralLike(argument)) edge(argument.text, { typeOnly: false, names: ['*'] });
		}
		ts.forEachChild(node, visit);
	};
	visit(source);
	return { path, imports, ownExports };
}

/** Strongly connected components with more than one member (or a member importing itself). */
function cycles(nodes: Iterable<string>, edges: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
	let counter = 0;
	const index = new Map<string, number>();
	const low = new Map<string, number>();
	const stack: string[] = [];
	const onStack = new Set<string>();
	const found: string[][] = [];
	const connect = (node: string): void => {
		index.set(node, counter);
		low.set(node, counter++);
		stack.push(node);
		onStack.add(node);
		for (const next of edges.get(node) ?? []) {
			if (!index.has(next)) {
				connect(next);
				low.set(node, Math.min(low.get(node)!, low.get(next)!));
			} else if (onStack.has(next)) {
				low.set(node, Math.min(low.get(node)!, index.get(next)!));
			}
		}
		if (low.get(node) === index.get(node)) {
			const component: string[] = [];
			let member: string;
			do {
				member = stack.pop()!;
				onStack.delete(member);
				component.push(member);
			} while (member !== node);
			if (component.length > 1 || edges.get(node)?.has(node)) found.push(component.sort());
		}
	};
	for (const node of nodes) if (!index.has(node)) connect(node);
	return found;
}

/** Folders that are package roots, not modules: `nodes/`, `nodes/<Node>/`, `credentials/`. */
const isPackageRoot = (folder: string) => folder === 'nodes' || folder === 'credentials' || /^nodes\/[^/]+$/.test(folder);

/** Folders containing `file`, outermost first (package roots left out). */
function foldersOf(file: string): string[] {
	const parts = file.split('/').slice(0, -1);
	return parts.map((_, i) => parts.slice(0, i + 1).join('/')).filter((folder) => !isPackageRoot(folder));
}

const contains = (folder: string, file: string) => file.startsWith(`${folder}/`);

/** Why an import of `to` from `from` reaches past an entry point, or undefined when it does not. */
export function reachIn(from: string, to: string, files: SourceFiles): boolean {
	const outside = foldersOf(to).filter((folder) => !contains(folder, from));
	if (outside.length === 0) return false;
	const folder = outside[outside.length - 1];
	// n8n's convention: actions/<resource>/ is entered through its one <Resource>.resource.ts, the module the
	// router dispatches to; with actions/index.ts it is the surface of actions/ (operation tests use it too).
	if (/(^|\/)actions\/[^/]+$/.test(folder) && to.endsWith('.resource.ts')) {
		const resources = [...files.keys()].filter((file) => dirname(file) === folder && file.endsWith('.resource.ts'));
		const throughActions = outside.length === 1 || (outside.length === 2 && outside[0] === dirname(folder));
		return resources.length !== 1 || !throughActions;
	}
	return outside.length > 1 || to !== `${folder}/index.ts`;
}

/**
 * The folder edge of an import: between the two folders where the paths of the two files part, when
 * both files lie below them. A file directly in a folder belongs to that folder's own code, so an
 * import between a folder and its subfolder (auth/ using its parent's errors) is no folder edge.
 */
function folderEdge(from: string, to: string): [string, string] | undefined {
	const a = from.split('/');
	const b = to.split('/');
	let i = 0;
	while (i < a.length - 1 && i < b.length - 1 && a[i] === b[i]) i++;
	if (i >= a.length - 1 || i >= b.length - 1) return undefined;
	return [a.slice(0, i + 1).join('/'), b.slice(0, i + 1).join('/')];
}

/** Runtime modules transport/ and decoder/ may import besides their own relative files. */
const SEALED = /^nodes\/SnowflakeSqlApi\/(transport|decoder)\//;
const SEALED_ALLOWED = new Set(['node:crypto']);

export function check(files: SourceFiles, entryPoints: readonly string[]): Findings {
	const modules = new Map<string, ModuleInfo>();
	for (const path of files.keys()) if (path.endsWith('.ts')) modules.set(path, readModule(path, files));
	const product = [...modules.values()].filter((module) => isProduct(module.path));

	// a. cycles among product modules and among product folders
	const moduleEdges = new Map<string, Set<string>>();
	const folderEdges = new Map<string, Set<string>>();
	for (const module of product) {
		for (const { to } of module.imports) {
			if (to === undefined || !isProduct(to)) continue;
			if (!moduleEdges.has(module.path)) moduleEdges.set(module.path, new Set());
			moduleEdges.get(module.path)!.add(to);
			const folders = folderEdge(module.path, to);
			if (folders && !isPackageRoot(folders[0]) && !isPackageRoot(folders[1])) {
				if (!folderEdges.has(folders[0])) folderEdges.set(folders[0], new Set());
				folderEdges.get(folders[0])!.add(folders[1]);
			}
		}
	}

	// b. reach-ins, from product code and from tests, benchmarks and scripts alike
	const reachIns: Findings['reachIns'] = [];
	for (const module of modules.values()) {
		for (const { to } of module.imports) {
			if (to !== undefined && isProduct(to) && reachIn(module.path, to, files)) reachIns.push({ from: module.path, to });
		}
	}

	// c. dead exports: follow imports and re-exports from every product module and the entry points
	const used = new Set<string>();
	const key = (module: string, name: string) => `${module}#${name}`;
	/** Names a module declares or re-exports by name (an `export *` counts where the name is declared). */
	const namedExports = (module: ModuleInfo) => [...module.ownExports, ...module.imports.flatMap((edge) => (edge.reexports ?? []).map((r) => r.exported))];
	const exportsOf = (path: string, seen = new Set<string>()): string[] => {
		const module = modules.get(path);
		if (!module || seen.has(path)) return [];
		seen.add(path);
		return [
			...namedExports(module),
			...module.imports.flatMap((edge) => (edge.reexportsAll && edge.to ? exportsOf(edge.to, seen).filter((name) => name !== 'default') : [])),
		];
	};
	const use = (path: string, name: string): void => {
		const module = modules.get(path);
		if (!module) return;
		if (name === '*') {
			for (const each of exportsOf(path)) use(path, each);
			return;
		}
		if (used.has(key(path, name))) return;
		used.add(key(path, name));
		const declared = namedExports(module).includes(name);
		for (const edge of module.imports) {
			if (!edge.to) continue;
			for (const reexport of edge.reexports ?? []) if (reexport.exported === name) use(edge.to, reexport.imported);
			if (edge.reexportsAll && !declared) use(edge.to, name);
			if (edge.namespaceExport === name) use(edge.to, '*');
		}
	};
	for (const module of product) {
		for (const edge of module.imports) {
			if (edge.to && !edge.reexports && !edge.reexportsAll && edge.namespaceExport === undefined) for (const name of edge.names) use(edge.to, name);
		}
	}
	for (const entry of entryPoints) use(entry, '*');
	const deadExports: Findings['deadExports'] = [];
	for (const module of product) {
		for (const name of new Set(namedExports(module))) {
			if (!used.has(key(module.path, name))) deadExports.push({ module: module.path, name });
		}
	}

	// d. transport/ and decoder/: no runtime import beyond node:crypto and their own files; decoder/
	//    knows nothing of transport/, and transport/ takes only types from decoder/.
	const forbiddenImports: Findings['forbiddenImports'] = [];
	for (const module of product.filter((each) => SEALED.test(each.path))) {
		for (const edge of module.imports) {
			const relative = edge.specifier.startsWith('.');
			if (edge.specifier === 'n8n-workflow') forbiddenImports.push({ from: module.path, specifier: edge.specifier, why: 'n8n-workflow' });
			else if (!relative && !SEALED_ALLOWED.has(edge.specifier) && !edge.typeOnly) {
				forbiddenImports.push({ from: module.path, specifier: edge.specifier, why: 'runtime dependency' });
			} else if (relative && edge.to && module.path.includes('/decoder/') && edge.to.includes('/transport/')) {
				forbiddenImports.push({ from: module.path, specifier: edge.specifier, why: 'decoder/ imports transport/' });
			} else if (relative && edge.to && module.path.includes('/transport/') && edge.to.includes('/decoder/') && !edge.typeOnly) {
				forbiddenImports.push({ from: module.path, specifier: edge.specifier, why: 'transport/ takes runtime values from decoder/' });
			}
		}
	}

	return {
		moduleCycles: cycles(
			product.map((module) => module.path),
			moduleEdges,
		),
		folderCycles: cycles(folderEdges.keys(), folderEdges),
		reachIns,
		deadExports,
		forbiddenImports,
	};
}
