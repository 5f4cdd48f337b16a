/**
 * Freezes resolved settings all the way down, so no module can change what
 * another reads. Plain objects and arrays are frozen recursively; instances of
 * other classes (Buffer, KeyObject, Set, MessageVerifier) are left as they are:
 * a Buffer cannot be frozen, and the others expose no setters.
 */

/** Recursively freeze plain objects and arrays in `value`; returns `value`. */
export function deepFreeze<T>(value: T, seen = new WeakSet<object>()): T {
  if (value === null || typeof value !== 'object' || seen.has(value)) return value;
  const proto = Object.getPrototypeOf(value);
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) return value;
  seen.add(value);
  Object.freeze(value);
  for (const key of Reflect.ownKeys(value)) deepFreeze((value as Record<PropertyKey, unknown>)[key], seen);
  return value;
}
