/** DI tokens of the cable gateway. */

/** The whole frozen `CableConfig`. */
export const CABLE_CONFIG = Symbol('CABLE_CONFIG');
/** The application's `CableLogger`. */
export const CABLE_LOGGER = Symbol('CABLE_LOGGER');
