/** DI tokens of the extensions slice. */

/** Frozen `ExtensionsSettings`: the extension module paths the stock server loaded. */
export const EXTENSIONS_SETTINGS = Symbol('EXTENSIONS_SETTINGS');
