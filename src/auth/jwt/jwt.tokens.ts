/** DI tokens of JWT identification (override them in tests or extensions). */

/** The frozen `JwtSettings`, resolved once by the config loader (the `jwt` slice). */
export const JWT_SETTINGS = Symbol('JWT_SETTINGS');
/** The `ReplayStore` for `jwt_single_use`, or null when off. */
export const JWT_REPLAY_STORE = Symbol('JWT_REPLAY_STORE');
/** The `Clock` used for `exp` / `nbf`. */
export const JWT_CLOCK = Symbol('JWT_CLOCK');
