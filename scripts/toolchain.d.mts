// Types of scripts/toolchain.mjs for the tests that import it.
export declare const PINNED_NODE_VERSION: string;
export declare const TOOLCHAIN_NODE: { major: number; minor: number };
export interface NodePackage {
	name: string;
	spec: string;
	binary: string;
	headers: string | undefined;
}
export declare function nodePackage(platform: string, arch: string, version?: string): NodePackage | undefined;
export declare function installLayout(
	prefix: string,
	platform: string,
	pkg: NodePackage,
): { prefix: string; packageFolder: string; node: string; binFolder: string };
export declare function newestUsable(versions: string[], preferMajor?: number): string | undefined;
export declare function isAtLeast(version: string, need?: { major: number; minor: number }): boolean;
export declare function envWithFirstOnPath(
	env: Record<string, string | undefined>,
	folder: string,
	platform: string,
): Record<string, string | undefined>;
export declare function windowsCommandLine(command: string, args: string[]): string;
export declare function npmInvocation(
	env: Record<string, string | undefined>,
	execPath: string,
	platform: string,
): { command: string; args: string[]; shell: boolean };
